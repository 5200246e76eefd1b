"""Reads: the access helper, inbox views (filters, sorting, search), the ticket page."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.models import User as StaffUser
from django.core.exceptions import PermissionDenied
from django.db.models import Case, Count, DateTimeField, F, IntegerField, Q, QuerySet, Value, When
from django.db.models.functions import Coalesce, Least
from django.http import Http404, HttpRequest
from django.utils import timezone

from pelatis.core.http import request_user
from pelatis.customers.queries import customer_search_ids

from . import search
from .models import Message, Team, Ticket, TicketEvent

User = StaffUser | AnonymousUser
OPEN_STATUSES = [Ticket.Status.NEW, Ticket.Status.OPEN, Ticket.Status.PENDING, Ticket.Status.ON_HOLD]
# The SLA clock runs only in these: pending and on hold wait on someone else.
RUNNING_STATUSES = [Ticket.Status.NEW, Ticket.Status.OPEN]
VIEWS = ("all", "mine", "team", "unassigned", "breaching", "pending")
SORTS = ("overdue", "due", "newest", "oldest", "priority")
BREACHING_WITHIN = dt.timedelta(minutes=30)
# A search gathers at most this many of the newest matching tickets from each source (words, customers).
SEARCH_CAP = 2000
SEARCH_CUSTOMERS = 500
_FAR = dt.datetime(9999, 12, 31, tzinfo=dt.UTC)
_PRIORITY_RANK = {
    Ticket.Priority.URGENT: 0,
    Ticket.Priority.HIGH: 1,
    Ticket.Priority.NORMAL: 2,
    Ticket.Priority.LOW: 3,
}


def ticket_to_change(request: HttpRequest, ticket_id: int) -> tuple[Ticket, StaffUser]:
    """The ticket a staff action or API call changes (404 or 403 as ``ticket_for``) and who changes it."""
    return ticket_for(request.user, ticket_id, write=True), request_user(request)


def ticket_for(user: User, ticket_id: int, *, write: bool = False) -> Ticket:
    """The ticket if ``user`` may see it (and work on it, with write=True); else 404/403."""
    if not user.has_perm("helpdesk.view_ticket") or (write and not user.has_perm("helpdesk.change_ticket")):
        raise PermissionDenied
    ticket = (
        Ticket.objects.select_related("customer", "assignee", "team", "sla_policy", "merged_into")
        .filter(pk=ticket_id)
        .first()
    )
    if ticket is None:
        raise Http404
    return ticket


# ---------------------------------------------------------------- filters and search


@dataclass(frozen=True)
class InboxFilters:
    """What the inbox is narrowed to, as the GET parameters say (unknown values are dropped by the view)."""

    status: str = ""
    priority: str = ""
    channel: str = ""
    type: str = ""
    team: int | None = None
    tag: int | None = None
    assignee: int | None = None
    customer: int | None = None

    def q(self) -> Q:
        cond = Q()
        for name in ("status", "priority", "channel", "type"):
            if value := getattr(self, name):
                cond &= Q(**{name: value})
        for name, lookup in (
            ("team", "team_id"),
            ("assignee", "assignee_id"),
            ("customer", "customer_id"),
            ("tag", "tags__id"),
        ):
            if (value := getattr(self, name)) is not None:
                cond &= Q(**{lookup: value})
        return cond


@dataclass(frozen=True)
class SearchResult:
    """The tickets a typed query found (ids, newest first) and whether a source hit its cap."""

    q: str
    ids: list[int] = field(default_factory=list)
    capped: bool = False


def ticket_search(q: str) -> SearchResult | None:
    """Tickets matching ``q``: ``#123`` is that ticket; otherwise the number, words of subject and messages
    (Greek with or without accents, Greeklish), and customers found by name, email or phone. None: no query."""
    query = search.parse(q)
    if query.empty:
        return None
    if query.only_number:
        return SearchResult(query.text, [query.number] if query.number is not None else [])
    ids = search.matching_ids(query, limit=SEARCH_CAP)
    capped = len(ids) >= SEARCH_CAP
    customers = customer_search_ids(query.text, limit=SEARCH_CUSTOMERS)
    if customers:
        theirs = list(
            Ticket.objects.filter(customer_id__in=customers)
            .order_by("-id")
            .values_list("pk", flat=True)[:SEARCH_CAP]
        )
        capped = capped or len(theirs) >= SEARCH_CAP or len(customers) >= SEARCH_CUSTOMERS
        ids = sorted(set(ids) | set(theirs), reverse=True)
    if query.number is not None and query.number not in ids:
        ids.insert(0, query.number)
    return SearchResult(query.text, ids, capped)


def _base(filters: InboxFilters, found: SearchResult | None) -> QuerySet[Ticket]:
    qs = Ticket.objects.filter(merged_into__isnull=True).filter(filters.q())
    return qs if found is None else qs.filter(pk__in=found.ids)


# ---------------------------------------------------------------- views and sorting


def _view_filter(user: User, view: str, now: dt.datetime) -> Q:
    """The condition of an inbox view (on top of not merged, and open unless a status is chosen)."""
    if view == "mine":
        return Q(assignee_id=user.pk)
    if view == "team":
        return Q(team__members=user.pk) if user.pk else Q(pk__in=[])
    if view == "unassigned":
        return Q(assignee__isnull=True)
    if view == "breaching":
        # A paused ticket (waiting on the customer or a third party) cannot breach while it waits.
        soon = now + BREACHING_WITHIN
        return Q(status__in=RUNNING_STATUSES) & (
            Q(sla_breached=True)
            | Q(first_response_due__lte=soon, first_responded_at__isnull=True)
            | Q(next_response_due__lte=soon)
            | Q(resolution_due__lte=soon)
        )
    if view == "pending":
        return Q(status=Ticket.Status.PENDING)
    return Q()


def overdue_q(now: dt.datetime) -> Q:
    """Tickets whose running SLA clock has passed its due time."""
    return Q(status__in=RUNNING_STATUSES) & (
        Q(first_response_due__lte=now, first_responded_at__isnull=True)
        | Q(next_response_due__lte=now)
        | Q(resolution_due__lte=now)
    )


def running_q() -> Q:
    """Tickets with an SLA clock running (something is due from us)."""
    return Q(status__in=RUNNING_STATUSES) & (
        Q(first_response_due__isnull=False, first_responded_at__isnull=True)
        | Q(next_response_due__isnull=False)
        | Q(resolution_due__isnull=False)
    )


def due_expression() -> Any:
    """The nearest due time of a ticket's clocks (far in the future when none runs)."""
    far = Value(_FAR, output_field=DateTimeField())
    first = Case(
        When(first_responded_at__isnull=True, then=F("first_response_due")), output_field=DateTimeField()
    )
    return Least(Coalesce(first, far), Coalesce("next_response_due", far), Coalesce("resolution_due", far))


