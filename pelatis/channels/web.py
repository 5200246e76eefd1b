"""The public side of the help desk: the support form and the signed per-ticket portal.

Nobody logs in. The form is open to anyone, behind CSRF, a honeypot field and
a per-client rate limit. Everything else needs a signed link that names one
ticket and its customer, valid for 90 days from when it was made.

Anyone can type any address into the form, so there are two kinds of link:

* the **visitor link** the form leads to shows back only what was typed on
  the web (never a staff reply, the customer's profile or other tickets),
  and takes further messages only while the request is unverified;
* the **mailbox link** goes only by email to the address. Opening it asks
  the reader to confirm the request (a POST, so mail filters that fetch
  links confirm nothing); from then on it shows the whole conversation.

Internal notes and the customer's profile are never shown on either.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from pelatis.core.badlinks import signed_link_open
from pelatis.core.hooks import contributions
from pelatis.core.ratelimit import client_key, over_limit
from pelatis.customers.models import ContactPoint
from pelatis.helpdesk.models import Message, Ticket
from pelatis.helpdesk.services.requester import ticket_requester_email

from .customers import customer_zone
from .forms import HONEYPOT, ReplyForm, SupportForm
from .portal import PortalLinkError, portal_link, portal_open
from .portal import portal_url as portal_url  # pages and tests outside channels ask web for it
from .support import support_reply_receive, support_request_confirm, support_request_open

# Posts (new requests and portal replies together) per client and window;
# settings.PELATIS_SUPPORT_RATE_LIMIT / _WINDOW (seconds) override them.
RATE_LIMIT = 5
RATE_WINDOW = 10 * 60
# Service error keys that are named differently on the form.
FORM_FIELD_OF_ERROR = {
    "first_name": "name",
    "last_name": "name",
    "emails": "email",
    "phones": "phone",
    "body": "message",
}


# ---------------------------------------------------------------- rate limit


def _rate_limited(request: HttpRequest) -> bool:
    """Count this post against its client; True when the client is over the limit for the window."""
    return over_limit(
        f"support:{client_key(request)}",
        limit=getattr(settings, "PELATIS_SUPPORT_RATE_LIMIT", RATE_LIMIT),
        window=getattr(settings, "PELATIS_SUPPORT_RATE_WINDOW", RATE_WINDOW),
    )


def _too_many() -> str:
    minutes = max(1, getattr(settings, "PELATIS_SUPPORT_RATE_WINDOW", RATE_WINDOW) // 60)
    return translation.ngettext(
        "We received several messages from your connection in a short time. Please try again in %(n)d minute.",
        "We received several messages from your connection in a short time. Please try again in %(n)d minutes.",
        minutes,
    ) % {"n": minutes}


# ---------------------------------------------------------------- views


def _page_language() -> str:
    code = translation.get_language() or settings.LANGUAGE_CODE
    return code if code in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


def _form_page(
    request: HttpRequest, form: SupportForm, *, status: int = 200, alert: str = ""
) -> HttpResponse:
    return render(request, "channels/public/form.html", {"form": form, "alert": alert}, status=status)


def _kept(request: HttpRequest, *names: str) -> dict[str, str]:
    """What was typed, to show again in a fresh (unvalidated) form."""
    return {n: request.POST.get(n, "") for n in names}


@never_cache
@require_http_methods(["GET", "POST"])
def support_form_view(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        return _form_page(request, SupportForm())
    if _rate_limited(request):
        form = SupportForm(initial=_kept(request, "name", "email", "phone", "type", "subject", "message"))
        response = _form_page(request, form, status=429, alert=_too_many())
        response["Retry-After"] = str(getattr(settings, "PELATIS_SUPPORT_RATE_WINDOW", RATE_WINDOW))
        return response
    if request.POST.get(HONEYPOT):
        return render(request, "channels/public/thanks.html")  # what a person would see; nothing is kept
    form = SupportForm(request.POST)
    if not form.is_valid():
        return _form_page(request, form, status=422)
    data = form.cleaned_data
    try:
        ticket = support_request_open(
            name=data["name"],
            email=data["email"],
            phone=data["phone"],
            subject=data["subject"],
            message=data["message"],
            type=data["type"],
            language=_page_language(),
            time_zone=data["time_zone"],
            consent_text=str(form.fields["consent"].label),
        )
    except ValidationError as exc:
        by_field = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
        for key, errors in by_field.items():
            field = FORM_FIELD_OF_ERROR.get(key, key)
            form.add_error(field if field in form.fields else None, errors)
        return _form_page(request, form, status=422)
    messages.success(
        request,
        _(
            "Thank you, we received your request. We sent a link to your email address: "
            "open it to confirm the request and follow our answers."
        ),
    )
    return redirect(portal_link(ticket))


@never_cache
@require_http_methods(["GET", "POST"])
def ticket_portal_view(request: HttpRequest, token: str) -> HttpResponse:
    opened = signed_link_open(
        request,
        lambda: portal_open(token),
        errors=(PortalLinkError,),
        invalid=lambda exc: _unlogged(
            render(
                request,
                "channels/public/link_invalid.html",
                {"expired": getattr(exc, "expired", False)},
                status=404,
            )
        ),
    )
    if isinstance(opened, HttpResponse):
        return opened
    access = opened
    ticket = access.ticket
    if settings.LANGUAGE_COOKIE_NAME not in request.COOKIES and ticket.language in dict(settings.LANGUAGES):
        # A link from an email opens in the language the customer wrote in, until they switch.
        translation.activate(ticket.language)
        request.LANGUAGE_CODE = ticket.language
    verified = ticket.requester_verified_at is not None
    if access.mailbox and not verified:
        return _confirm_page(request, ticket)
    # The visitor of the form writes on while the address is unproven; once it is proven the request is
    # followed from the link in our email, and the visitor's link only shows back what was typed.
    can_write = access.mailbox or not verified
    form = ReplyForm()
    status, alert = 200, ""
    if request.method == "POST":
        if not can_write:
            return redirect(request.path)
        if _rate_limited(request):
            form = ReplyForm(initial=_kept(request, "message"))
            status, alert = 429, _too_many()
        elif request.POST.get(HONEYPOT):
            return redirect(request.path)
        else:
            form = ReplyForm(request.POST)
            if form.is_valid():
                message = support_reply_receive(
                    ticket=ticket, message=form.cleaned_data["message"], language=_page_language()
                )
                messages.success(request, _("Thank you, your message was added to your request."))
                return redirect(f"{request.path}#m{message.pk}")
            status = 422
    context = _portal_context(ticket, form, alert, whole=access.mailbox, can_write=can_write)
    response = render(request, "channels/public/ticket.html", context, status=status)
    if status == 429:
        response["Retry-After"] = str(getattr(settings, "PELATIS_SUPPORT_RATE_WINDOW", RATE_WINDOW))
    return _unlogged(response) if status >= 400 else response


def _confirm_page(request: HttpRequest, ticket: Ticket) -> HttpResponse:
    """The mailbox link of an unproven request: a POST confirms it (a mail filter fetching the link does not)."""
    if request.method == "POST" and request.POST.get("confirm") == "yes":
        support_request_confirm(ticket=ticket)
        messages.success(request, _("Thank you, your request is confirmed. You can follow it here."))
        return redirect(request.path)
    first = (
        ticket.messages.filter(direction=Message.Direction.INBOUND, via="web")
        .order_by("created_at", "id")
        .values_list("visible_text", flat=True)
        .first()
    ) or ""
    return render(request, "channels/public/confirm.html", {"ticket": ticket, "text": first})


def _unlogged(response: HttpResponse) -> HttpResponse:
    # Django logs every 4xx with its path, and this path is a working key to
    # a customer's conversation: keep it out of the logs.
    response._has_been_logged = True  # type: ignore[attr-defined]  # the private flag log_response checks
    return response


# ---------------------------------------------------------------- what the portal shows


@dataclass(frozen=True)
class Entry:
    """One message of the conversation as the customer sees it."""

    id: int
    kind: str  # "in" (the customer), "out" (us), "ack" (the automatic acknowledgement)
    text: str
    at: dt.datetime
    by: str


def _when(value: dt.datetime, zone: zoneinfo.ZoneInfo) -> str:
    """'Τρίτη 5 Μαΐου, 13:00' in the active language, in the customer's clock."""
    return formats.date_format(timezone.localtime(value, timezone=zone), "l j E, H:i")


