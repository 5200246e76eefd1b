"""Calendars the business-hours tests share: a Mon-Fri office and a hotel with a high season and closures."""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from pelatis.helpdesk.calendar.business import BusinessCalendar
from pelatis.helpdesk.calendar.spans import Closure, Season, Span

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


def athens(year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=ATHENS)
