"""The calendar's building blocks: spans of opening hours, a week of them, seasons and closures."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

MIDNIGHT = time(0, 0)

_DAY = timedelta(days=1)
_MINUTE = timedelta(minutes=1)


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
