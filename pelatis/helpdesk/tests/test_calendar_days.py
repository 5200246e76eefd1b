"""What is open on a day in the business-hours engine: Greek public holidays (named in Greek), other
countries and languages, seasons and closures."""

from __future__ import annotations

from datetime import date, time, timedelta

import pytest

from pelatis.helpdesk.calendar import public_holidays
from pelatis.helpdesk.calendar.business import BusinessCalendar
from pelatis.helpdesk.calendar.spans import Closure, Season, Span
from pelatis.helpdesk.tests.calendars import (
    ATHENS,
    HIGH_SEASON,
    HOTEL,
    NINE_TO_FIVE,
    OFFICE,
    WEEKDAYS,
    athens,
)

# --- the example and Greek public holidays -------------------------------------------------


def test_friday_evening_email_before_clean_monday_is_due_tuesday() -> None:
    # given a Mon-Fri 09:00-17:00 desk and a 4-hour first-response target
    received = athens(2026, 2, 20, 19, 0)  # Friday evening; Monday 23/2 is Clean Monday

    # when
    due = OFFICE.add(received, 4 * 60)

    # then
    assert due == athens(2026, 2, 24, 13, 0)
    assert due.tzinfo == ATHENS
    assert OFFICE.holiday_name(date(2026, 2, 23)) == "Καθαρά Δευτέρα"
    assert OFFICE.minutes_between(received, due) == 240


@pytest.mark.parametrize(
    ("day", "name"),
    [
        (date(2026, 2, 23), "Καθαρά Δευτέρα"),
        (date(2026, 3, 25), "Εικοστή Πέμπτη Μαρτίου"),
        (date(2026, 4, 10), "Μεγάλη Παρασκευή"),
        (date(2026, 4, 13), "Δευτέρα του Πάσχα"),
        (date(2026, 6, 1), "Δευτέρα του Αγίου Πνεύματος"),
        (date(2026, 8, 15), "Κοίμηση της Θεοτόκου"),
        (date(2026, 10, 28), "Ημέρα του Όχι"),
        (date(2027, 3, 15), "Καθαρά Δευτέρα"),
        (date(2027, 4, 30), "Μεγάλη Παρασκευή"),
        (date(2027, 5, 3), "Δευτέρα του Πάσχα"),
    ],
)
def test_greek_public_holidays_are_named_in_greek_and_closed(day: date, name: str) -> None:
    assert OFFICE.holiday_name(day) == name
    assert OFFICE.hours_on(day) == ()
    assert HOTEL.hours_on(day) == ()  # even a seven-day high-season schedule closes


def test_ordinary_days_have_no_holiday_name() -> None:
    assert OFFICE.holiday_name(date(2026, 4, 9)) is None
    assert OFFICE.holiday_name(date(2026, 12, 24)) is None


def test_easter_weekend_skips_good_friday_and_easter_monday() -> None:
    # Thursday 9/4 16:00 + 2 h: one hour on Thursday, then Friday 10/4 and Monday 13/4 are holidays
    assert OFFICE.add(athens(2026, 4, 9, 16, 0), 120) == athens(2026, 4, 14, 10, 0)
    assert OFFICE.minutes_between(athens(2026, 4, 9, 0, 0), athens(2026, 4, 15, 0, 0)) == 2 * 480


def test_assumption_and_ohi_day_close_a_seven_day_calendar() -> None:
    # 15/8/2026 is a Saturday and 28/10 a Wednesday, both inside the daily 08:00-22:00 high season
    assert HOTEL.add(athens(2026, 8, 14, 21, 0), 120) == athens(2026, 8, 16, 9, 0)
    assert HOTEL.add(athens(2026, 10, 27, 21, 0), 120) == athens(2026, 10, 29, 9, 0)
    assert OFFICE.add(athens(2025, 8, 14, 16, 0), 120) == athens(2025, 8, 18, 10, 0)  # Friday in 2025


def test_open_on_holidays_keeps_the_usual_hours() -> None:
    calendar = BusinessCalendar(tz="Europe/Athens", weekly=WEEKDAYS, open_on_holidays=True)
    assert calendar.hours_on(date(2026, 2, 23)) == NINE_TO_FIVE
    assert calendar.holiday_name(date(2026, 2, 23)) == "Καθαρά Δευτέρα"  # still named, for display


def test_holiday_names_in_another_language_and_country() -> None:
    english = BusinessCalendar(tz="Europe/Athens", weekly=WEEKDAYS, holiday_language="en_US")
    german = BusinessCalendar(tz="Europe/Berlin", weekly=WEEKDAYS, holiday_country="DE", holiday_subdiv="BY")
    assert english.holiday_name(date(2026, 2, 23)) == "Green Monday"
    # Greek is not among Germany's languages: the country's own names, not English msgids
    assert german.holiday_name(date(2026, 1, 6)) == "Heilige Drei Könige"
    assert german.hours_on(date(2026, 1, 6)) == ()


