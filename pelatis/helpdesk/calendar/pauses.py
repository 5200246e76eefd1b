"""SLA clocks that stop: business time less the pauses, and when a target is reached despite them."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from .business import BusinessCalendar, _minutes, _utc
from .spans import _MINUTE


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
    for pause_start, pause_end in _merge(stopped):  # every pause was clipped to now already
        total -= calendar._business_time(pause_start, pause_end or until)
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
