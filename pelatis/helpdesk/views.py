"""Staff UI of the help desk: the inbox, the ticket page and its actions.

Each view parses, fetches through ``queries.ticket_for`` (which checks the
permission), calls one service and renders. A service's ValidationError comes
back as 422 with the message next to the field; htmx swaps the form's card.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.formats import date_format
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from pelatis.core.http import int_or_none, is_htmx, page_of
from pelatis.customers.models import Customer, Interaction, Order, Tag
from pelatis.customers.queries import customer_360

from . import queries
from .forms import (
    AgentProfileForm,
    AssignForm,
    BulkForm,
    LinkOrdersForm,
    MergeForm,
    NoteForm,
    PriorityForm,
    ReplyForm,
    SplitForm,
    StageForm,
    StatusForm,
    agents,
)
from .models import AgentProfile, Attachment, CannedReply, Message, Team, Ticket, TicketEvent
from .services import replies
from .services import tickets as services
from .tonehints import HintView, hint_views

PAGE_SIZE = 25
VIEW_ORDER = ("mine", "team", "unassigned", "breaching", "pending", "all")  # the inbox tabs, as shown
DEFAULT_VIEW = "all"


def _lf(text: str) -> str:
    """Browsers submit textarea line breaks as CRLF; the textarea itself (and JS offsets) use LF."""
    return (text or "").replace("\r\n", "\n").replace("\r", "\n")


# ---------------------------------------------------------------- inbox


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


TICKET_CHANNELS = ("email", "web", "phone", "chat", "in_person", "social", "sms")


def _choice(request: HttpRequest, name: str, allowed: Any) -> str:
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
    ctx: dict[str, Any] = {
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
    back = _back(request, reverse("helpdesk:inbox"))
    form = BulkForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return redirect(back)
    # Every ticket is fetched (and permission-checked) before any is changed.
    tickets, missing = [], []
    for ticket_id in dict.fromkeys(form.cleaned_data["ids"]):
        try:
            tickets.append(queries.ticket_for(request.user, ticket_id, write=True))
        except Http404:
            missing.append(f"#{ticket_id}")
    done, failed = 0, []
    for ticket in tickets:
        try:
            if form.cleaned_data["action"] == "assign_me":
                if ticket.assignee_id != request.user.pk:
                    services.ticket_assign(ticket=ticket, agent=request.user, by=request.user)
            else:
                services.ticket_set_status(ticket=ticket, status=form.cleaned_data["status"], by=request.user)
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


# ---------------------------------------------------------------- the ticket page


@dataclass(frozen=True)
class HistoryItem:
    kind: str
    icon: str
    text: str
    note: str
    by: Any
    at: Any


@dataclass(frozen=True)
class StageStep:
    value: str
    label: str
    state: str  # "done", "current", "todo"
    at: Any = None


def _history(events: list[TicketEvent]) -> list[HistoryItem]:
    """The ticket's events as sentences, newest first; assignments name people (one query)."""
    ids = {int(v) for e in events if e.kind == "assigned" for v in (e.old, e.new) if v.isdigit()}
    users = get_user_model().objects.in_bulk(list(ids)) if ids else {}
    status = dict(Ticket.Status.choices)
    stage = dict(Ticket.Stage.choices)
    channel = dict(Interaction.Channel.choices)

    def name(raw: str) -> str:
        user = users.get(int(raw)) if raw.isdigit() else None
        return (user.get_full_name() or user.get_username()) if user else raw

    items = []
    for e in events:
        icon = "system"
        if e.kind == "opened":
            text, icon = _("Ticket opened (%(channel)s)") % {"channel": channel.get(e.note, e.note)}, "inbox"
        elif e.kind == "status":
            text = _("Status: %(old)s → %(new)s") % {
                "old": status.get(e.old, e.old or "—"),
                "new": status.get(e.new, e.new),
            }
            icon = (
                "check"
                if e.new in ("resolved", "closed")
                else ("pause" if e.new in ("pending", "on_hold") else "repeat")
            )
        elif e.kind == "stage":
            text, icon = _("Complaint stage: %(stage)s") % {"stage": stage.get(e.new, e.new)}, "flag"
        elif e.kind == "assigned":
            text = _("Assigned to %(name)s") % {"name": name(e.new)} if e.new else _("Unassigned")
            icon = "user"
        elif e.kind == "merged":
            text, icon = _("Ticket #%(id)s was merged into this one") % {"id": e.old}, "merge"
        elif e.kind == "verified":
            text = (
                _("The requester confirmed the address with the link we emailed")
                if e.new == "link"
                else _("The requester wrote from the address of the request")
            )
            icon = "check"
        else:
            text = f"{e.kind}: {e.old} → {e.new}" if (e.old or e.new) else e.kind
        note = "" if e.kind == "opened" else e.note
        items.append(HistoryItem(e.kind, icon, text, note, e.by, e.at))
    items.reverse()
    return items