def test_no_holiday_country_means_no_holidays() -> None:
    calendar = BusinessCalendar(tz="Europe/Athens", weekly=WEEKDAYS, holiday_country=None)
    assert calendar.holiday_name(date(2026, 2, 23)) is None
    assert calendar.hours_on(date(2026, 2, 23)) == NINE_TO_FIVE


def test_holidays_are_computed_once_per_year() -> None:
    OFFICE.hours_on(date(2031, 1, 1))
    before = public_holidays._holidays_in.cache_info()
    for day in range(1, 366):
        OFFICE.hours_on(date(2031, 1, 1) + timedelta(days=day - 1))
    after = public_holidays._holidays_in.cache_info()
    assert after.misses == before.misses
    assert after.hits == before.hits + 365


# --- seasons and closures --------------------------------------------------------------------------


def test_high_season_has_longer_hours_every_day() -> None:
    assert HOTEL.hours_on(date(2026, 7, 4)) == (Span(time(8), time(22)),)  # a Saturday in July
    assert HOTEL.hours_on(date(2026, 11, 7)) == ()  # a Saturday in November: the plain week
    assert HOTEL.hours_on(date(2026, 11, 9)) == NINE_TO_FIVE
    assert HOTEL.minutes_between(athens(2026, 7, 6), athens(2026, 7, 13)) == 7 * 14 * 60
    assert HOTEL.minutes_between(athens(2026, 11, 9), athens(2026, 11, 16)) == 5 * 8 * 60


def test_add_crosses_from_high_to_low_season() -> None:
    # Saturday 31/10 21:00: an hour left of the season, Sunday 1/11 is closed, Monday the short day
    assert HOTEL.add(athens(2026, 10, 31, 21, 0), 120) == athens(2026, 11, 2, 10, 0)


def test_season_bounds_are_inclusive_and_may_wrap_the_year_end() -> None:
    winter = Season("winter", (11, 1), (3, 31), {0: (Span(time(10), time(14)),)})
    assert all(winter.contains(date(2026, m, d)) for m, d in [(11, 1), (12, 31), (1, 1), (2, 28), (3, 31)])
    assert not any(winter.contains(date(2026, m, d)) for m, d in [(4, 1), (7, 15), (10, 31)])
    assert winter.contains(date(2028, 2, 29))
    calendar = BusinessCalendar(tz="Europe/Athens", weekly=WEEKDAYS, seasons=(winter,))
    assert calendar.hours_on(date(2027, 1, 11)) == (Span(time(10), time(14)),)  # a Monday in winter
    assert calendar.hours_on(date(2027, 1, 12)) == ()  # Tuesday is not in the winter hours: closed


def test_first_matching_season_wins() -> None:
    august = Season("August", (8, 1), (8, 31), {0: (Span(time(10), time(12)),)})
    calendar = BusinessCalendar(tz="Europe/Athens", weekly=WEEKDAYS, seasons=(august, HIGH_SEASON))
    assert calendar.hours_on(date(2026, 8, 3)) == (Span(time(10), time(12)),)
    assert calendar.hours_on(date(2026, 9, 7)) == (Span(time(8), time(22)),)


def test_christmas_eve_half_day_and_closed_until_new_year() -> None:
    assert HOTEL.hours_on(date(2026, 12, 24)) == (Span(time(9), time(14)),)
    assert HOTEL.hours_on(date(2026, 12, 28)) == ()
    # Wed 23/12 16:00 + 4 h: 1 h on Wednesday, 3 h of the 09:00-14:00 Christmas Eve
    assert HOTEL.add(athens(2026, 12, 23, 16, 0), 240) == athens(2026, 12, 24, 12, 0)
    # + 8 h: 6 h by 14:00 on 24/12; 25-26 holidays, 27-31 closed, 1/1 holiday, weekend → Monday 4/1/2027
    assert HOTEL.add(athens(2026, 12, 23, 16, 0), 480) == athens(2027, 1, 4, 11, 0)
    assert HOTEL.minutes_between(athens(2026, 12, 21), athens(2027, 1, 8)) == (3 * 8 + 5 + 3 * 8) * 60


def test_a_closure_with_hours_reopens_a_holiday() -> None:
    whit_monday = Closure(date(2026, 6, 1), date(2026, 6, 1), "Open on Whit Monday", NINE_TO_FIVE)
    calendar = BusinessCalendar(tz="Europe/Athens", weekly=WEEKDAYS, closures=(whit_monday,))
    assert calendar.hours_on(date(2026, 6, 1)) == NINE_TO_FIVE
    assert calendar.is_open(athens(2026, 6, 1, 10, 0))
