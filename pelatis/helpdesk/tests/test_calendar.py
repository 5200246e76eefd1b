"""The business-hours engine behind SLA clocks: Greek holidays, seasons, closures, DST, pauses."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pelatis.helpdesk import calendar as engine
from pelatis.helpdesk.calendar import (
    BusinessCalendar,
    Closure,
    Season,
    Span,
    always_open,
    due_with_pauses,
    elapsed_with_pauses,
)

ATHENS = ZoneInfo("Europe/Athens")
NINE_TO_FIVE = (Span(time(9), time(17)),)
WEEKDAYS = dict.fromkeys(range(5), NINE_TO_FIVE)
HIGH_SEASON = Season("high season", (5, 1), (10, 31), dict.fromkeys(range(7), (Span(time(8), time(22)),)))

OFFICE = BusinessCalendar(tz="Europe/Athens", weekly=WEEKDAYS)
HOTEL = BusinessCalendar(
    tz="Europe/Athens",
    weekly=WEEKDAYS,
    seasons=(HIGH_SEASON,),
    closures=(
        Closure(date(2026, 12, 24), date(2026, 12, 24), "Christmas Eve", (Span(time(9), time(14)),)),
        Closure(date(2026, 12, 27), date(2026, 12, 31), "Closed between the holidays"),
    ),
)


def athens(*args: int) -> datetime:
    return datetime(*args, tzinfo=ATHENS)  # type: ignore[misc]


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
    before = engine._holidays_in.cache_info()
    for day in range(1, 366):
        OFFICE.hours_on(date(2031, 1, 1) + timedelta(days=day - 1))
    after = engine._holidays_in.cache_info()
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


# --- the clock at its edges ------------------------------------------------------------------------


def test_spans_are_half_open() -> None:
    assert OFFICE.is_open(athens(2026, 3, 2, 9, 0))
    assert OFFICE.is_open(athens(2026, 3, 2, 16, 59, 59))
    assert not OFFICE.is_open(athens(2026, 3, 2, 17, 0))
    assert not OFFICE.is_open(athens(2026, 3, 2, 8, 59, 59))


def test_add_that_uses_up_the_day_ends_at_closing_time() -> None:
    assert OFFICE.add(athens(2026, 3, 2, 16, 0), 60) == athens(2026, 3, 2, 17, 0)
    assert OFFICE.add(athens(2026, 3, 2, 16, 0), 61) == athens(2026, 3, 3, 9, 1)


def test_zero_minutes_is_next_open() -> None:
    assert OFFICE.add(athens(2026, 3, 2, 10, 0), 0) == athens(2026, 3, 2, 10, 0)
    assert OFFICE.add(athens(2026, 3, 2, 17, 0), 0) == athens(2026, 3, 3, 9, 0)
    assert OFFICE.next_open(athens(2026, 3, 6, 18, 0)) == athens(2026, 3, 9, 9, 0)


def test_results_come_back_in_the_calendar_zone_whatever_came_in() -> None:
    start = datetime(2026, 3, 2, 7, 0, tzinfo=UTC)  # 09:00 in Athens
    due = OFFICE.add(start, 30)
    assert due.tzinfo == ATHENS
    assert due == athens(2026, 3, 2, 9, 30)
    assert OFFICE.next_open(start).tzinfo == ATHENS


def test_customer_time_zone_is_only_a_view_of_the_same_instant() -> None:
    # the module docstring's recipe: convert the due instant, no separate API
    due = OFFICE.add(athens(2026, 2, 20, 19, 0), 240)
    for_customer = due.astimezone(ZoneInfo("America/New_York"))
    assert for_customer == due
    assert (for_customer.hour, for_customer.minute) == (6, 0)


def test_minutes_between_is_zero_for_empty_or_reversed_ranges() -> None:
    assert OFFICE.minutes_between(athens(2026, 3, 2, 10, 0), athens(2026, 3, 2, 10, 0)) == 0
    assert OFFICE.minutes_between(athens(2026, 3, 3, 10, 0), athens(2026, 3, 2, 10, 0)) == 0


def test_fractional_minutes() -> None:
    due = OFFICE.add(athens(2026, 3, 2, 9, 0), 0.5)
    assert due == athens(2026, 3, 2, 9, 0, 30)
    assert OFFICE.minutes_between(athens(2026, 3, 2, 9, 0), due) == 0.5


def test_spans_ending_at_midnight_join_the_next_morning() -> None:
    late = {d: (Span(time(0), time(2)), Span(time(18), time(0))) for d in range(7)}
    calendar = BusinessCalendar(tz="Europe/Athens", weekly=late, holiday_country=None)
    assert calendar.add(athens(2026, 3, 7, 23, 30), 60) == athens(2026, 3, 8, 0, 30)
    assert calendar.add(athens(2026, 3, 7, 23, 30), 180) == athens(2026, 3, 8, 18, 30)
    assert calendar.is_open(athens(2026, 3, 7, 23, 59))
    assert calendar.is_open(athens(2026, 3, 8, 0, 0))
    assert calendar.minutes_between(athens(2026, 3, 7), athens(2026, 3, 8)) == 8 * 60


def test_always_open_counts_plain_minutes() -> None:
    calendar = always_open()
    start = datetime(2026, 12, 31, 23, 0, tzinfo=UTC)
    assert calendar.add(start, 90) == datetime(2027, 1, 1, 0, 30, tzinfo=UTC)
    assert calendar.holiday_name(date(2027, 1, 1)) is None
    assert calendar.minutes_between(start, start + timedelta(days=400)) == 400 * 24 * 60


# --- DST -------------------------------------------------------------------------------------------


def test_spring_forward_weekend_keeps_an_eight_hour_monday() -> None:
    # Athens moves to EEST on Sunday 29/3/2026
    due = OFFICE.add(athens(2026, 3, 27, 16, 0), 120)
    assert due == athens(2026, 3, 30, 10, 0)
    assert due.utcoffset() == timedelta(hours=3)
    assert OFFICE.minutes_between(athens(2026, 3, 23), athens(2026, 4, 4)) == 9 * 480  # 25/3 is a holiday


def test_a_nine_to_five_sunday_is_eight_hours_on_both_dst_sundays() -> None:
    daily = BusinessCalendar(
        tz="Europe/Athens", weekly=dict.fromkeys(range(7), NINE_TO_FIVE), holiday_country=None
    )
    for sunday in (date(2026, 3, 29), date(2026, 10, 25)):
        start = datetime.combine(sunday, time(0), tzinfo=ATHENS)
        assert daily.minutes_between(start, start + timedelta(hours=30)) == 480
        assert daily.add(datetime.combine(sunday, time(9), tzinfo=ATHENS), 480).hour == 17


def test_fall_back_weekend_keeps_an_eight_hour_monday() -> None:
    due = OFFICE.add(athens(2026, 10, 23, 16, 0), 120)
    assert due == athens(2026, 10, 26, 10, 0)
    assert due.utcoffset() == timedelta(hours=2)


def test_a_whole_day_lasts_23_or_25_hours_on_the_dst_sundays() -> None:
    calendar = always_open("Europe/Athens")
    assert calendar.minutes_between(athens(2026, 3, 29), athens(2026, 3, 30)) == 23 * 60
    assert calendar.minutes_between(athens(2026, 10, 25), athens(2026, 10, 26)) == 25 * 60
    assert calendar.add(athens(2026, 3, 28, 12, 0), 24 * 60) == athens(2026, 3, 29, 13, 0)


def test_spans_through_the_skipped_and_the_repeated_hour() -> None:
    night = BusinessCalendar(
        tz="Europe/Athens",
        weekly={6: (Span(time(3), time(5)),), 5: (Span(time(3, 10), time(3, 50)),)},
        holiday_country=None,
    )
    # 29/3: 03:00-04:00 does not exist, the span opens when the clock jumps to 04:00
    assert night.next_open(athens(2026, 3, 29, 0, 0)) == athens(2026, 3, 29, 4, 0)
    assert night.minutes_between(athens(2026, 3, 29), athens(2026, 3, 30)) == 60
    # 25/10: 03:00-04:00 happens twice, so 03:00-05:00 is three real hours
    assert night.minutes_between(athens(2026, 10, 25), athens(2026, 10, 26)) == 180
    gap_only = BusinessCalendar(
        tz="Europe/Athens", weekly={6: (Span(time(3, 10), time(3, 50)),)}, holiday_country=None
    )
    assert gap_only.minutes_between(athens(2026, 3, 29), athens(2026, 3, 30)) == 0  # wholly in the gap


def test_dst_that_switches_at_midnight() -> None:
    # Chile springs forward at 24:00: on Sunday 6/9/2026 the day starts at 01:00 (-03)
    santiago = ZoneInfo("America/Santiago")
    sundays = BusinessCalendar(
        tz="America/Santiago", weekly={6: (Span(time(0), time(0)),)}, holiday_country=None
    )
    assert sundays.next_open(datetime(2026, 9, 5, 12, tzinfo=santiago)) == datetime(
        2026, 9, 6, 4, 0, tzinfo=UTC
    )
    assert (
        sundays.minutes_between(datetime(2026, 9, 5, tzinfo=santiago), datetime(2026, 9, 8, tzinfo=santiago))
        == 23 * 60
    )
    # and falls back at 24:00 on Saturday 4/4/2026, so Saturday 23:00-24:00 happens twice
    saturdays = BusinessCalendar(
        tz="America/Santiago", weekly={5: (Span(time(23), time(0)),)}, holiday_country=None
    )
    assert (
        saturdays.minutes_between(
            datetime(2026, 4, 4, tzinfo=santiago), datetime(2026, 4, 6, tzinfo=santiago)
        )
        == 120
    )


# --- pauses ----------------------------------------------------------------------------------------


def test_a_pause_inside_business_hours_stops_the_clock() -> None:
    start = athens(2026, 3, 2, 9, 0)
    pause = (athens(2026, 3, 2, 10, 0), athens(2026, 3, 2, 11, 0))
    assert due_with_pauses(OFFICE, start, 240, [pause], athens(2026, 3, 2, 12, 0)) == athens(
        2026, 3, 2, 14, 0
    )
    assert elapsed_with_pauses(OFFICE, start, athens(2026, 3, 2, 12, 0), [pause]) == 120


def test_an_open_pause_stops_the_clock_until_it_ends() -> None:
    start = athens(2026, 3, 2, 9, 0)
    now = athens(2026, 3, 2, 12, 0)
    open_pause = (athens(2026, 3, 2, 10, 0), None)
    assert due_with_pauses(OFFICE, start, 240, [open_pause], now) is None
    assert elapsed_with_pauses(OFFICE, start, now, [open_pause]) == 60  # the open pause runs to now


def test_overlapping_pauses_count_once() -> None:
    start = athens(2026, 3, 2, 9, 0)
    now = athens(2026, 3, 2, 12, 0)
    pauses = [
        (athens(2026, 3, 2, 10, 30), athens(2026, 3, 2, 11, 30)),
        (athens(2026, 3, 2, 10, 0), athens(2026, 3, 2, 11, 0)),
    ]
    assert elapsed_with_pauses(OFFICE, start, now, pauses) == 90
    assert due_with_pauses(OFFICE, start, 240, pauses, now) == athens(2026, 3, 2, 14, 30)


def test_pauses_outside_business_hours_or_before_start_change_nothing_extra() -> None:
    start = athens(2026, 3, 2, 9, 0)
    evening = (athens(2026, 3, 2, 18, 0), athens(2026, 3, 3, 8, 0))
    early = (athens(2026, 3, 1, 12, 0), athens(2026, 3, 2, 9, 30))  # began before the ticket
    now = athens(2026, 3, 4, 0, 0)
    assert due_with_pauses(OFFICE, start, 600, [evening], now) == OFFICE.add(start, 600)
    assert due_with_pauses(OFFICE, start, 60, [early], now) == athens(2026, 3, 2, 10, 30)
    assert elapsed_with_pauses(OFFICE, start, athens(2026, 3, 2, 10, 0), [early]) == 30


def test_a_pause_that_began_after_now_is_ignored() -> None:
    start = athens(2026, 3, 2, 9, 0)
    later = (athens(2026, 3, 2, 13, 0), None)
    assert due_with_pauses(OFFICE, start, 240, [later], athens(2026, 3, 2, 12, 0)) == athens(
        2026, 3, 2, 13, 0
    )


def test_a_breach_before_an_open_pause_stays_a_breach() -> None:
    start = athens(2026, 3, 2, 9, 0)
    late_pause = (athens(2026, 3, 3, 10, 0), None)
    assert due_with_pauses(OFFICE, start, 60, [late_pause], athens(2026, 3, 3, 12, 0)) == athens(
        2026, 3, 2, 10, 0
    )


def test_resumed_pause_moves_the_due_time_by_its_business_minutes() -> None:
    # paused Friday 16:00 to Monday 10:00: one business hour on Friday and one on Monday are lost
    start = athens(2026, 3, 6, 9, 0)
    pause = (athens(2026, 3, 6, 16, 0), athens(2026, 3, 9, 10, 0))
    due = due_with_pauses(OFFICE, start, 8 * 60, [pause], athens(2026, 3, 9, 10, 0))
    assert due == athens(2026, 3, 9, 11, 0)


def test_an_inverted_pause_is_rejected() -> None:
    start = athens(2026, 3, 2, 9, 0)
    pause = (athens(2026, 3, 2, 11, 0), athens(2026, 3, 2, 10, 0))
    with pytest.raises(ValueError, match="before it starts"):
        elapsed_with_pauses(OFFICE, start, athens(2026, 3, 2, 12, 0), [pause])


# --- bad input and calendars that are never open ---------------------------------------------------


def test_a_calendar_that_is_never_open_raises() -> None:
    closed = BusinessCalendar(tz="Europe/Athens", weekly={})
    with pytest.raises(ValueError, match="never open"):
        closed.add(athens(2026, 3, 2, 9, 0), 60)
    with pytest.raises(ValueError, match="never open"):
        closed.next_open(athens(2026, 3, 2, 9, 0))
    with pytest.raises(ValueError, match="never open"):
        due_with_pauses(closed, athens(2026, 3, 2, 9, 0), 60, [], athens(2026, 3, 2, 9, 0))
    assert closed.minutes_between(athens(2026, 1, 1), athens(2027, 1, 1)) == 0
    assert not closed.is_open(athens(2026, 3, 2, 9, 0))


def test_a_closure_longer_than_the_search_horizon_counts_as_never_open() -> None:
    shut = Closure(date(2026, 1, 1), date(2030, 12, 31), "Renovation")
    calendar = BusinessCalendar(tz="Europe/Athens", weekly=WEEKDAYS, closures=(shut,))
    with pytest.raises(ValueError, match="never open"):
        calendar.add(athens(2026, 3, 2, 9, 0), 60)


def test_a_long_but_finite_closure_is_waited_out() -> None:
    shut = Closure(date(2026, 1, 1), date(2026, 12, 31), "Closed for the year")
    calendar = BusinessCalendar(tz="Europe/Athens", weekly=WEEKDAYS, closures=(shut,))
    assert calendar.add(athens(2026, 3, 2, 9, 0), 60) == athens(2027, 1, 4, 10, 0)


@pytest.mark.parametrize(
    "make",
    [
        lambda: Span(time(17), time(9)),
        lambda: Span(time(9), time(9)),
        lambda: Span(time(9, tzinfo=UTC), time(17)),
        lambda: BusinessCalendar(
            tz="Europe/Athens", weekly={0: (Span(time(9), time(13)), Span(time(12), time(17)))}
        ),
        lambda: BusinessCalendar(tz="Europe/Athens", weekly={7: NINE_TO_FIVE}),
        lambda: BusinessCalendar(tz="Mars/Olympus_Mons", weekly=WEEKDAYS),
        lambda: BusinessCalendar(tz="Europe/Athens", weekly=WEEKDAYS, holiday_country="XX"),
        lambda: BusinessCalendar(tz="Europe/Athens", weekly=WEEKDAYS, holiday_subdiv="ZZ"),
        lambda: Season("bad", (2, 30), (3, 1), {}),
        lambda: Closure(date(2026, 12, 31), date(2026, 12, 27), "backwards"),
    ],
)
def test_invalid_definitions_are_rejected(make: Callable[[], object]) -> None:
    with pytest.raises(ValueError):  # noqa: PT011 - each case has its own message
        make()


def test_naive_datetimes_and_negative_minutes_are_rejected() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        OFFICE.add(datetime(2026, 3, 2, 9, 0), 60)  # noqa: DTZ001 - the point of the test
    with pytest.raises(ValueError, match="timezone-aware"):
        OFFICE.is_open(datetime(2026, 3, 2, 9, 0))  # noqa: DTZ001
    with pytest.raises(ValueError, match="minutes"):
        OFFICE.add(athens(2026, 3, 2, 9, 0), -1)
    with pytest.raises(ValueError, match="minutes"):
        OFFICE.add(athens(2026, 3, 2, 9, 0), float("nan"))


def test_hours_on_wants_a_date_not_a_datetime() -> None:
    with pytest.raises(TypeError):
        OFFICE.hours_on(athens(2026, 3, 2, 9, 0))


def test_calendars_are_immutable_values() -> None:
    week = {0: [Span(time(13), time(17)), Span(time(9), time(12))]}
    calendar = BusinessCalendar(tz="Europe/Athens", weekly=week)  # type: ignore[dict-item]
    week[0].clear()
    assert calendar.hours_on(date(2026, 3, 2)) == (Span(time(9), time(12)), Span(time(13), time(17)))
    same = BusinessCalendar(
        tz="Europe/Athens", weekly={0: (Span(time(9), time(12)), Span(time(13), time(17)))}
    )
    assert calendar == same
    assert hash(calendar) == hash(same)
    assert calendar.weekly == {0: (Span(time(9), time(12)), Span(time(13), time(17)))}


# --- efficiency ------------------------------------------------------------------------------------


def test_add_walks_one_day_at_a_time_not_one_minute(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[date] = []
    original = BusinessCalendar._intervals

    def counting(self: BusinessCalendar, day: date) -> list[tuple[datetime, datetime]]:
        calls.append(day)
        return original(self, day)

    monkeypatch.setattr(BusinessCalendar, "_intervals", counting)
    start = athens(2026, 1, 5, 9, 0)
    due = HOTEL.add(start, 250 * 8 * 60)  # about a year of business days
    assert due.year in (2026, 2027)
    assert len(calls) == len(set(calls)) <= (due.date() - start.date()).days + 1


# --- properties ------------------------------------------------------------------------------------

CALENDARS = [
    OFFICE,
    HOTEL,
    always_open("Europe/Athens"),
    BusinessCalendar(
        tz="Europe/Athens",
        weekly={
            0: (Span(time(0), time(2)), Span(time(18), time(0))),
            5: (Span(time(3, 10), time(3, 50)),),
            6: (Span(time(2, 30), time(4, 30)), Span(time(20), time(0))),
        },
        seasons=(Season("winter", (11, 15), (2, 15), {2: (Span(time(0), time(0)),)}),),
    ),
    BusinessCalendar(
        tz="America/Santiago",
        weekly={5: (Span(time(22), time(0)),), 6: (Span(time(0), time(1)),)},
        holiday_country="CL",
    ),
    BusinessCalendar(
        tz="Australia/Lord_Howe",
        weekly=dict.fromkeys(range(7), (Span(time(1, 30), time(2, 45)),)),
        holiday_country=None,
    ),
]

EARLIEST = datetime(2024, 1, 1)  # noqa: DTZ001 - hypothesis wants naive bounds and attaches the zone itself
LATEST = datetime(2028, 12, 31)  # noqa: DTZ001
moments = st.datetimes(min_value=EARLIEST, max_value=LATEST, timezones=st.just(UTC))
amounts = st.one_of(st.integers(0, 20_000), st.floats(0, 60_000, allow_nan=False, allow_infinity=False))


@settings(max_examples=300, deadline=None)
@given(calendar=st.sampled_from(CALENDARS), start=moments, minutes=amounts)
def test_minutes_between_undoes_add(calendar: BusinessCalendar, start: datetime, minutes: float) -> None:
    due = calendar.add(start, minutes)
    assert due >= start
    assert abs(calendar.minutes_between(start, due) - minutes) < 1e-6


@settings(max_examples=200, deadline=None)
@given(calendar=st.sampled_from(CALENDARS), start=moments, a=amounts, b=amounts, shift=st.integers(0, 10_000))
def test_add_is_monotonic(
    calendar: BusinessCalendar, start: datetime, a: float, b: float, shift: int
) -> None:
    low, high = sorted((a, b))
    assert calendar.add(start, low) <= calendar.add(start, high)
    later = start + timedelta(minutes=shift)
    assert calendar.add(start, low) <= calendar.add(later, low)


@settings(max_examples=200, deadline=None)
@given(
    calendar=st.sampled_from(CALENDARS),
    start=moments,
    steps=st.lists(st.integers(0, 5_000), min_size=2, max_size=2),
)
def test_minutes_between_adds_up(calendar: BusinessCalendar, start: datetime, steps: list[int]) -> None:
    middle = start + timedelta(minutes=steps[0])
    end = middle + timedelta(minutes=steps[1])
    whole = calendar.minutes_between(start, end)
    assert abs(whole - calendar.minutes_between(start, middle) - calendar.minutes_between(middle, end)) < 1e-6
    open_now = calendar.is_open(start)
    assert open_now == (calendar.minutes_between(start, start + timedelta(microseconds=1)) > 0)


@settings(max_examples=200, deadline=None)
@given(
    calendar=st.sampled_from(CALENDARS),
    start=moments,
    target=st.integers(0, 5_000),
    pauses=st.lists(st.tuples(st.integers(-2_000, 20_000), st.integers(0, 5_000)), max_size=4),
)
def test_due_with_pauses_agrees_with_elapsed(
    calendar: BusinessCalendar, start: datetime, target: int, pauses: list[tuple[int, int]]
) -> None:
    windows = [
        (start + timedelta(minutes=offset), start + timedelta(minutes=offset + length))
        for offset, length in pauses
    ]
    due = due_with_pauses(calendar, start, target, windows, now=start + timedelta(days=3650))
    assert due is not None
    assert due >= calendar.add(start, target)  # pauses only ever delay
    assert abs(elapsed_with_pauses(calendar, start, due, windows) - target) < 1e-6
