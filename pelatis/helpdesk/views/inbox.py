"""The inbox: tabs, filters, sorting and search over the tickets, and the bulk actions on its rows."""

from __future__ import annotations

from collections.abc import Collection

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from pelatis.core.http import int_or_none, is_htmx, page_of, request_user
from pelatis.customers.models import Customer, Interaction, Tag

from .. import queries
from ..forms import BulkForm, agents
from ..models import Team, Ticket
from ..services.lifecycle import ticket_set_status
from ..services.tickets import ticket_assign

PAGE_SIZE = 25
VIEW_ORDER = ("mine", "team", "unassigned", "breaching", "pending", "all")  # the inbox tabs, as shown
DEFAULT_VIEW = "all"
TICKET_CHANNELS = ("email", "web", "phone", "chat", "in_person", "social", "sms")


def _view_labels() -> list[tuple[str, str]]:
    labels = {
        "mine": _("Mine"),
        "team": _("My teams"),
        "unassigned": _("Unassigned"),
        "breaching": _("Breaching soon"),
        "pending": _("Pending customer"),
        "all": _("All"),
    }
    return [(key, labels[key]) for key in VIEW_ORDER]


def _sort_labels(view: str) -> list[tuple[str, str]]:
    default = _("Due time first") if view == "breaching" else _("Overdue first, then newest")
    return [
        ("", default),
        ("due", _("Due time first")),
        ("newest", _("Newest first")),
        ("oldest", _("Oldest first")),
        ("priority", _("Priority")),
    ]


def _choice(request: HttpRequest, name: str, allowed: Collection[str]) -> str:
    value = request.GET.get(name, "")
    return value if value in allowed else ""


def _id(request: HttpRequest, name: str) -> int | None:
    value = int_or_none(request.GET.get(name))
    return value if value is not None and 0 < value < 2**63 else None


def _filters(request: HttpRequest) -> queries.InboxFilters:
    """The inbox's GET parameters; unknown values are ignored rather than failing."""
    return queries.InboxFilters(
        status=_choice(request, "status", Ticket.Status.values),
        priority=_choice(request, "priority", Ticket.Priority.values),
        channel=_choice(request, "channel", TICKET_CHANNELS),
        type=_choice(request, "type", Ticket.Type.values),
        team=_id(request, "team"),
        tag=_id(request, "tag"),
        assignee=_id(request, "assignee"),
        customer=_id(request, "customer"),
    )


@require_GET
@login_required
@permission_required("helpdesk.view_ticket", raise_exception=True)
def inbox_view(request: HttpRequest) -> HttpResponse:
    view = request.GET.get("view", DEFAULT_VIEW)
    view = view if view in queries.VIEWS else DEFAULT_VIEW
    filters = _filters(request)
    sort = _choice(request, "sort", queries.SORTS)
    q = " ".join(request.GET.get("q", "").split())[:200]
    found = queries.ticket_search(q) if q else None
    # The tab counts in two queries (three with teams); the page's count is one of them.
    counts = queries.inbox_counts(request.user, filters=filters, found=found)
    rows = queries.inbox_rows(
        request.user, view=view, filters=filters, sort=sort, found=found, total=counts[view]
    )
    page, page_range = page_of(request, rows, PAGE_SIZE, count=counts[view])
    channel_labels = dict(Interaction.Channel.choices)
    ctx = {
        "view": view,
        "status": filters.status,
        "filters": filters,
        "sort": sort,
        "q": q,
        "found": found,
        "page": page,
        "tickets": list(page.object_list),
        "tabs": [(key, label, counts[key]) for key, label in _view_labels()],
        "statuses": Ticket.Status.choices,
        "priorities": Ticket.Priority.choices,
        "types": Ticket.Type.choices,
        "channels": [(c, channel_labels.get(c, c)) for c in TICKET_CHANNELS],
        "teams": list(Team.objects.all()),
        "tags": list(Tag.objects.filter(tickets__isnull=False).distinct().order_by("name")[:300]),
        "assignees": list(agents()),
        "sorts": _sort_labels(view),
        "filter_customer": Customer.objects.filter(pk=filters.customer).first() if filters.customer else None,
        "filtered": any(
            getattr(filters, f) not in ("", None)
            for f in ("priority", "channel", "type", "team", "tag", "assignee", "customer")
        ),
        "can_write": request.user.has_perm("helpdesk.change_ticket"),
        "page_range": page_range,
    }
    response = render(request, "helpdesk/_inbox.html" if is_htmx(request) else "helpdesk/inbox.html", ctx)
    patch_vary_headers(response, ["HX-Request"])  # the same URL answers with a fragment or a page
    return response


def _back(request: HttpRequest, fallback: str) -> str:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


@require_POST
@login_required
def bulk_view(request: HttpRequest) -> HttpResponse:
    """Assign to me or set a status on the selected rows: each ticket through the service."""
    if not request.user.has_perm("helpdesk.change_ticket"):
        raise PermissionDenied
    user = request_user(request)
    back = _back(request, reverse("helpdesk:inbox"))
    form = BulkForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        return redirect(back)
    # Every ticket is fetched (and permission-checked) before any is changed.
    tickets, missing = [], []
    for ticket_id in dict.fromkeys(form.cleaned_data["ids"]):
        try:
            tickets.append(queries.ticket_for(user, ticket_id, write=True))
        except Http404:
            missing.append(f"#{ticket_id}")
    done, failed = 0, []
    for ticket in tickets:
        try:
            if form.cleaned_data["action"] == "assign_me":
                if ticket.assignee_id != user.pk:
                    ticket_assign(ticket=ticket, agent=user, by=user)
            else:
                ticket_set_status(ticket=ticket, status=form.cleaned_data["status"], by=user)
            done += 1
        except ValidationError as exc:
            failed.append(f"#{ticket.pk}: {' '.join(exc.messages)}")
    if done:
        messages.success(
            request, ngettext("%(n)d ticket updated.", "%(n)d tickets updated.", done) % {"n": done}
        )
    if failed:
        messages.error(request, _("Not changed: %(list)s") % {"list": "; ".join(failed)})
    if missing:
        messages.warning(request, _("Not found: %(list)s") % {"list": ", ".join(missing)})
    return redirect(back)
