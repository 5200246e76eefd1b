"""The reply box's helpers (htmx): the live tone check and inserting a canned reply."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_POST

from pelatis.core.http import int_or_none

from .. import queries
from ..forms import ReplyForm
from ..models import CannedReply, Ticket
from ..services import replies
from ..tonehints import HintView, hint_views
from .ticket_page import canned_choices, lf


def tone_hints(text: str, ticket: Ticket) -> list[HintView]:
    """Tone hints for a reply to this ticket's customer (formal or not), ready for the template."""
    return hint_views(text, formal=ticket.customer.formal)


@require_POST
@login_required
def tone_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The live tone check of the reply box: the hints partial."""
    ticket = queries.ticket_for(request.user, pk, write=True)
    text = lf(request.POST.get("body", ""))
    return render(
        request,
        "helpdesk/_tone_hints.html",
        {"hints": tone_hints(text, ticket), "checked": bool(text.strip())},
    )


@require_POST
@login_required
def canned_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Insert a canned reply, rendered for this ticket, into the reply box (after what is already typed)."""
    ticket, user = queries.ticket_to_change(request, pk)
    body = lf(request.POST.get("body", ""))
    canned_id = int_or_none(request.POST.get("canned"))
    reply = CannedReply.objects.filter(pk=canned_id, active=True).first() if canned_id is not None else None
    if reply is not None:
        text = replies.canned_render(reply=reply, ticket=ticket, agent=user)
        body = f"{body.rstrip()}\n\n{text}" if body.strip() else text
    return render(
        request,
        "helpdesk/_reply_editor.html",
        {
            "t": ticket,
            "body": body,
            "canned": canned_choices(ticket),
            "reply_form": ReplyForm(),
            "hints": tone_hints(body, ticket),
            "checked": bool(body.strip()),
            "focus": True,
        },
    )