def _stages(ticket: Ticket, events: list[TicketEvent]) -> list[StageStep]:
    """The complaint's way from received to confirmed, with when each stage was reached."""
    if ticket.type != Ticket.Type.COMPLAINT:
        return []
    reached = {e.new: e.at for e in events if e.kind == "stage"}
    order = services.STAGE_ORDER
    current = order.index(ticket.stage) if ticket.stage in order else -1
    return [
        StageStep(
            value, label, "done" if i < current else "current" if i == current else "todo", reached.get(value)
        )
        for i, (value, label) in enumerate(Ticket.Stage.choices)
    ]


def _stage_form(ticket: Ticket, data: Any = None) -> StageForm | None:
    order = services.STAGE_ORDER
    if ticket.type != Ticket.Type.COMPLAINT or ticket.stage == order[-1]:
        return None
    current = order.index(ticket.stage) if ticket.stage in order else -1
    form = StageForm(data, initial={"stage": order[current + 1]})
    form.fields["stage"].choices = [
        (v, label)
        for v, label in Ticket.Stage.choices  # type: ignore[attr-defined]
        if order.index(v) > current
    ]
    return form


def _canned_choices(ticket: Ticket) -> list[tuple[str, list[CannedReply]]]:
    """Active canned replies this ticket's team may use, grouped by language (the ticket's first)."""
    replies_qs = CannedReply.objects.filter(active=True).filter(
        Q(team__isnull=True) | Q(team_id=ticket.team_id)
    )
    groups: dict[str, list[CannedReply]] = {}
    for reply in replies_qs:
        groups.setdefault(reply.language, []).append(reply)
    lang = (ticket.language or "el")[:2]
    return sorted(groups.items(), key=lambda kv: (kv[0] != lang, kv[0]))


def _recipient(page: queries.TicketPage, c360: Any) -> str:
    for message in reversed(page.messages):
        if message.direction == Message.Direction.INBOUND and message.from_email:
            return message.from_email
    return c360.emails[0].value if c360 is not None and c360.emails else ""


def _ticket_context(request: HttpRequest, ticket: Ticket, **overrides: Any) -> dict[str, Any]:
    page = queries.ticket_page(ticket)
    can_write = request.user.has_perm("helpdesk.change_ticket") and not ticket.merged_into_id
    c360 = (
        customer_360(ticket.customer, timeline_limit=5)
        if request.user.has_perm("customers.view_customer")
        else None
    )
    body = overrides.pop("body", None)
    ctx: dict[str, Any] = {
        "t": ticket,
        "page": page,
        "c360": c360,
        "can_write": can_write,
        "history": _history(page.events),
        "stages": _stages(ticket, page.events),
        "other_tickets": list(
            Ticket.objects.filter(customer_id=ticket.customer_id, merged_into__isnull=True)
            .exclude(pk=ticket.pk)
            .order_by("-created_at")[:5]
        ),
        "recipient": _recipient(page, c360),
        "emails_out": ticket.channel in ("email", "web"),
        "tab": "reply",
        "currency": settings.PELATIS_DEFAULT_CURRENCY,
        "linked_orders": list(ticket.orders.order_by("-placed_at")),
        # A customer's message can move to a ticket of its own while the ticket keeps another message.
        "can_split": can_write and len(page.messages) > 1,
    }
    if can_write:
        ctx.update(
            reply_form=ReplyForm(),
            note_form=NoteForm(),
            canned=_canned_choices(ticket),
            status_form=StatusForm(initial={"status": ticket.status}),
            priority_form=PriorityForm(initial={"priority": ticket.priority}),
            orders_form=_orders_form(ticket, linked=ctx["linked_orders"]),
            assign_form=AssignForm(initial={"assignee": ticket.assignee_id, "team": ticket.team_id}),
            stage_form=_stage_form(ticket),
            merge_form=MergeForm(),
        )
        if ticket.status != Ticket.Status.NEW:
            ctx["status_form"].fields["status"].choices = [
                c for c in Ticket.Status.choices if c[0] != Ticket.Status.NEW
            ]
    ctx.update(overrides)
    if can_write and body is None:
        reply_form = ctx["reply_form"]
        body = reply_form.data.get("body", "") if reply_form.is_bound else ""
    ctx["body"] = _lf(body or "")
    return ctx


