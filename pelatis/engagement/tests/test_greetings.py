"""Birthday greetings: on the customer's birthday in their own time zone, with the bonus points once per
year (not for the hold-out group, who receive nothing)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from pelatis.engagement.models import Enrollment, Journey, Send
from pelatis.engagement.services.enrol import holdout_bucket
from pelatis.engagement.services.journey_run import journeys_run
from pelatis.loyalty.models import LedgerEntry, LoyaltyProgramme
from pelatis.privacy.services import consent_record

from .journey_fixtures import journey_with_steps, person

pytestmark = pytest.mark.django_db

BIRTHDAY = dt.datetime(2026, 9, 14, 7, tzinfo=dt.UTC)  # 10:00 in Athens


def test_birthday_bonus_once_a_year_and_never_for_the_hold_out_group(smtp_server: Any) -> None:
    LoyaltyProgramme.objects.update_or_create(pk=1, defaults={"active": True})
    journey = journey_with_steps(Journey.Trigger.BIRTHDAY, 0, bonus_points=100, holdout_percent=50)
    people = [
        person(f"Όνομα{i}", "Αντωνίου", f"b{i}@example.gr", birthday=dt.date(1980 + i, 9, 14))
        for i in range(8)
    ]
    for who in people:
        consent_record(customer=who, purpose="marketing", channel="email", granted=True, source="form")
    held = {c.pk for c in people if holdout_bucket(journey.pk, c.pk) < 50}

    journeys_run(now=BIRTHDAY)
    journeys_run(now=BIRTHDAY + dt.timedelta(hours=4), force_enrol=True)

    rewarded = set(
        LedgerEntry.objects.filter(bonus_kind="birthday").values_list("account__customer", flat=True)
    )
    assert rewarded == {c.pk for c in people} - held
    assert LedgerEntry.objects.filter(bonus_kind="birthday").count() == len(people) - len(held)
    assert len(smtp_server.messages) == len(people) - len(held)
    assert set(Send.objects.filter(status=Send.Status.HELD_OUT).values_list("customer", flat=True)) == held
    # next year: a new occurrence, a new greeting and a new bonus
    journeys_run(now=BIRTHDAY.replace(year=2027), force_enrol=True)
    assert Enrollment.objects.filter(occurrence="2027").count() == len(people)
    assert LedgerEntry.objects.filter(bonus_kind="birthday").count() == 2 * (len(people) - len(held))
