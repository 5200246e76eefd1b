"""SLA clocks: which policy applies, when answers are due, pauses, breaches.

Due times are computed with the business calendar engine (helpdesk.calendar)
from the ticket's start and the pauses recorded so far, so a paused or
re-policied ticket keeps the business time it has already used.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
from datetime import time

from django.db.models import Q
from django.utils import timezone

from ..calendar.business import BusinessCalendar, always_open
from ..calendar.pauses import due_with_pauses, elapsed_with_pauses
from ..calendar.spans import Closure, Season, Span
from ..models import Calendar, SlaPause, SlaPolicy, Ticket

FOLLOW_UP_AFTER = dt.timedelta(days=3)
WARN_BEFORE = dt.timedelta(minutes=30)
_SLA_FIELDS = ["sla_policy", "first_response_due", "next_response_due", "resolution_due", "updated_at"]


def _spans(raw: list[list[str]]) -> tuple[Span, ...]:
    return tuple(Span(time.fromisoformat(a), time.fromisoformat(b)) for a, b in raw)


def _week(raw: dict[str, list[list[str]]]) -> dict[int, tuple[Span, ...]]:
    return {int(day): _spans(spans) for day, spans in raw.items() if spans}


def calendar_engine(model: Calendar) -> BusinessCalendar:
    """The calendar engine for a stored calendar (built once per distinct content: holidays are cached inside)."""
    key = json.dumps(
        [
            model.time_zone,
            model.weekly,
            model.seasons,
            model.closures,
            model.holiday_country,
            model.holiday_subdiv,
            model.open_on_holidays,
        ],
        sort_keys=True,
    )
    return _engine(key)


@functools.lru_cache(maxsize=64)
def _engine(key: str) -> BusinessCalendar:
    tz, weekly, seasons, closures, country, subdiv, open_on_holidays = json.loads(key)
    model = Calendar(
        time_zone=tz,
        weekly=weekly,
        seasons=seasons,
        closures=closures,
        holiday_country=country,
        holiday_subdiv=subdiv,
        open_on_holidays=open_on_holidays,
    )
    return BusinessCalendar(
        tz=model.time_zone,
        weekly=_week(model.weekly),
        seasons=tuple(
            Season(
                name=s.get("name", ""),
                start=tuple(s["start"]),
                end=tuple(s["end"]),
                hours=_week(s.get("hours", {})),
            )
            for s in model.seasons
        ),
        closures=tuple(
            Closure(
                start=dt.date.fromisoformat(c["start"]),
                end=dt.date.fromisoformat(c.get("end", c["start"])),
                name=c.get("name", ""),
                hours=_spans(c.get("hours", [])),
            )
            for c in model.closures
        ),
        holiday_country=model.holiday_country or None,
        holiday_subdiv=model.holiday_subdiv or None,
        open_on_holidays=model.open_on_holidays,
    )


def policy_for(ticket: Ticket) -> SlaPolicy | None:
    """The first active policy (by rank) whose conditions all match the ticket."""
    customer = ticket.customer
    country = customer.addresses.filter(is_primary=True).values_list("country", flat=True).first() or ""
    tag_ids = set(customer.tags.values_list("pk", flat=True))
    candidates = (
        SlaPolicy.objects.filter(active=True)
        .filter(
            Q(priority="") | Q(priority=ticket.priority),
            Q(ticket_type="") | Q(ticket_type=ticket.type),
            Q(country="") | Q(country=country),
        )
        .select_related("calendar")
    )
    for policy in candidates:
        if policy.customer_tag_id is None or policy.customer_tag_id in tag_ids:
            return policy
    return None


def _pauses(ticket: Ticket) -> list[tuple[dt.datetime, dt.datetime | None]]:
    return list(SlaPause.objects.filter(ticket=ticket).values_list("started_at", "ended_at"))


def _due(
    policy: SlaPolicy,
    start: dt.datetime,
    minutes: int | None,
    now: dt.datetime,
    pauses: list[tuple[dt.datetime, dt.datetime | None]],
) -> dt.datetime | None:
    if minutes is None:
        return None
    return due_with_pauses(calendar_engine(policy.calendar), start, minutes, pauses, now)


def business_minutes(ticket: Ticket, end: dt.datetime) -> float:
    """Business minutes from the ticket's creation to ``end`` on its SLA calendar (the default one without a
    policy), less the time it waited on the customer."""
    policy = ticket.sla_policy
    calendar = policy.calendar if policy is not None else Calendar.objects.order_by("pk").first()
    engine = calendar_engine(calendar) if calendar is not None else always_open()
    return round(elapsed_with_pauses(engine, ticket.created_at, end, _pauses(ticket)), 2)


def sla_start(*, ticket: Ticket) -> None:
    """Pick the policy and set the first-response and resolution due times (saves the ticket)."""
    ticket.sla_policy = policy_for(ticket)
    sla_refresh(ticket=ticket, now=ticket.created_at, pauses=[])  # a new ticket has never paused
    ticket.save(update_fields=_SLA_FIELDS)


def sla_set_policy(*, ticket: Ticket, policy: SlaPolicy | None, now: dt.datetime | None = None) -> None:
    """Change the policy; the business time already used counts against the new targets."""
    ticket.sla_policy = policy
    sla_refresh(ticket=ticket, now=now or timezone.now())
    ticket.save(update_fields=_SLA_FIELDS)


def sla_refresh(
    *, ticket: Ticket, now: dt.datetime, pauses: list[tuple[dt.datetime, dt.datetime | None]] | None = None
) -> None:
    """Recompute due times from the start and the pauses (caller saves). None while the clock is stopped."""
    policy = ticket.sla_policy
    if policy is None:
        ticket.first_response_due = ticket.next_response_due = ticket.resolution_due = None
        return
    if pauses is None:
        pauses = _pauses(ticket)
    if ticket.first_responded_at is None:
        ticket.first_response_due = _due(
            policy, ticket.created_at, policy.first_response_minutes, now, pauses
        )
    if ticket.awaiting_reply_since is not None and ticket.first_responded_at is not None:
        ticket.next_response_due = _due(
            policy, ticket.awaiting_reply_since, policy.next_response_minutes, now, pauses
        )
    if ticket.resolved_at is None:
        ticket.resolution_due = _due(policy, ticket.created_at, policy.resolution_minutes, now, pauses)
    else:
        ticket.resolution_due = None


def sla_answered(*, ticket: Ticket, at: dt.datetime) -> None:
    """We answered: nothing is due from us until the customer writes again (caller saves)."""
    ticket.next_response_due = None
    if ticket.first_response_due and at > ticket.first_response_due and ticket.first_responded_at == at:
        ticket.sla_breached = True


def sla_next_response(*, ticket: Ticket, since: dt.datetime) -> None:
    """The customer wrote again: the next-response clock starts (caller saves)."""
    policy = ticket.sla_policy
    if policy is not None and ticket.first_responded_at is not None:
        ticket.next_response_due = _due(policy, since, policy.next_response_minutes, since, _pauses(ticket))


def sla_scan(*, now: dt.datetime | None = None) -> int:
    """Mark open tickets whose due time has passed as breached; returns how many were newly marked."""
    now = now or timezone.now()
    overdue = (
        Q(first_response_due__lt=now, first_responded_at__isnull=True)
        | Q(next_response_due__lt=now)
        | Q(resolution_due__lt=now)
    )
    return (
        Ticket.objects.filter(overdue, sla_breached=False)
        .exclude(status__in=[Ticket.Status.RESOLVED, Ticket.Status.CLOSED])
        .update(sla_breached=True)
    )


def first_answer_expected(ticket: Ticket) -> dt.datetime | None:
    """When the customer can expect the first answer (for the acknowledgement)."""
    return ticket.first_response_due