def _orders_form(ticket: Ticket, data: Any = None, linked: list[Order] | None = None) -> LinkOrdersForm:
    """The customer's latest orders not yet linked to this ticket, to tick."""
    linked_ids = {o.pk for o in (linked if linked is not None else ticket.orders.all())}
    orders = (
        Order.objects.filter(customer_id=ticket.customer_id)
        .exclude(pk__in=linked_ids)
        .order_by("-placed_at")[:20]
    )
    choices = [(o.pk, f"{o.reference} · {date_format(o.placed_at, 'j M Y')}") for o in orders]
    return LinkOrdersForm(data, order_choices=choices)


@require_GET
@login_required
def ticket_view(request: HttpRequest, pk: int) -> HttpResponse:
    ticket = queries.ticket_for(request.user, pk)
    return render(request, "helpdesk/ticket.html", _ticket_context(request, ticket))


def _done(request: HttpRequest, ticket: Ticket, message: str, anchor: str = "") -> HttpResponse:
    """After a successful action: back to the ticket page (a full load, so header, history and SLA agree)."""
    messages.success(request, message)
    url = reverse("helpdesk:ticket", args=[ticket.pk])
    if is_htmx(request):
        response = HttpResponse(status=200)
        # A URL differing from the current one only by its #fragment would just scroll, not reload:
        # the query makes it a new page load that then scrolls to the new message.
        response["HX-Redirect"] = f"{url}?at={anchor}#{anchor}" if anchor else url
        return response
    return redirect(f"{url}#{anchor}" if anchor else url)


def _invalid(request: HttpRequest, ticket: Ticket, partial: str, **forms: Any) -> HttpResponse:
    """422: the form's card again (htmx) or the whole page (no JS), with the messages next to the fields."""
    ctx = _ticket_context(request, ticket, **forms)
    return render(request, partial if is_htmx(request) else "helpdesk/ticket.html", ctx, status=422)


@require_POST
@login_required
def reply_view(request: HttpRequest, pk: int) -> HttpResponse:
    ticket = queries.ticket_for(request.user, pk, write=True)
    form = ReplyForm(request.POST)
    if form.is_valid():
        try:
            message = services.reply_send(
                ticket=ticket,
                body_text=_lf(form.cleaned_data["body"]),
                by=request.user,
                status=form.cleaned_data["status"],
            )
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            # Say what really happened: with the worker the email is only queued when this page answers.
            message.refresh_from_db(fields=["delivery", "delivery_error"])
            outbox = settings.EMAIL_BACKEND == "pelatis.channels.outbox.OutboxBackend"
            sent = {
                Message.Delivery.NONE: _("Reply recorded."),
                Message.Delivery.SENT: _("Reply put in the outbox — no mail server configured.")
                if outbox
                else _("Reply sent by email."),
                Message.Delivery.FAILED: _("Reply saved, but the email was not sent yet: %(error)s")
                % {"error": message.delivery_error},
            }.get(message.delivery, _("Reply saved and queued: it goes out by email in a moment."))
            return _done(request, ticket, sent, anchor=f"m{message.pk}")
    return _invalid(request, ticket, "helpdesk/_composer.html", reply_form=form, tab="reply")


@require_POST
@login_required
def note_view(request: HttpRequest, pk: int) -> HttpResponse:
    ticket = queries.ticket_for(request.user, pk, write=True)
    form = NoteForm(request.POST)
    if form.is_valid():
        try:
            note = services.note_add(ticket=ticket, body_text=_lf(form.cleaned_data["body"]), by=request.user)
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            return _done(request, ticket, _("Note added."), anchor=f"m{note.pk}")
    return _invalid(request, ticket, "helpdesk/_composer.html", note_form=form, tab="note")


@require_POST
@login_required
def status_view(request: HttpRequest, pk: int) -> HttpResponse:
    ticket = queries.ticket_for(request.user, pk, write=True)
    form = StatusForm(request.POST)
    if form.is_valid():
        try:
            services.ticket_set_status(ticket=ticket, status=form.cleaned_data["status"], by=request.user)
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            return _done(request, ticket, _("Status changed."))
    return _invalid(request, ticket, "helpdesk/_properties.html", status_form=form)


