"""The business calendar: what is open on a day, wall time to instants across DST, and the clock arithmetic."""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from .public_holidays import _holiday_language, _holidays_in
from .spans import _DAY, _MINUTE, MIDNIGHT, Closure, Season, Span, _Week

SEARCH_DAYS = 3 * 366  # closed days in a row after which add/next_open decide the calendar is never open

Interval = tuple[datetime, datetime]  # a half-open [start, end) of business time, both in UTC


# --- wall time → instant ---------------------------------------------------------------------------


def _instant(day: date, at: time, zone: ZoneInfo) -> datetime:
    """The first moment the zone's wall clock reads at least `day at` (see the module docstring), in UTC."""
    naive = datetime.combine(day, at)
    local = naive.replace(tzinfo=zone)
    before = local.utcoffset() or timedelta(0)  # ZoneInfo always answers; `or` only narrows the type
    after = local.replace(fold=1).utcoffset() or timedelta(0)
    if before >= after:  # an ordinary time, or an ambiguous one (fold=0 is its first occurrence)
        return (naive - before).replace(tzinfo=UTC)
    return _transition(naive - after, naive - before, zone)


def _transition(lo: datetime, hi: datetime, zone: ZoneInfo) -> datetime:
    """The instant in (lo, hi] (naive UTC) where the zone's offset changes; tzdb changes fall on whole seconds."""
    low = math.floor(lo.replace(tzinfo=UTC).timestamp())
    high = math.ceil(hi.replace(tzinfo=UTC).timestamp())
    old = datetime.fromtimestamp(low, zone).utcoffset()
    while high - low > 1:
        middle = (low + high) // 2
        if datetime.fromtimestamp(middle, zone).utcoffset() == old:
            low = middle
        else:
            high = middle
    return datetime.fromtimestamp(high, UTC)


def _utc(at: datetime, what: str = "datetime") -> datetime:
    if not isinstance(at, datetime):
        raise TypeError(f"{what} must be a datetime, got {at!r}")
    if at.tzinfo is None or at.utcoffset() is None:
        raise ValueError(f"{what} must be timezone-aware, got {at!r}")
    return at.astimezone(UTC)


def _minutes(value: float, what: str) -> timedelta:
    minutes = float(value)
    if not math.isfinite(minutes) or minutes < 0:
        raise ValueError(f"{what} must be a finite number of minutes >= 0, got {value!r}")
    return timedelta(minutes=minutes)


