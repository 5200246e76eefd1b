"""The journey pages fit their cards: settings read as label beside value, and a step's results are two
tables (delivery, orders) whose headings wrap and which scroll inside their cards on a narrow screen."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.test import Client
from django.urls import reverse

from .journey_fixtures import journey_with_steps

pytestmark = pytest.mark.django_db


def _greek(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "el"
    return client


def test_journey_settings_are_a_label_value_grid(manager: Any) -> None:
    journey = journey_with_steps("name_day", 0, bonus_points=100, holdout_percent=5)

    page = _greek(manager).get(reverse("engagement:journey", args=[journey.pk])).content.decode()

    settings_list = re.search(r'<dl class="props" data-settings>(.*?)</dl>', page, flags=re.S)
    assert settings_list is not None
    body = settings_list.group(1)
    assert "prop-pair" not in body  # a pair wrapper breaks the grid: the value then sits under its label
    assert re.search(r"<dt>[^<]+</dt><dd>100</dd>", body)
    assert re.search(r"<dt>[^<]+</dt><dd>5 %</dd>", body)


def test_journey_results_table_wraps_and_scrolls_inside_its_card(manager: Any) -> None:
    journey = journey_with_steps("name_day", 0, 7)

    page = _greek(manager).get(reverse("engagement:journey_results", args=[journey.pk])).content.decode()

    tables = re.findall(
        r'<section class="card step-results[^"]*"[^>]*>.*?<div class="table-wrap"[^>]*>\s*<table class="table">(.*?)</table>',
        page,
        flags=re.S,
    )
    assert len(tables) == 2  # delivery, orders: each narrow enough for its card
    assert all(len(re.findall(r'<th scope="col"', table)) <= 8 for table in tables)
    # the layout is in the app's stylesheet (no inline style under the Content-Security-Policy)
    assert "engagement/engagement.css" in page
    found = finders.find("engagement/engagement.css")
    assert isinstance(found, str)
    css = Path(found).read_text(encoding="utf-8")
    assert re.search(r"\.step-results \.table th \{[^}]*white-space: normal", css)
    assert re.search(r"\.step-results \.table-wrap \{[^}]*overflow-x: auto", css)
    assert page.count('data-step="') == 2
    assert page.count('data-step-orders="') == 2
    assert "{#" not in page
