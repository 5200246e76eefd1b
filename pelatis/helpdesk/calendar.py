"""Business-hours calendars for SLA clocks: weekly hours, seasons, public holidays, closures and pauses.

Pure Python (zoneinfo + holidays, which computes Orthodox Easter through dateutil); no Django, so the
help desk models can build a `BusinessCalendar` from their rows and hand it to the SLA services.

Semantics worth knowing:

- A `Span` is local wall-clock time in the calendar's zone: 09:00-17:00 is 8 business hours on every
  day, the DST Sundays included. `end == time(0, 0)` means midnight at the end of the day. A span
  never crosses midnight; write 22:00-02:00 as 22:00-00:00 on one day plus 00:00-02:00 on the next.
- A wall time that does not exist (spring forward) is reached at the moment the clock jumps: in
  Athens, 03:30 on the last Sunday of March is 04:00 EEST. An ambiguous wall time (autumn) means its
  first occurrence. So a 00:00-00:00 day lasts 23 h or 25 h on those Sundays: real elapsed time.
- What applies on a local day: closures > public holidays > the first matching season > the week.
  A `Closure` with hours is a special-hours day; it also reopens a holiday (e.g. Whit Monday).
- Intervals are half-open: at 17:00 a 09:00-17:00 desk is closed, and `add` that uses up the day
  exactly returns 17:00, not the next morning.
- Arithmetic runs in UTC; results come back in the calendar's zone. To show a due time to a
  customer, convert the same instant: `due.astimezone(ZoneInfo(customer_tz))`.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from types import MappingProxyType
from zoneinfo import ZoneInfo

import holidays

__all__ = [
    "SEARCH_DAYS",
    "BusinessCalendar",
    "Closure",
    "Season",
    "Span",
    "always_open",
    "due_with_pauses",
    "elapsed_with_pauses",
]

MIDNIGHT = time(0, 0)
SEARCH_DAYS = 3 * 366  # closed days in a row after which add/next_open decide the calendar is never open

_DAY = timedelta(days=1)
_MINUTE = timedelta(minutes=1)

Interval = tuple[datetime, datetime]  # a half-open [start, end) of business time, both in UTC


# --- building blocks -------------------------------------------------------------------------------


def _offset(t: time) -> timedelta:
    return timedelta(hours=t.hour, minutes=t.minute, seconds=t.second, microseconds=t.microsecond)


@dataclass(frozen=True)
class Span:
    """Open from start to end, local wall time; end == time(0, 0) means the end of the day."""

    start: time
    end: time

    def __post_init__(self) -> None:
        if not isinstance(self.start, time) or not isinstance(self.end, time):
            raise TypeError(f"Span needs datetime.time values, got {self.start!r}, {self.end!r}")
        if self.start.tzinfo is not None or self.end.tzinfo is not None:
            raise ValueError("Span times are naive wall-clock times in the calendar's zone")
        if self.end != MIDNIGHT and self.start >= self.end:
            raise ValueError(f"Span must start before it ends (or end at midnight): {self.start}-{self.end}")
        # fold would leak into datetime.combine and pick the second of two ambiguous wall times.
        object.__setattr__(self, "start", self.start.replace(fold=0))
        object.__setattr__(self, "end", self.end.replace(fold=0))

    @property
    def minutes(self) -> float:
        """Nominal length in minutes (wall clock; the DST Sundays may differ)."""
        return (self._end_offset() - _offset(self.start)) / _MINUTE

    def _end_offset(self) -> timedelta:
        return _DAY if self.end == MIDNIGHT else _offset(self.end)


def _spans(spans: Iterable[Span], where: str) -> tuple[Span, ...]:
    """The spans sorted by start; ValueError if two overlap (touching ends are fine)."""
    items = tuple(spans)
    for span in items:
        if not isinstance(span, Span):
            raise TypeError(f"{where}: expected Span, got {span!r}")
    ordered = tuple(sorted(items, key=lambda s: s.start))
    for first, second in zip(ordered, ordered[1:], strict=False):
        if first._end_offset() > _offset(second.start):
            raise ValueError(f"{where}: overlapping spans {first} and {second}")
    return ordered


class _Week(Mapping[int, tuple[Span, ...]]):
    """An immutable, hashable weekday → spans mapping (0 = Monday); compares equal to the plain dict."""

    __slots__ = ("_data", "_hash")

    def __init__(self, data: Mapping[int, Iterable[Span]], where: str) -> None:
        if not isinstance(data, Mapping):
            raise TypeError(f"{where}: expected a weekday → spans mapping, got {data!r}")
        checked: dict[int, tuple[Span, ...]] = {}
        for weekday, spans in data.items():
            if isinstance(weekday, bool) or not isinstance(weekday, int) or not 0 <= weekday <= 6:
                raise ValueError(f"{where}: weekday must be 0 (Monday) … 6 (Sunday), got {weekday!r}")
            checked[weekday] = _spans(spans, f"{where}, weekday {weekday}")
        self._data = checked
        self._hash = hash(frozenset(checked.items()))

    def __getitem__(self, weekday: int) -> tuple[Span, ...]:
        return self._data[weekday]

    def __iter__(self) -> Iterator[int]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def __hash__(self) -> int:
        return self._hash

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Mapping):
            return NotImplemented
        return self._data == dict(other.items())

    def __repr__(self) -> str:
        return repr(self._data)


def _month_day(value: tuple[int, int], where: str) -> tuple[int, int]:
    try:
        month, day = value
        date(2000, month, day)  # a leap year, so (2, 29) is allowed
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{where}: expected a valid (month, day), got {value!r}") from exc
    return (month, day)


@dataclass(frozen=True)
class Season:
    """Hours that replace the week between two (month, day) bounds, inclusive; may wrap the year end."""

    name: str
    start: tuple[int, int]
    end: tuple[int, int]
    hours: Mapping[int, tuple[Span, ...]]

    def __post_init__(self) -> None:
        object.__setattr__(self, "start", _month_day(self.start, f"season {self.name!r} start"))
        object.__setattr__(self, "end", _month_day(self.end, f"season {self.name!r} end"))
        object.__setattr__(self, "hours", _Week(self.hours, f"season {self.name!r}"))

    def contains(self, day: date) -> bool:
        """Whether day falls inside the season (any year)."""
        key = (day.month, day.day)
        if self.start <= self.end:
            return self.start <= key <= self.end
        return key >= self.start or key <= self.end


@dataclass(frozen=True)
class Closure:
    """Closed from start to end inclusive, or open only for hours on those dates (e.g. 24/12 09:00-14:00)."""

    start: date
    end: date
    name: str
    hours: tuple[Span, ...] = ()

    def __post_init__(self) -> None:
        for value in (self.start, self.end):
            if isinstance(value, datetime) or not isinstance(value, date):
                raise TypeError(f"closure {self.name!r}: start and end are dates, got {value!r}")
        if self.start > self.end:
            raise ValueError(f"closure {self.name!r} ends ({self.end}) before it starts ({self.start})")
        object.__setattr__(self, "hours", _spans(self.hours, f"closure {self.name!r}"))


# --- holidays, cached per year ---------------------------------------------------------------------


@lru_cache(maxsize=64)
def _holiday_language(country: str, subdiv: str | None, language: str) -> str:
    """The language to ask holidays for: the wanted one if the country has it, else the country's own."""
    try:
        entity = holidays.country_holidays(country, subdiv=subdiv)
    except NotImplementedError as exc:  # how holidays reports an unknown country or subdivision
        raise ValueError(f"no public holidays for {country!r} (subdivision {subdiv!r}): {exc}") from exc
    # Explicit, because holidays otherwise answers in English msgids (with LANG=C), not the country's language.
    return language if language in entity.supported_languages else entity.default_language


