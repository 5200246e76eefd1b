"""Launching a campaign asks first, showing how many customers it reaches now (the segment, less those
whose consent does not allow the message, less the hold-out share); the campaign's page says why an
audience was empty and how many customers wait for their quiet hours to end."""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from pelatis.customers.models import Customer
from pelatis.engagement.models import Campaign, MessageTemplate, Segment, Send, TemplateVersion
from pelatis.engagement.queries_campaigns import campaign_reach, campaign_waiting
from pelatis.engagement.services.campaigns import CampaignInput, campaign_create
from pelatis.privacy.services import consent_record

from .journey_fixtures import person

pytestmark = pytest.mark.django_db
ATHENS = zoneinfo.ZoneInfo("Europe/Athens")


@pytest.fixture(autouse=True)
def _no_quiet_hours(settings: Any) -> None:
    settings.PELATIS_QUIET_HOURS = "off"


def _greek(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "el"
    return client


def _text(response: Any) -> str:
    body = re.sub(r"<(script|style|head)\b.*?</\1>", " ", response.content.decode(), flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body))


def _customers(consenting: int, without: int) -> list[Customer]:
    found = []
    for i in range(consenting + without):
        customer = person("Ελένη", f"Πελάτισσα {i}", f"pelatis{i}@example.gr", time_zone="Europe/Athens")
        if i < consenting:
            consent_record(
                customer=customer, purpose="marketing", channel="email", granted=True, source="form"
            )
        found.append(customer)
    return found


def _draft(holdout: int = 10) -> Campaign:
    template = MessageTemplate.objects.create(name="Χειμερινές προσφορές", purpose="marketing")
    TemplateVersion.objects.create(
        template=template, language="el", subject="Εκπτώσεις", body="{{ address }}, σας περιμένουμε!"
    )
    segment = Segment.objects.create(name="Όλοι οι πελάτες", definition={"op": "and", "rules": []})
    data = CampaignInput(name="Χειμώνας", segment=segment, template=template, holdout_percent=holdout)
    return campaign_create(data=data)


def _quiet_now(settings: Any) -> dt.datetime:
    """Quiet hours from an hour ago to two hours from now in Athens; when they end."""
    local = timezone.localtime(timezone.now(), ATHENS)
    start, end = local - dt.timedelta(hours=1), local + dt.timedelta(hours=2)
    settings.PELATIS_QUIET_HOURS = f"{start:%H:%M}-{end:%H:%M}"
    return end.replace(second=0, microsecond=0)


def test_launch_now_asks_first_with_the_number_reached(manager: Any) -> None:
    _customers(consenting=20, without=3)
    draft = _draft(holdout=10)
    client = _greek(manager)

    page = client.get(reverse("engagement:campaign", args=[draft.pk])).content.decode()
    question = client.get(reverse("engagement:campaign_launch", args=[draft.pk]))

    # the button on the page only leads to the question
    assert f'href="{reverse("engagement:campaign_launch", args=[draft.pk])}" data-launch' in page
    assert question.status_code == 200
    html = question.content.decode()
    assert 'data-in-segment="23"' in html
    assert 'data-without-consent="3"' in html
    assert 'data-held-out="2"' in html  # 10 % of the 20 allowed
    assert 'data-receive="18"' in html
    assert "data-launch-confirm" in html
    text = _text(question)
    assert "«Προωθητικά»" in text or "“Προωθητικά”" in text  # the purpose by its Greek label
    assert not {"marketing", "email"} & set(re.findall(r"\w+", text))
    assert Campaign.objects.get(pk=draft.pk).status == Campaign.Status.DRAFT