def _masked(email: str) -> str:
    """g.papadopoulos@example.gr → g•••@example.gr: enough to recognise, not to harvest."""
    local, at, domain = email.partition("@")
    return f"{local[:1]}•••@{domain}" if at and local else ""


def _status(ticket: Ticket) -> tuple[str, str]:
    """The ticket's status in a customer's words, and the badge colour."""
    if ticket.status == Ticket.Status.NEW:
        return _("Received"), "blue"
    if ticket.status == Ticket.Status.OPEN:
        return _("We are working on it"), "blue"
    if ticket.status == Ticket.Status.PENDING:
        return _("Waiting for your reply"), "amber"
    if ticket.status == Ticket.Status.ON_HOLD:
        return _("Waiting for a third party"), "amber"
    if ticket.status == Ticket.Status.RESOLVED:
        return _("Resolved"), "green"
    return _("Closed"), "grey"


def _expectation(ticket: Ticket, zone: zoneinfo.ZoneInfo) -> tuple[str, str]:
    """What happens next, in one sentence, and its tone (info, waiting, done)."""
    if not ticket.is_open:
        return _(
            "This request is resolved. If you still need help, write to us below and we will open it again."
        ), "done"
    if ticket.status == Ticket.Status.PENDING:
        return _("We answered and are waiting for your reply."), "waiting"
    if ticket.status == Ticket.Status.ON_HOLD:
        return _(
            "We are waiting for an answer from a third party and will write to you as soon as we have it."
        ), "waiting"
    due = ticket.next_response_due if ticket.first_responded_at else ticket.first_response_due
    if due is not None and ticket.awaiting_reply_since is not None:
        if ticket.first_responded_at:
            return _("We will answer your latest message by %(when)s at the latest.") % {
                "when": _when(due, zone)
            }, "info"
        return _("You will hear from us by %(when)s at the latest.") % {"when": _when(due, zone)}, "info"
    return _("We will answer you as soon as possible."), "info"


