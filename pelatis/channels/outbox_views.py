"""Staff pages of the outbox: the emails kept in the app (no mail server configured) and the ones still
waiting to go or that failed, each with its real state."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required, permission_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_GET

from pelatis.core.http import page_of
from pelatis.helpdesk.models import Message

from .models import OutboxMessage
from .outbox import mail_mode, outbox_render

PER_PAGE = 50
PENDING_SHOWN = 50
_STAFF = permission_required("helpdesk.view_message", raise_exception=True)


def _tickets_by_message_id(message_ids: list[str]) -> dict[str, Message]:
    """The ticket message each stored email belongs to (one query for the page)."""
    wanted = [m for m in message_ids if m]
    if not wanted:
        return {}
    return {
        m.message_id or "": m
        for m in Message.objects.filter(message_id__in=wanted).only(
            "pk", "ticket_id", "message_id", "delivery", "sent_at", "is_auto"
        )
    }


def _mode() -> dict[str, str]:
    return {"mode": mail_mode(), "smtp_host": f"{settings.EMAIL_HOST}:{settings.EMAIL_PORT}"}


@require_GET
@login_required
@_STAFF
def outbox_list_view(request: HttpRequest) -> HttpResponse:
    page, page_range = page_of(request, OutboxMessage.objects.defer("raw", "headers"), PER_PAGE)
    items = list(page.object_list)
    by_mid = _tickets_by_message_id([item.message_id for item in items])
    pending = (
        Message.objects.filter(
            direction=Message.Direction.OUTBOUND,
            delivery__in=[Message.Delivery.QUEUED, Message.Delivery.SENDING, Message.Delivery.FAILED],
        )
        .select_related("ticket")
        .order_by("-created_at", "-id")
    )
    return render(
        request,
        "channels/outbox/list.html",
        {
            "page": page,
            "page_range": page_range,
            "items": [(item, by_mid.get(item.message_id)) for item in items],
            "pending": list(pending[:PENDING_SHOWN]),
            "pending_count": pending.count(),
            **_mode(),
        },
    )


@require_GET
@login_required
@_STAFF
def outbox_message_view(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(OutboxMessage, pk=pk)
    return render(
        request,
        "channels/outbox/message.html",
        {
            "item": item,
            "email": outbox_render(item),
            "ticket_message": _tickets_by_message_id([item.message_id]).get(item.message_id),
            **_mode(),
        },
    )


# The email's own HTML, framed by its outbox page: mail clients need its inline style attributes, so
# this one response allows them, and nothing else: no script, no <style> of another origin, no fetch,
# no form; the frame is sandboxed and only our own pages may frame it.
_EMAIL_HTML_POLICY: dict[str, list[str]] = {
    "default-src": ["'none'"],
    "style-src": ["'unsafe-inline'"],
    "img-src": ["'self'", "data:"],
    "frame-ancestors": ["'self'"],
    "base-uri": ["'none'"],
    "form-action": ["'none'"],
    "sandbox": [""],
}


@require_GET
@login_required
@_STAFF
@xframe_options_sameorigin
def outbox_html_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The email's HTML part alone, for the sandboxed frame on its outbox page (404 when it has none)."""
    item = get_object_or_404(OutboxMessage, pk=pk)
    html = outbox_render(item).html
    if not html:
        raise Http404("This email has no HTML part.")
    response = HttpResponse(html, content_type="text/html; charset=utf-8")
    response["Referrer-Policy"] = "no-referrer"
    response["X-Robots-Tag"] = "noindex"
    # This response's whole policy, in place of the site's (django-csp's per-response setting, which its
    # @csp decorator sets; the decorator's typing takes views without URL arguments only).
    response._csp_config = _EMAIL_HTML_POLICY  # type: ignore[attr-defined]  # read by csp.middleware
    return response


@require_GET
@login_required
@_STAFF
def outbox_raw_view(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(OutboxMessage, pk=pk)
    response = HttpResponse(bytes(item.raw), content_type="message/rfc822")
    response["Content-Disposition"] = f'attachment; filename="outbox-{item.pk}.eml"'
    return response


@require_GET
@login_required
@_STAFF
def outbox_for_message_view(request: HttpRequest, message_pk: int) -> HttpResponse:
    """From a ticket's message to the email it became in the outbox (the latest copy, if sent again)."""
    message_id = Message.objects.filter(pk=message_pk).values_list("message_id", flat=True).first()
    item = OutboxMessage.objects.filter(message_id=message_id).only("pk").first() if message_id else None
    if item is None:
        raise Http404("This message is not in the outbox.")
    return redirect("outbox:message", pk=item.pk)
