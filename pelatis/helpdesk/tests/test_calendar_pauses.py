"""SLA clocks that stop: pauses in the business-hours engine, and properties of add, minutes_between and
the pauses that hold for any calendar (hypothesis)."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pelatis.helpdesk.calendar.business import BusinessCalendar, always_open
from pelatis.helpdesk.calendar.pauses import due_with_pauses, elapsed_with_pauses
from pelatis.helpdesk.calendar.spans import Season, Span
from pelatis.helpdesk.tests.calendars import (
    HOTEL,
    OFFICE,
    athens,
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