@lru_cache(maxsize=512)
def _holidays_in(country: str, subdiv: str | None, language: str, year: int) -> Mapping[date, str]:
    """date → name for one calendar year; neighbouring years are built too for observed days that spill over."""
    names = holidays.country_holidays(
        country,
        subdiv=subdiv,
        years=range(year - 1, year + 2),
        language=_holiday_language(country, subdiv, language),
    )
    return MappingProxyType({day: name for day, name in names.items() if day.year == year})


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


# --- pauses ----------------------------------------------------------------------------------------


def _merge(intervals: list[tuple[datetime, datetime | None]]) -> list[tuple[datetime, datetime | None]]:
    """Sort and merge overlapping or touching intervals; an end of None runs forever."""
    merged: list[tuple[datetime, datetime | None]] = []
    for start, end in sorted(intervals, key=lambda item: item[0]):
        if merged:
            last_start, last_end = merged[-1]
            if last_end is None:
                break  # everything later is inside an endless pause
            if start <= last_end:
                merged[-1] = (last_start, None if end is None else max(last_end, end))
                continue
        merged.append((start, end))
    return merged


def _pause_bounds(pause: tuple[datetime, datetime | None]) -> tuple[datetime, datetime | None]:
    began, ended = pause
    began_utc = _utc(began, "pause start")
    ended_utc = None if ended is None else _utc(ended, "pause end")
    if ended_utc is not None and ended_utc < began_utc:
        raise ValueError(f"pause ends ({ended}) before it starts ({began})")
    return began_utc, ended_utc


