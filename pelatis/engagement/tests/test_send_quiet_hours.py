"""Quiet hours in the customer's own time zone: when they end, and nothing when a message may go now."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import Any

import pytest

from ..services.sending import quiet_hours_end
from .test_send import customer

pytestmark = pytest.mark.django_db
ATHENS = zoneinfo.ZoneInfo("Europe/Athens")
NEW_YORK = zoneinfo.ZoneInfo("America/New_York")


def test_late_evening_waits_for_nine_the_next_morning() -> None:
    athens = customer(time_zone="Europe/Athens")
    now = dt.datetime(2026, 12, 7, 22, 30, tzinfo=ATHENS)

    assert quiet_hours_end(athens, now) == dt.datetime(2026, 12, 8, 9, 0, tzinfo=ATHENS)


def test_early_morning_waits_for_nine_the_same_day() -> None:
    athens = customer(time_zone="Europe/Athens")
    now = dt.datetime(2026, 12, 7, 6, 15, tzinfo=ATHENS)

    assert quiet_hours_end(athens, now) == dt.datetime(2026, 12, 7, 9, 0, tzinfo=ATHENS)


def test_daytime_may_send_now() -> None:
    athens = customer(time_zone="Europe/Athens")
    assert quiet_hours_end(athens, dt.datetime(2026, 12, 7, 9, 0, tzinfo=ATHENS)) is None
    assert quiet_hours_end(athens, dt.datetime(2026, 12, 7, 20, 59, tzinfo=ATHENS)) is None


def test_the_customers_zone_counts_not_the_business() -> None:
    new_yorker = customer(time_zone="America/New_York")
    # 15:00 in Athens is 08:00 in New York: still quiet there, until 09:00 their time (16:00 in Athens).
    now = dt.datetime(2026, 12, 7, 15, 0, tzinfo=ATHENS)

    end = quiet_hours_end(new_yorker, now)

    assert end == dt.datetime(2026, 12, 7, 9, 0, tzinfo=NEW_YORK)
    assert end is not None
    assert end.astimezone(ATHENS).hour == 16


def test_a_window_within_one_day_and_switched_off(settings: Any) -> None:
    athens = customer(time_zone="Europe/Athens")
    settings.PELATIS_QUIET_HOURS = "13:30-16:00"
    assert quiet_hours_end(athens, dt.datetime(2026, 12, 7, 14, 0, tzinfo=ATHENS)) == dt.datetime(
        2026, 12, 7, 16, 0, tzinfo=ATHENS
    )
    assert quiet_hours_end(athens, dt.datetime(2026, 12, 7, 22, 0, tzinfo=ATHENS)) is None
    settings.PELATIS_QUIET_HOURS = ""
    assert quiet_hours_end(athens, dt.datetime(2026, 12, 7, 23, 0, tzinfo=ATHENS)) is None