def test_only_the_confirmed_post_launches(manager: Any) -> None:
    _customers(consenting=2, without=0)
    draft = _draft()
    client = _greek(manager)

    unconfirmed = client.post(reverse("engagement:campaign_launch", args=[draft.pk]))
    assert unconfirmed.status_code == 200
    assert "data-launch-question" in unconfirmed.content.decode()
    assert Campaign.objects.get(pk=draft.pk).status == Campaign.Status.DRAFT

    confirmed = client.post(reverse("engagement:campaign_launch", args=[draft.pk]), {"confirm": "yes"})
    assert confirmed.status_code == 302
    assert Campaign.objects.get(pk=draft.pk).status != Campaign.Status.DRAFT


def test_nobody_with_consent_means_no_launch_button_and_a_reason(manager: Any) -> None:
    _customers(consenting=0, without=4)
    draft = _draft()

    question = _greek(manager).get(reverse("engagement:campaign_launch", args=[draft.pk]))

    html = question.content.decode()
    assert 'data-receive="0"' in html
    assert "data-nobody" in html
    assert "Προωθητικά" in _text(question)
    assert "data-launch-confirm" not in html


def test_a_finished_campaign_with_nobody_says_why(manager: Any) -> None:
    _customers(consenting=0, without=3)
    draft = _draft()
    Campaign.objects.filter(pk=draft.pk).update(
        status=Campaign.Status.DONE, started_at=timezone.now(), finished_at=timezone.now()
    )

    response = _greek(manager).get(reverse("engagement:campaign", args=[draft.pk]))

    html = response.content.decode()
    assert "data-empty-reason" in html
    reason = re.search(r"data-empty-reason>(.*?)</div>", html, flags=re.S)
    assert reason is not None
    assert "Προωθητικά" in reason.group(1)
    assert "Email" in reason.group(1)


def test_the_question_counts_those_in_quiet_hours(manager: Any, settings: Any) -> None:
    _customers(consenting=4, without=1)
    draft = _draft(holdout=0)
    ends = _quiet_now(settings)

    reach = campaign_reach(draft)
    html = _greek(manager).get(reverse("engagement:campaign_launch", args=[draft.pk])).content.decode()

    assert reach is not None
    assert (reach.receive, reach.quiet) == (4, 4)
    assert reach.quiet_until is not None
    assert timezone.localtime(reach.quiet_until, ATHENS).strftime("%H:%M") == ends.strftime("%H:%M")
    assert 'data-quiet="4"' in html


def test_a_sending_campaign_shows_who_waits_for_quiet_hours(manager: Any, settings: Any) -> None:
    customers = _customers(consenting=5, without=2)
    draft = _draft(holdout=0)
    Campaign.objects.filter(pk=draft.pk).update(status=Campaign.Status.SENDING, started_at=timezone.now())
    Send.objects.create(key="sent:one", customer=customers[0], campaign=draft, channel="email", status="sent")
    ends = _quiet_now(settings)
    draft.refresh_from_db()

    waiting = campaign_waiting(draft)
    response = _greek(manager).get(reverse("engagement:campaign", args=[draft.pk]))

    assert waiting.count == 4  # five with consent, one already sent to
    assert 'data-waiting="4"' in response.content.decode()
    assert ends.strftime("%H:%M") in _text(response)


def test_nobody_waits_outside_quiet_hours(manager: Any) -> None:
    _customers(consenting=3, without=0)
    draft = _draft(holdout=0)
    Campaign.objects.filter(pk=draft.pk).update(status=Campaign.Status.SENDING, started_at=timezone.now())
    draft.refresh_from_db()

    assert campaign_waiting(draft).count == 0
    assert (
        "data-waiting"
        not in _greek(manager).get(reverse("engagement:campaign", args=[draft.pk])).content.decode()
    )


def test_counting_the_reach_does_not_grow_with_the_audience(
    django_assert_max_num_queries: Any, settings: Any
) -> None:
    _customers(consenting=12, without=4)
    draft = _draft()
    _quiet_now(settings)
    draft = Campaign.objects.select_related("segment", "template").get(pk=draft.pk)

    with django_assert_max_num_queries(2):
        reach = campaign_reach(draft)

    assert reach is not None
    assert reach.allowed == 12