def elapsed_with_pauses(
    calendar: BusinessCalendar,
    start: datetime,
    now: datetime,
    pauses: Iterable[tuple[datetime, datetime | None]],
) -> float:
    """Business minutes from start to now, less those inside pauses (an open pause runs to now; overlaps count once)."""
    begin, until = _utc(start, "start"), _utc(now, "now")
    if until <= begin:
        return 0.0
    stopped: list[tuple[datetime, datetime | None]] = []
    for pause in pauses:
        began, ended = _pause_bounds(pause)
        low, high = max(began, begin), until if ended is None else min(ended, until)
        if high > low:
            stopped.append((low, high))
    total = calendar._business_time(begin, until)
    for low, high in _merge(stopped):
        total -= calendar._business_time(low, high or until)  # every pause was clipped to now already
    return total / _MINUTE


def due_with_pauses(
    calendar: BusinessCalendar,
    start: datetime,
    target_minutes: float,
    pauses: Iterable[tuple[datetime, datetime | None]],
    now: datetime,
) -> datetime | None:
    """When target_minutes of unpaused business time after start are reached; None while the clock is stopped.

    Pauses that began after now are ignored. An open pause stops the clock for good, so the answer is
    None unless the target was already reached before that pause began (a breach stays a breach).
    """
    remaining = _minutes(target_minutes, "target_minutes")
    begin, until = _utc(start, "start"), _utc(now, "now")
    stopped: list[tuple[datetime, datetime | None]] = []
    for pause in pauses:
        began, ended = _pause_bounds(pause)
        if began > until or (ended is not None and ended <= begin):
            continue
        stopped.append((max(began, begin), ended))
    stops = _merge(stopped)
    index = 0
    for opens, closes in calendar._intervals_from(begin):
        cursor = opens
        while cursor < closes:
            while index < len(stops) and (end := stops[index][1]) is not None and end <= cursor:
                index += 1
            if index < len(stops) and stops[index][0] <= cursor:
                pause_end = stops[index][1]
                if pause_end is None:
                    return None
                cursor = min(pause_end, closes)
                continue
            free_until = closes if index == len(stops) else min(closes, stops[index][0])
            if remaining <= free_until - cursor:
                return (cursor + remaining).astimezone(calendar._zone)
            remaining -= free_until - cursor
            cursor = free_until
    raise AssertionError("unreachable: _intervals_from never ends")  # pragma: no cover
