"""The business-hours clock at its edges: half-open spans, zones, DST (Athens, Santiago), bad input,
calendars that are never open, immutability, and a walk of one day at a time."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from pelatis.helpdesk.calendar.business import BusinessCalendar, always_open
from pelatis.helpdesk.calendar.pauses import due_with_pauses
from pelatis.helpdesk.calendar.spans import Closure, Season, Span
from pelatis.helpdesk.tests.calendars import (
    ATHENS,
    HOTEL,
    NINE_TO_FIVE,
    OFFICE,
    WEEKDAYS,
    athens,
)

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
    calendar = BusinessCalendar(tz="Europe/Athens", weekly=week)  # type: ignore[arg-type]  # lists, on purpose
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