def _priority_rank() -> Case:
    return Case(
        *[When(priority=p, then=Value(r)) for p, r in _PRIORITY_RANK.items()],
        default=Value(9),
        output_field=IntegerField(),
    )


def default_sort(view: str) -> str:
    return "due" if view == "breaching" else "overdue"


NEWEST = ("-created_at", "-id")


def _ordered(qs: QuerySet[Ticket], sort: str, now: dt.datetime) -> QuerySet[Ticket]:
    """The whole order in one statement (used for the API and as the reference of ``inbox_rows``)."""
    if sort == "oldest":
        return qs.order_by("created_at", "id")
    if sort == "newest":
        return qs.order_by(*NEWEST)
    if sort == "priority":
        return qs.order_by(_priority_rank(), *NEWEST)
    first = overdue_q(now) if sort == "overdue" else running_q()
    group = Case(When(first, then=Value(0)), default=Value(1), output_field=IntegerField())
    due = Case(
        When(first, then=due_expression()),
        default=Value(_FAR, output_field=DateTimeField()),
        output_field=DateTimeField(),
    )
    return qs.order_by(group, due, *NEWEST)


def inbox(
    user: User,
    *,
    view: str = "all",
    status: str = "",
    now: dt.datetime | None = None,
    filters: InboxFilters | None = None,
    sort: str = "",
    found: SearchResult | None = None,
) -> QuerySet[Ticket]:
    """Tickets of one inbox view, filtered and sorted (by default: overdue first, then newest; "breaching
    soon" by due time)."""
    now = now or timezone.now()
    filters = filters or InboxFilters(status=status)
    qs = _base(filters, found).select_related("customer", "assignee", "team")
    if not filters.status and view != "all":
        qs = qs.filter(status__in=OPEN_STATUSES)
    qs = qs.filter(_view_filter(user, view, now))
    return _ordered(qs, sort if sort in SORTS else default_sort(view), now)