@require_POST
@login_required
def priority_view(request: HttpRequest, pk: int) -> HttpResponse:
    ticket = queries.ticket_for(request.user, pk, write=True)
    form = PriorityForm(request.POST)
    if form.is_valid():
        try:
            services.ticket_set_priority(
                ticket=ticket, priority=form.cleaned_data["priority"], by=request.user
            )
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            return _done(request, ticket, _("Priority changed."))
    return _invalid(request, ticket, "helpdesk/_properties.html", priority_form=form)


@require_POST
@login_required
def orders_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Link some of the customer's orders to the ticket."""
    ticket = queries.ticket_for(request.user, pk, write=True)
    form = _orders_form(ticket, request.POST)
    if form.is_valid():
        try:
            services.ticket_link_orders(ticket=ticket, order_ids=form.cleaned_data["orders"], by=request.user)
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            n = len(form.cleaned_data["orders"])
            return _done(
                request, ticket, ngettext("%(n)d order linked.", "%(n)d orders linked.", n) % {"n": n}
            )
    return _invalid(request, ticket, "helpdesk/_properties.html", orders_form=form)


@require_POST
@login_required
def split_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Move one of the customer's messages into a new ticket of its own; the new ticket opens."""
    ticket = queries.ticket_for(request.user, pk, write=True)
    form = SplitForm(request.POST)
    message = None
    if form.is_valid():
        message = Message.objects.filter(pk=form.cleaned_data["message"], ticket=ticket).first()
    if message is None:
        messages.error(request, _("That message is not on this ticket."))
        return _done_error(request, ticket)
    try:
        new = services.message_split(message=message, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return _done_error(request, ticket)
    return _done(
        request,
        new,
        _("The message now has its own ticket #%(new)s (split from #%(old)s).")
        % {"new": new.pk, "old": ticket.pk},
    )


def _done_error(request: HttpRequest, ticket: Ticket) -> HttpResponse:
    """Back to the ticket page, where the error message shows at the top."""
    url = reverse("helpdesk:ticket", args=[ticket.pk])
    if is_htmx(request):
        response = HttpResponse(status=200)
        response["HX-Redirect"] = url
        return response
    return redirect(url)


@require_POST
@login_required
def assign_view(request: HttpRequest, pk: int) -> HttpResponse:
    ticket = queries.ticket_for(request.user, pk, write=True)
    form = AssignForm(request.POST)
    if form.is_valid():
        team = form.cleaned_data["team"]
        try:
            services.ticket_assign(
                ticket=ticket,
                agent=form.cleaned_data["assignee"],
                team_id=team.pk if team is not None else None,
                by=request.user,
            )
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            return _done(request, ticket, _("Assignment saved."))
    return _invalid(request, ticket, "helpdesk/_properties.html", assign_form=form)


@require_POST
@login_required
def stage_view(request: HttpRequest, pk: int) -> HttpResponse:
    ticket = queries.ticket_for(request.user, pk, write=True)
    form = _stage_form(ticket, request.POST) or StageForm(request.POST)
    if form.is_valid():
        try:
            services.ticket_set_stage(
                ticket=ticket,
                stage=form.cleaned_data["stage"],
                note=form.cleaned_data["note"],
                by=request.user,
            )
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            return _done(request, ticket, _("Complaint stage updated."))
    return _invalid(request, ticket, "helpdesk/_stages.html", stage_form=form)


@require_http_methods(["GET", "POST"])
@login_required
def merge_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Merge this ticket into another (``into``): a confirmation page first, then the merge.

    Tickets of different customers need the explicit confirmation box ticked; without it the merge is
    refused with the service's message next to the box.
    """
    ticket = queries.ticket_for(request.user, pk, write=True)
    form = MergeForm(request.POST if request.method == "POST" else (request.GET or None))
    target = None
    if form.is_bound and form.is_valid():
        target = Ticket.objects.select_related("customer").filter(pk=form.cleaned_data["into"]).first()
        if target is None:
            form.add_error("into", _("There is no ticket #%(id)s.") % {"id": form.cleaned_data["into"]})
        elif target.pk == ticket.pk:
            form.add_error("into", _("A ticket cannot be merged into itself."))
        elif target.merged_into_id:
            form.add_error(
                "into",
                _("Ticket #%(id)s was itself merged into #%(into)s.")
                % {"id": target.pk, "into": target.merged_into_id},
            )
    if form.is_bound and not form.errors and target is not None and request.method == "POST":
        survivor = queries.ticket_for(request.user, target.pk, write=True)
        try:
            services.ticket_merge(
                survivor=survivor,
                merged=ticket,
                by=request.user,
                confirm_other_customer=form.cleaned_data["confirm_other_customer"],
            )
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            return _done(request, survivor, _("Ticket #%(id)s was merged into this one.") % {"id": ticket.pk})
    status = 422 if form.errors else 200
    other_customer = target is not None and target.customer_id != ticket.customer_id
    return render(
        request,
        "helpdesk/merge_confirm.html",
        {
            "t": ticket,
            "form": form,
            "target": None if form.errors.get("into") else target,
            "other_customer": other_customer,
            "other_customer_message": services.merge_customers_differ_message(survivor=target, merged=ticket)
            if other_customer and target is not None
            else "",
        },
        status=status,
    )


# ---------------------------------------------------------------- composer helpers (htmx)


def tone_hints(text: str, ticket: Ticket) -> list[HintView]:
    """Tone hints for a reply to this ticket's customer (formal or not), ready for the template."""
    return hint_views(text, formal=ticket.customer.formal)


@require_POST
@login_required
def tone_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The live tone check of the reply box: the hints partial."""
    ticket = queries.ticket_for(request.user, pk, write=True)
    text = _lf(request.POST.get("body", ""))
    return render(
        request,
        "helpdesk/_tone_hints.html",
        {"hints": tone_hints(text, ticket), "checked": bool(text.strip())},
    )


@require_POST
@login_required
def canned_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Insert a canned reply, rendered for this ticket, into the reply box (after what is already typed)."""
    ticket = queries.ticket_for(request.user, pk, write=True)
    body = _lf(request.POST.get("body", ""))
    reply = CannedReply.objects.filter(pk=int_or_none(request.POST.get("canned")), active=True).first()
    if reply is not None:
        text = replies.canned_render(reply=reply, ticket=ticket, agent=request.user)
        body = f"{body.rstrip()}\n\n{text}" if body.strip() else text
    return render(
        request,
        "helpdesk/_reply_editor.html",
        {
            "t": ticket,
            "body": body,
            "canned": _canned_choices(ticket),
            "reply_form": ReplyForm(),
            "hints": tone_hints(body, ticket),
            "checked": bool(body.strip()),
            "focus": True,
        },
    )


# ---------------------------------------------------------------- attachments


@require_GET
@login_required
def attachment_view(request: HttpRequest, pk: int) -> FileResponse:
    """Download an attachment of a ticket the user may see; never shown inline."""
    att = Attachment.objects.select_related("message").filter(pk=pk).first()
    if att is None:
        raise Http404
    queries.ticket_for(request.user, att.message.ticket_id)
    if att.rejected or not att.file:
        raise Http404
    response = FileResponse(
        att.file.open("rb"),
        as_attachment=True,
        filename=att.filename,
        content_type=att.content_type or "application/octet-stream",
    )
    # Whatever the sender claimed the file is, it must not run as a page of ours.
    response["Content-Security-Policy"] = "sandbox"
    response["X-Content-Type-Options"] = "nosniff"
    return response


# ---------------------------------------------------------------- my profile


@require_http_methods(["GET", "POST"])
@login_required
@permission_required("helpdesk.view_ticket", raise_exception=True)
def profile_view(request: HttpRequest) -> HttpResponse:
    """The agent's own name, job title and signature: what replies are signed with."""
    profile = AgentProfile.objects.filter(user=request.user).first() or AgentProfile(user=request.user)
    initial = {"first_name": request.user.first_name, "last_name": request.user.last_name}  # type: ignore[union-attr]
    form = AgentProfileForm(
        request.POST if request.method == "POST" else None, instance=profile, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        try:
            replies.agent_profile_save(
                user=request.user,
                first_name=form.cleaned_data["first_name"],
                last_name=form.cleaned_data["last_name"],
                title=form.cleaned_data["title"],
                signature=form.cleaned_data["signature"],
            )
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("Your profile is saved. Replies are signed as shown."))
            return redirect("helpdesk:profile")
    signature = replies.signature_of(request.user)
    return render(
        request,
        "helpdesk/profile.html",
        {"form": form, "signature": signature},
        status=422 if form.errors else 200,
    )
