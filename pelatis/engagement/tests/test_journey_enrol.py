"""Triggers enrol the right customers once: greetings on the day in the customer's own time zone (name
days that move with Easter too), purchases, tickets, renewals, lapses and categories; the audience
restricts and the hold-out group is chosen by a stable hash."""

from __future__ import annotations

import datetime as dt

import pytest

from pelatis.customers.inputs import SubscriptionInput
from pelatis.customers.services import subscription_create
from pelatis.engagement.models import Enrollment, Journey
from pelatis.engagement.services.enrol import holdout_bucket, journey_enrol
from pelatis.engagement.services.triggers import names_celebrating

from .journey_fixtures import buy, journey_with_steps, person

pytestmark = pytest.mark.django_db

UTC = dt.UTC


def at(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=UTC)


def enrolled(journey: Journey) -> set[tuple[int, str]]:
    return set(Enrollment.objects.filter(journey=journey).values_list("customer_id", "occurrence"))


def test_name_day_moveable_feast_lazarus_saturday() -> None:
    # Orthodox Easter 2026 is 12 April: Λάζαρος celebrates eight days before, on 4 April.
    lazaros = person("Λάζαρος", "Ιωάννου", "lazaros@example.gr")
    person("Νίκος", "Αλεξίου", "nikos@example.gr")
    journey = journey_with_steps(Journey.Trigger.NAME_DAY)

    assert journey_enrol(journey=journey, now=at(2026, 4, 3, 9)) == 0
    assert journey_enrol(journey=journey, now=at(2026, 4, 4, 9)) == 1

    assert enrolled(journey) == {(lazaros.pk, "2026")}


def test_george_moves_to_easter_monday_when_easter_is_late() -> None:
    # Easter 2027 is 2 May, so Αγίου Γεωργίου (23 April, in Lent) moves to Easter Monday, 3 May.
    assert names_celebrating(["Γεώργιος"], dt.date(2027, 4, 23)) == []
    assert names_celebrating(["Γεώργιος"], dt.date(2027, 5, 3)) == ["Γεώργιος"]
    giorgos = person("Γιώργος", "Παπαδόπουλος", "giorgos@example.gr")
    journey = journey_with_steps(Journey.Trigger.NAME_DAY)

    assert journey_enrol(journey=journey, now=at(2027, 4, 23, 9)) == 0
    assert journey_enrol(journey=journey, now=at(2027, 5, 3, 9)) == 1
    assert enrolled(journey) == {(giorgos.pk, "2027")}


def test_name_day_is_the_customers_day_in_their_time_zone() -> None:
    # 01:30 UTC on 8 January: 03:30 on the 8th in Athens, still 20:30 on the 7th (Αγίου Ιωάννου) in New York.
    in_new_york = person("John", "Smith", "john@example.com", time_zone="America/New_York", language="en")
    in_athens = person("Γιάννης", "Κωστόπουλος", "giannis@example.gr")
    journey = journey_with_steps(Journey.Trigger.NAME_DAY)

    journey_enrol(journey=journey, now=at(2027, 1, 8, 1, 30))

    assert enrolled(journey) == {(in_new_york.pk, "2027")}
    # ... and the Athenian was enrolled on his own 7 January, the day before.
    journey_enrol(journey=journey, now=at(2027, 1, 7, 8))
    assert enrolled(journey) == {(in_new_york.pk, "2027"), (in_athens.pk, "2027")}


def test_birthday_in_the_customers_time_zone_and_29_february() -> None:
    tokyo = person("Aiko", "Tanaka", "aiko@example.jp", time_zone="Asia/Tokyo", birthday=dt.date(1990, 3, 1))
    athens = person("Ελένη", "Νικολάου", "eleni@example.gr", birthday=dt.date(1990, 3, 1))
    leap = person("Μαρία", "Λεάπ", "maria@example.gr", birthday=dt.date(1992, 2, 29))
    journey = journey_with_steps(Journey.Trigger.BIRTHDAY)

    # 18:00 UTC on 28 February 2027: 1 March in Tokyo, 20:00 on the 28th in Athens.
    journey_enrol(journey=journey, now=at(2027, 2, 28, 18))

    assert enrolled(journey) == {(tokyo.pk, "2027"), (leap.pk, "2027")}
    assert athens.pk not in {c for c, _ in enrolled(journey)}


