"""Journey pages: agents read, managers create, edit, switch on and run; every bad setting is named on
its field; the bought-together page shows a product's partners by lift."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from pelatis.engagement.models import Journey, JourneyStep, Send

from .journey_fixtures import buy, greeting_template, journey_with_steps, person

pytestmark = pytest.mark.django_db


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def form_data(**overrides: Any) -> dict[str, Any]:
    template = greeting_template()
    data: dict[str, Any] = {
        "name": "Ονομαστική εορτή",
        "trigger": "name_day",
        "audience": "",
        "bonus_points": "50",
        "holdout_percent": "10",
        "conversion_days": "14",
        "steps-TOTAL_FORMS": "3",
        "steps-INITIAL_FORMS": "0",
        "steps-MIN_NUM_FORMS": "0",
        "steps-MAX_NUM_FORMS": "20",
        "steps-0-delay_days": "0",
        "steps-0-template": str(template.pk),
        "steps-0-channel": "email",
        "steps-1-delay_days": "7",
        "steps-1-template": str(template.pk),
        "steps-1-channel": "email",
        "steps-2-delay_days": "",
        "steps-2-template": "",
        "steps-2-channel": "email",
    }
    data.update(overrides)
    return data


def test_manager_creates_a_journey_with_its_steps_switched_off(manager: Any) -> None:
    response = client_for(manager).post(reverse("engagement:journey_new"), form_data())

    journey = Journey.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("engagement:journey", args=[journey.pk])
    assert (journey.trigger, journey.bonus_points, journey.holdout_percent, journey.active) == (
        "name_day",
        50,
        10,
        False,
    )
    assert list(journey.steps.values_list("position", "delay_days")) == [(1, 0), (2, 7)]
    assert journey.created_by == manager


def test_each_bad_setting_is_named_on_its_field(manager: Any) -> None:
    sms_only = greeting_template(name="SMS")
    sms_only.channel = "sms"
    sms_only.save()
    data = form_data(
        trigger="check_in", bonus_points="10", **{"steps-1-delay_days": "0", "steps-0-delay_days": "3"}
    )
    data["steps-1-template"] = str(sms_only.pk)

    response = client_for(manager).post(reverse("engagement:journey_new"), data)

    assert response.status_code == 422
    html = response.content.decode()
    for field in ("weeks", "bonus_points", "delay_days", "channel"):
        assert f'data-error-for="{field}"' in html, field
    assert not Journey.objects.exists()


def test_manager_edits_steps_in_place_and_cannot_drop_one_that_sent(manager: Any) -> None:
    journey = journey_with_steps(Journey.Trigger.BIRTHDAY, 0, 5)
    client = client_for(manager)
    page = client.get(reverse("engagement:journey_edit", args=[journey.pk]))
    assert page.status_code == 200
    assert 'value="5"' in page.content.decode()
    step_two = journey.steps.get(position=2)
    customer = person("Άννα", "Βλάχου", "anna@example.gr")
    Send.objects.create(key="k", customer=customer, channel="email", step=step_two, status="sent")

    data = form_data(
        name=journey.name, trigger="birthday", **{"steps-1-delay_days": "", "steps-1-template": ""}
    )
    response = client.post(reverse("engagement:journey_edit", args=[journey.pk]), data)

    assert response.status_code == 422
    assert "switch the journey off instead" in response.content.decode()
    assert journey.steps.count() == 2


def test_switch_on_and_run_now(
    manager: Any, smtp_server: Any, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.PELATIS_QUIET_HOURS = "off"
    journey = journey_with_steps(Journey.Trigger.ONBOARDING, 0, options={"on": "signup"})
    Journey.objects.filter(pk=journey.pk).update(active=False)
    person("Νέος", "Πελάτης", "new@example.gr")
    client = client_for(manager)

    client.post(reverse("engagement:journey_toggle", args=[journey.pk]))
    journey.refresh_from_db()
    assert journey.active
    with django_capture_on_commit_callbacks(execute=True):
        with_run = client.post(reverse("engagement:journey_run", args=[journey.pk]))

    assert with_run.status_code == 302
    assert journey.enrollments.count() == 1  # the immediate task backend ran it
    assert Send.objects.get().skip_reason == Send.Skip.NO_CONSENT  # marketing is opt-in: nobody consented
    page = client.get(reverse("engagement:journey", args=[journey.pk])).content.decode()
    assert reverse("engagement:journey_results", args=[journey.pk]) in page


def test_agents_read_but_never_write(agent: Any) -> None:
    journey = journey_with_steps(Journey.Trigger.NAME_DAY)
    client = client_for(agent)

    assert client.get(reverse("engagement:journeys")).status_code == 200
    assert client.get(reverse("engagement:journey", args=[journey.pk])).status_code == 200
    assert client.get(reverse("engagement:journey_new")).status_code == 403
    assert client.post(reverse("engagement:journey_toggle", args=[journey.pk])).status_code == 403
    assert client.post(reverse("engagement:journey_run", args=[journey.pk])).status_code == 403
    journey.refresh_from_db()
    assert journey.active
    assert not journey.enrollments.exists()


def test_outsider_and_anonymous_are_kept_out(outsider: Any) -> None:
    journey = journey_with_steps(Journey.Trigger.NAME_DAY)
    assert client_for(outsider).get(reverse("engagement:journey", args=[journey.pk])).status_code == 403
    assert Client().get(reverse("engagement:journeys")).status_code == 302


def test_list_counts_without_a_query_per_journey(manager: Any) -> None:
    client = client_for(manager)
    journey_with_steps("name_day", 0, 3)
    client.get(reverse("engagement:journeys"))  # the session and the shared cache warm up
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("engagement:journeys"))
    for trigger in ("birthday", "seasonal", "win_back"):
        journey_with_steps(trigger, 0, 3)
    with CaptureQueriesContext(connection) as four:
        response = client.get(reverse("engagement:journeys"))

    assert response.content.decode().count("data-journey=") == 4
    assert len(four.captured_queries) == len(one.captured_queries)
    assert JourneyStep.objects.count() == 8


def test_bought_together_page(agent: Any) -> None:
    at = dt.datetime(2026, 6, 1, tzinfo=dt.UTC)
    who = person("Άννα", "Βλάχου", "anna@example.gr")
    buy(who, "P-1", at, ("BIKE", "Ποδήλατο", "Ποδήλατα"), ("HELMET", "Κράνος", "Αξεσουάρ"))
    buy(who, "P-2", at, ("BIKE", "Ποδήλατο", "Ποδήλατα"), ("HELMET", "Κράνος", "Αξεσουάρ"))
    buy(who, "P-3", at, ("BOOK", "Βιβλίο", "Βιβλία"))

    response = client_for(agent).get(reverse("engagement:product_pairs"), {"product": "BIKE"})

    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-pair="HELMET"' in html
    assert "Κράνος" in html
    assert "1.50" in html or "1,50" in html  # lift = 2 · 3 / (2 · 2)


def test_journey_page_shows_settings_by_their_labels_in_greek(agent: Any) -> None:
    journey = journey_with_steps(Journey.Trigger.CHECK_IN, 0, options={"weeks": 3, "after": "ticket"})
    client = client_for(agent)
    client.cookies["django_language"] = "el"

    html = client.get(
        reverse("engagement:journey", args=[journey.pk]), headers={"Accept-Language": "el"}
    ).content.decode()

    assert "a resolved request" not in html
    assert "ticket" not in html.split('<section class="card" id="steps">')[0].split("<h1>")[1]