# --- the calendar ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class BusinessCalendar:
    """When a business is open, in its own zone; the clock that SLA targets are measured on."""

    tz: str
    weekly: Mapping[int, tuple[Span, ...]]
    seasons: tuple[Season, ...] = ()
    holiday_country: str | None = "GR"
    holiday_subdiv: str | None = None
    holiday_language: str = "el"
    closures: tuple[Closure, ...] = ()
    open_on_holidays: bool = False
    _zone: ZoneInfo = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        try:
            zone = ZoneInfo(self.tz)
        except Exception as exc:  # ZoneInfoNotFoundError (a KeyError), ValueError, TypeError
            raise ValueError(f"unknown time zone {self.tz!r}") from exc
        object.__setattr__(self, "_zone", zone)
        object.__setattr__(self, "weekly", _Week(self.weekly, "weekly hours"))
        object.__setattr__(self, "seasons", tuple(self.seasons))
        object.__setattr__(self, "closures", tuple(self.closures))
        for season in self.seasons:
            if not isinstance(season, Season):
                raise TypeError(f"expected Season, got {season!r}")
        for closure in self.closures:
            if not isinstance(closure, Closure):
                raise TypeError(f"expected Closure, got {closure!r}")
        if self.holiday_country is not None:
            _holiday_language(self.holiday_country, self.holiday_subdiv, self.holiday_language)

    # what applies on a day

    def holiday_name(self, day: date) -> str | None:
        """The public holiday's name on that local date, in holiday_language when available."""
        day = _as_date(day)
        if self.holiday_country is None:
            return None
        names = _holidays_in(self.holiday_country, self.holiday_subdiv, self.holiday_language, day.year)
        return names.get(day)

    def hours_on(self, day: date) -> tuple[Span, ...]:
        """The spans that apply on that local date: closures > holidays > season > week."""
        day = _as_date(day)
        for closure in self.closures:
            if closure.start <= day <= closure.end:
                return closure.hours
        if not self.open_on_holidays and self.holiday_name(day) is not None:
            return ()
        weekday = day.weekday()
        for season in self.seasons:
            if season.contains(day):
                return season.hours.get(weekday, ())
        return self.weekly.get(weekday, ())

    def _intervals(self, day: date) -> list[Interval]:
        """That day's business time as UTC intervals, in order; each lies within the local date."""
        out: list[Interval] = []
        for span in self.hours_on(day):
            opens = _instant(day, span.start, self._zone)
            closes = _instant(day + _DAY if span.end == MIDNIGHT else day, span.end, self._zone)
            if closes > opens:  # a span wholly inside a spring-forward gap has no time in it
                out.append((opens, closes))
        return out

    def _intervals_from(self, at: datetime) -> Iterator[Interval]:
        """Business intervals after `at` (UTC), the first clipped to start no earlier; endless.

        Walks one local day at a time and raises ValueError after SEARCH_DAYS closed days in a row.
        """
        day = at.astimezone(self._zone).date()
        closed_days = 0
        while True:
            found = False
            for opens, closes in self._intervals(day):
                if closes > at:
                    found = True
                    yield max(opens, at), closes
            if found:
                closed_days = 0
            else:
                closed_days += 1
                if closed_days > SEARCH_DAYS:
                    raise ValueError(f"calendar is never open in the {SEARCH_DAYS} days after {day}")
            day += _DAY

    def _business_time(self, start: datetime, end: datetime) -> timedelta:
        """Business time in [start, end), both UTC; exact to the microsecond."""
        total = timedelta(0)
        if end <= start:
            return total
        day = start.astimezone(self._zone).date()
        last = end.astimezone(self._zone).date()
        while day <= last:
            for opens, closes in self._intervals(day):
                low, high = max(opens, start), min(closes, end)
                if high > low:
                    total += high - low
            day += _DAY
        return total

    # the clock

    def is_open(self, at: datetime) -> bool:
        """Whether `at` (aware) is inside business hours."""
        moment = _utc(at)
        day = moment.astimezone(self._zone).date()
        return any(opens <= moment < closes for opens, closes in self._intervals(day))

    def next_open(self, at: datetime) -> datetime:
        """`at` if open, else the next opening moment; in the calendar's zone. ValueError if never open."""
        opens, _ = next(self._intervals_from(_utc(at)))
        return opens.astimezone(self._zone)

    def add(self, start: datetime, minutes: float) -> datetime:
        """The moment `minutes` business minutes after start have elapsed, in the calendar's zone.

        0 minutes gives next_open(start); using up a span exactly gives its closing time.
        ValueError if the calendar is never open (see SEARCH_DAYS) or minutes is negative.
        """
        remaining = _minutes(minutes, "minutes")
        for opens, closes in self._intervals_from(_utc(start, "start")):
            if remaining <= closes - opens:
                return (opens + remaining).astimezone(self._zone)
            remaining -= closes - opens
        raise AssertionError("unreachable: _intervals_from never ends")  # pragma: no cover

    def minutes_between(self, start: datetime, end: datetime) -> float:
        """Business minutes in [start, end); 0 if end <= start."""
        return self._business_time(_utc(start, "start"), _utc(end, "end")) / _MINUTE


def _as_date(day: date) -> date:
    if isinstance(day, datetime) or not isinstance(day, date):
        raise TypeError(f"expected a local date, got {day!r} (use at.astimezone(zone).date())")
    return day


def always_open(tz: str = "UTC") -> BusinessCalendar:
    """A 24/7 calendar with no holidays: business minutes are plain minutes."""
    whole_day = (Span(MIDNIGHT, MIDNIGHT),)
    return BusinessCalendar(tz=tz, weekly=dict.fromkeys(range(7), whole_day), holiday_country=None)