def test_a_second_run_enrols_nobody_twice() -> None:
    person("Λάζαρος", "Ιωάννου", "lazaros@example.gr")
    journey = journey_with_steps(Journey.Trigger.NAME_DAY)

    first = journey_enrol(journey=journey, now=at(2026, 4, 4, 6))
    second = journey_enrol(journey=journey, now=at(2026, 4, 4, 18))

    assert (first, second) == (1, 0)
    assert Enrollment.objects.filter(journey=journey).count() == 1


def test_inactive_journey_or_one_without_steps_enrols_nobody() -> None:
    person("Λάζαρος", "Ιωάννου", "lazaros@example.gr")
    journey = journey_with_steps(Journey.Trigger.NAME_DAY)
    Journey.objects.filter(pk=journey.pk).update(active=False)
    journey.refresh_from_db()

    assert journey_enrol(journey=journey, now=at(2026, 4, 4, 9)) == 0
    assert not Enrollment.objects.exists()


def test_holdout_is_a_stable_hash_and_roughly_the_percentage() -> None:
    journey = journey_with_steps(Journey.Trigger.ONBOARDING, options={"on": "signup"}, holdout_percent=20)
    customers = [person(f"Πελάτης{i}", "Δοκιμής", f"p{i}@example.gr") for i in range(60)]

    journey_enrol(journey=journey, now=dt.datetime.now(tz=UTC))

    statuses = dict(Enrollment.objects.filter(journey=journey).values_list("customer_id", "status"))
    assert len(statuses) == 60
    expected = {c.pk for c in customers if holdout_bucket(journey.pk, c.pk) < 20}
    assert {pk for pk, s in statuses.items() if s == Enrollment.Status.HELD_OUT} == expected
    assert 3 <= len(expected) <= 24  # the hash spreads customers; 12 of 60 expected


@pytest.mark.parametrize("journey_id", [1, 4, 37, 1009])
@pytest.mark.parametrize("first_id", [1, 7, 5_000, 2_000_000])
def test_holdout_splits_any_run_of_consecutive_ids_at_the_percentage(journey_id: int, first_id: int) -> None:
    # Customers who signed up together have consecutive ids; a hold-out that kept or sent a whole run
    # would compare one cohort with another. Any 100 consecutive ids split within ±3 of the percentage.
    for percent in (10, 20, 50):
        held = sum(holdout_bucket(journey_id, c) < percent for c in range(first_id, first_id + 100))
        assert abs(held - percent) <= 3, (percent, held)


def test_onboarding_after_the_first_purchase_only() -> None:
    now = at(2026, 6, 10, 12)
    new = person("Νέα", "Πελάτισσα", "new@example.gr")
    old = person("Παλιός", "Πελάτης", "old@example.gr")
    buy(old, "A-1", now - dt.timedelta(days=200), ("S1", "Σέλα", "Αξεσουάρ"))
    buy(old, "A-2", now - dt.timedelta(days=1), ("S1", "Σέλα", "Αξεσουάρ"))
    first = buy(new, "B-1", now - dt.timedelta(days=1), ("S1", "Σέλα", "Αξεσουάρ"))
    journey = journey_with_steps(Journey.Trigger.ONBOARDING, 0, 7)

    journey_enrol(journey=journey, now=now)

    assert enrolled(journey) == {(new.pk, str(first.pk))}
    enrolment = Enrollment.objects.get(journey=journey)
    assert enrolment.anchor_at == first.placed_at
    assert enrolment.next_due_at == first.placed_at  # step 1 waits 0 days


def test_check_in_weeks_after_the_latest_purchase() -> None:
    now = at(2026, 6, 10, 12)
    due = person("Τρεις", "Εβδομάδες", "due@example.gr")
    again = person("Ξανά", "Αγόρασε", "again@example.gr")
    order = buy(due, "C-1", now - dt.timedelta(weeks=3, hours=2), ("S1", "Σέλα", "Αξεσουάρ"))
    buy(again, "C-2", now - dt.timedelta(weeks=3, hours=2), ("S1", "Σέλα", "Αξεσουάρ"))
    buy(again, "C-3", now - dt.timedelta(days=2), ("S1", "Σέλα", "Αξεσουάρ"))
    journey = journey_with_steps(Journey.Trigger.CHECK_IN, options={"weeks": 3})

    journey_enrol(journey=journey, now=now)

    assert enrolled(journey) == {(due.pk, f"order:{order.pk}")}