def _conversation(ticket: Ticket, *, whole: bool) -> list[Entry]:
    """The messages the page shows: all that passed between the customer and us (``whole``), or only what
    was typed on the web. Messages a merge brought from another customer's ticket are never shown."""
    team = _("Customer support")
    entries = []
    rows = (
        ticket.messages.filter(direction__in=[Message.Direction.INBOUND, Message.Direction.OUTBOUND])
        .exclude(Q(origin_ticket__isnull=False) & ~Q(origin_ticket__customer_id=ticket.customer_id))
        .select_related("author")
        .only(
            "id",
            "direction",
            "visible_text",
            "body_text",
            "is_auto",
            "created_at",
            "author",
            "author__first_name",
            "author__last_name",
        )
    )
    if not whole:
        rows = rows.filter(direction=Message.Direction.INBOUND, via="web")
    for m in rows:  # Message.Meta orders by created_at, id: oldest first, the newest last
        if m.direction == Message.Direction.INBOUND:
            entries.append(Entry(m.pk, "in", m.visible_text or m.body_text, m.created_at, _("You")))
        elif m.is_auto:
            entries.append(Entry(m.pk, "ack", "", m.created_at, team))
        else:
            name = m.author.get_full_name() if m.author is not None else ""
            entries.append(
                Entry(
                    m.pk,
                    "out",
                    m.visible_text or m.body_text,
                    m.created_at,
                    f"{name} · {team}" if name else team,
                )
            )
    return entries


def _portal_context(
    ticket: Ticket, form: ReplyForm, alert: str, *, whole: bool, can_write: bool
) -> dict[str, Any]:
    # The visitor's page knows nothing of the customer's profile: it keeps the business's clock.
    zone = customer_zone(ticket.customer.time_zone if whole else settings.TIME_ZONE)
    status_label, status_tone = _status(ticket)
    expectation, expectation_tone = _expectation(ticket, zone)
    email = ticket_requester_email(ticket)
    if not email and whole:
        email = (
            ContactPoint.objects.filter(customer=ticket.customer, kind="email")
            .values_list("value", flat=True)
            .first()
        ) or ""
    return {
        "ticket": ticket,
        "form": form,
        "alert": alert,
        "entries": _conversation(ticket, whole=whole),
        "zone": zone,
        "zone_name": "" if zone.key == settings.TIME_ZONE else zone.key,
        "status_label": status_label,
        "status_tone": status_tone,
        "expectation": expectation,
        "expectation_tone": expectation_tone,
        "email_masked": _masked(email),
        "opened": _when(ticket.created_at, zone),
        "whole": whole,
        "can_write": can_write,
        "verified": ticket.requester_verified_at is not None,
        "panels": [html for panel in contributions("PORTAL_PANELS") if (html := panel(ticket))]
        if whole
        else [],
    }
