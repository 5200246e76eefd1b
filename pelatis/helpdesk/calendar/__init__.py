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

The modules: ``spans`` (opening hours, seasons, closures), ``public_holidays``, ``business`` (the
calendar and its clock), ``pauses`` (SLA clocks that stop).
"""