def test_cross_sell_after_a_purchase_in_the_category() -> None:
    now = at(2026, 6, 10, 12)
    rider = person("Ποδη", "Λάτης", "bike@example.gr")
    reader = person("Βιβλιο", "Φάγος", "book@example.gr")
    order = buy(rider, "D-1", now - dt.timedelta(hours=5), ("B1", "Ποδήλατο", "Ποδήλατα"))
    buy(reader, "D-2", now - dt.timedelta(hours=5), ("K1", "Βιβλίο", "Βιβλία"))
    journey = journey_with_steps(Journey.Trigger.CROSS_SELL, options={"category": "Ποδήλατα"})

    journey_enrol(journey=journey, now=now)

    assert enrolled(journey) == {(rider.pk, f"order:{order.pk}")}


def test_win_back_after_days_without_a_purchase_once_per_lapse() -> None:
    now = at(2026, 6, 10, 12)
    lapsed = person("Χαμένος", "Πελάτης", "lost@example.gr")
    active = person("Ενεργός", "Πελάτης", "active@example.gr")
    last = buy(lapsed, "E-1", now - dt.timedelta(days=200), ("S1", "Σέλα", "Αξεσουάρ"))
    buy(active, "E-2", now - dt.timedelta(days=20), ("S1", "Σέλα", "Αξεσουάρ"))
    journey = journey_with_steps(Journey.Trigger.WIN_BACK, options={"days": 120})

    journey_enrol(journey=journey, now=now)
    journey_enrol(journey=journey, now=now + dt.timedelta(days=1))

    assert enrolled(journey) == {(lapsed.pk, f"last:{last.pk}")}


def test_renewal_reminder_days_before() -> None:

    now = at(2026, 6, 10, 9)
    soon = person("Συν", "Δρομητής", "sub@example.gr")
    later = person("Αργό", "Τερα", "later@example.gr")
    sub = subscription_create(
        customer=soon,
        data=SubscriptionInput(
            product="Συντήρηση", started_on=dt.date(2025, 6, 20), renews_on=dt.date(2026, 6, 20)
        ),
    )
    subscription_create(
        customer=later,
        data=SubscriptionInput(
            product="Συντήρηση", started_on=dt.date(2025, 8, 1), renews_on=dt.date(2026, 8, 1)
        ),
    )
    journey = journey_with_steps(Journey.Trigger.RENEWAL, options={"days_before": 14})

    journey_enrol(journey=journey, now=now)

    assert enrolled(journey) == {(soon.pk, f"sub:{sub.pk}:2026-06-20")}


def test_seasonal_on_its_date() -> None:
    customer = person("Εποχ", "Ιακός", "season@example.gr")
    journey = journey_with_steps(Journey.Trigger.SEASONAL, options={"month": 8, "day": 15})

    journey_enrol(journey=journey, now=at(2026, 8, 14, 12))
    assert not enrolled(journey)
    journey_enrol(journey=journey, now=at(2026, 8, 15, 12))
    assert enrolled(journey) == {(customer.pk, "2026")}


def test_the_audience_segment_restricts_in_the_same_statement() -> None:
    from pelatis.engagement.models import Segment

    greek = person("Λάζαρος", "Ιωάννου", "lazaros@example.gr")
    person("Lazarus", "Smith", "lazarus@example.com", language="en")
    segment = Segment.objects.create(
        name="Ελληνόφωνοι",
        definition={"op": "and", "rules": [{"field": "customer.language", "op": "eq", "value": "el"}]},
    )
    journey = journey_with_steps(Journey.Trigger.NAME_DAY, audience=segment)

    journey_enrol(journey=journey, now=at(2026, 4, 4, 9))

    assert enrolled(journey) == {(greek.pk, "2026")}


def test_win_back_by_the_audience_alone() -> None:
    from pelatis.engagement.models import Segment

    now = at(2026, 6, 10, 12)
    lapsing = person("Χαμένη", "Πελάτισσα", "lost@example.gr", language="el")
    other = person("Other", "Buyer", "other@example.com", language="en")
    last = buy(lapsing, "F-1", now - dt.timedelta(days=10), ("S1", "Σέλα", "Αξεσουάρ"))
    buy(other, "F-2", now - dt.timedelta(days=10), ("S1", "Σέλα", "Αξεσουάρ"))
    segment = Segment.objects.create(
        name="Ελληνόφωνοι",
        definition={"op": "and", "rules": [{"field": "customer.language", "op": "eq", "value": "el"}]},
    )
    journey = journey_with_steps(Journey.Trigger.WIN_BACK, audience=segment)

    journey_enrol(journey=journey, now=now)

    assert enrolled(journey) == {(lapsing.pk, f"last:{last.pk}")}