class Chain(Sequence[Ticket]):
    """Rows of several ordered querysets one after the other, for the paginator: a page reads only the parts
    it spans, each with LIMIT/OFFSET on an index, instead of sorting every ticket by a computed key."""

    def __init__(self, parts: list[QuerySet[Ticket]], total: int | None = None) -> None:
        self.parts = parts
        self.total = total
        self._sizes: list[int] | None = None

    def sizes(self) -> list[int]:
        if self._sizes is None:
            head = [part.count() for part in self.parts[:-1]]
            last = self.total - sum(head) if self.total is not None else self.parts[-1].count()
            self._sizes = [*head, max(last, 0)]
        return self._sizes

    def count(self) -> int:  # type: ignore[override]  # Sequence.count(value) counts one item; a paginator calls count()
        return sum(self.sizes())

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, key: Any) -> Any:
        if isinstance(key, int):
            return self[key : key + 1][0]
        start, stop = key.start or 0, key.stop
        rows: list[Ticket] = []
        offset = 0
        for part, size in zip(self.parts, self.sizes(), strict=True):
            lo, hi = max(start - offset, 0), size if stop is None else min(stop - offset, size)
            if lo < hi:
                rows += list(part[lo:hi])
            offset += size
        return rows


def inbox_rows(
    user: User,
    *,
    view: str = "all",
    filters: InboxFilters | None = None,
    sort: str = "",
    found: SearchResult | None = None,
    total: int | None = None,
    now: dt.datetime | None = None,
) -> QuerySet[Ticket] | Chain:
    """The rows of ``inbox()`` in the same order, paged cheaply: "overdue first" and "due first" are the few
    tickets with a (late) running clock by due time, then the rest newest first from the date index."""
    now = now or timezone.now()
    sort = sort if sort in SORTS else default_sort(view)
    qs = inbox(user, view=view, filters=filters, sort="newest", found=found, now=now)
    if sort not in ("overdue", "due"):
        return inbox(user, view=view, filters=filters, sort=sort, found=found, now=now)
    first = overdue_q(now) if sort == "overdue" else running_q()
    return Chain([qs.filter(first).order_by(due_expression(), *NEWEST), qs.exclude(first)], total=total)


def inbox_counts(
    user: User,
    *,
    status: str = "",
    now: dt.datetime | None = None,
    filters: InboxFilters | None = None,
    found: SearchResult | None = None,
) -> dict[str, int]:
    """How many tickets each inbox view holds: the open views in one query over the open tickets (the status
    index), "all" in another; the team view on its own when the user is in a team."""
    now = now or timezone.now()
    filters = filters or InboxFilters(status=status)
    base = _base(filters, found)
    open_views = [v for v in VIEWS if v not in ("all", "team")]
    counts = {view: Count("id", filter=_view_filter(user, view, now)) for view in open_views}
    if filters.status:
        counts["all"] = Count("id")
        result = base.aggregate(**counts)
    else:
        result = base.filter(status__in=OPEN_STATUSES).aggregate(**counts)
        result["all"] = base.count()
    in_a_team = bool(user.pk) and Team.objects.filter(members=user.pk).exists()
    result["team"] = (
        inbox(user, view="team", filters=filters, found=found, now=now).count() if in_a_team else 0
    )
    return {view: int(result[view] or 0) for view in VIEWS}


# ---------------------------------------------------------------- the ticket page


@dataclass(frozen=True)
class TicketPage:
    ticket: Ticket
    messages: list[Message]
    events: list[TicketEvent]


def ticket_page(ticket: Ticket) -> TicketPage:
    """The conversation and history of a ticket."""
    messages = list(
        Message.objects.filter(ticket=ticket).select_related("author").prefetch_related("attachments")
    )
    events = list(TicketEvent.objects.filter(ticket=ticket).select_related("by"))
    return TicketPage(ticket=ticket, messages=messages, events=events)
