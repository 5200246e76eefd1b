"""Outbound email: agent replies and acknowledgements, threaded so the customer's
mail client keeps one conversation and their answer finds its ticket again."""

from __future__ import annotations

import logging
from email.utils import make_msgid

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import formats, timezone, translation

from pelatis.customers.models import ContactPoint
from pelatis.helpdesk.models import Message, Ticket
from pelatis.lang.address import salutation

from .parse import ticket_token

log = logging.getLogger(__name__)
SUPPORTED = {"el", "en"}


def _language(ticket: Ticket) -> str:
    code = (ticket.customer.language or ticket.language or settings.LANGUAGE_CODE)[:2]
    return code if code in SUPPORTED else "en"


def _recipient(ticket: Ticket) -> str:
    last_in = ticket.messages.filter(direction=Message.Direction.INBOUND).exclude(from_email="").order_by("-created_at").first()
    if last_in is not None:
        return last_in.from_email
    point = ContactPoint.objects.filter(customer=ticket.customer, kind="email").order_by("-is_primary", "id").first()
    return point.value if point else ""


def _thread_headers(ticket: Ticket) -> dict[str, str]:
    ids = list(ticket.messages.exclude(message_id__isnull=True).exclude(message_id="")
               .order_by("created_at", "id").values_list("message_id", "direction"))
    if not ids:
        return {}
    last_in = [mid for mid, direction in ids if direction == Message.Direction.INBOUND]
    return {"In-Reply-To": (last_in or [ids[-1][0]])[-1], "References": " ".join(mid for mid, _d in ids[-20:])}


def _domain() -> str:
    return settings.DEFAULT_FROM_EMAIL.rsplit("@", 1)[-1].strip("> ") or "pelatis.local"


def _send(ticket: Ticket, *, subject: str, template: str, context: dict[str, object], message_id: str) -> None:
    customer = ticket.customer
    language = _language(ticket)
    with translation.override(language):
        ctx = {
            "ticket": ticket, "token": ticket_token(ticket.pk),
            "greeting": salutation(language=language, formal=customer.formal, title=customer.title,
                                   first_name=customer.first_name, last_name=customer.last_name),
            **context,
        }
        base = template if "/" in template else f"channels/email/{template}"
        text = render_to_string(f"{base}.txt", ctx)
        html = render_to_string(f"{base}.html", ctx)
    email = EmailMultiAlternatives(subject=f"{subject} {ticket_token(ticket.pk)}", body=text,
                                   from_email=settings.DEFAULT_FROM_EMAIL, to=[_recipient(ticket)],
                                   headers={"Message-ID": message_id, "Auto-Submitted": context.get("auto", "no"),
                                            **_thread_headers(ticket)})
    email.attach_alternative(html, "text/html")
    email.send()


def ticket_email_send(ticket: Ticket, *, subject: str, template: str, context: dict[str, object]) -> str:
    """Send an email about a ticket (threaded, in the customer's language); returns its Message-ID.

    Other apps (feedback surveys) use this; ``template`` names channels/email/<template>.txt/.html
    or another app's templates with a path prefix.
    """
    mid = make_msgid(domain=_domain())
    _send(ticket, subject=subject, template=template, context=context, message_id=mid)
    return mid


def reply_email_send(message_id: int) -> None:
    """Send a queued agent reply once: a second call (a retry) finds it sent and does nothing."""
    with transaction.atomic():
        message = (Message.objects.select_for_update(of=("self",)).select_related("ticket__customer", "author")
                   .filter(pk=message_id, delivery=Message.Delivery.QUEUED).first())
        if message is None:
            return
        ticket = message.ticket
        mid = message.message_id or make_msgid(domain=_domain())
        Message.objects.filter(pk=message.pk).update(message_id=mid)
        subject = ticket.subject if ticket.subject.lower().startswith(("re:", "απ:")) else f"Re: {ticket.subject}"
        try:
            # The agent's text is the whole letter (greeting and signature come
            # from the canned reply or the agent), so nothing is added around it.
            _send(ticket, subject=subject, template="reply", message_id=mid, context={"body": message.body_text})
        except OSError as exc:  # SMTP down or refused: kept as failed, retried by the worker
            log.warning("reply %s not sent: %s", message.pk, exc.__class__.__name__)
            Message.objects.filter(pk=message.pk).update(delivery=Message.Delivery.FAILED, delivery_error=str(exc)[:300])
            return
        Message.objects.filter(pk=message.pk).update(delivery=Message.Delivery.SENT, sent_at=timezone.now())


def acknowledgement_queue(*, ticket_id: int) -> None:
    """After the new ticket commits, tell the customer we have it and when to expect an answer."""
    from .tasks import acknowledgement_send_task

    transaction.on_commit(lambda: acknowledgement_send_task.enqueue(ticket_id=ticket_id))


def acknowledgement_send(ticket_id: int) -> None:
    """The automatic acknowledgement, once per ticket."""
    with transaction.atomic():
        ticket = Ticket.objects.select_for_update().select_related("customer").filter(
            pk=ticket_id, acknowledged_at__isnull=True).first()
        if ticket is None or not _recipient(ticket):
            return
        due = ticket.first_response_due
        language = _language(ticket)
        with translation.override(language):
            when = ""
            if due is not None:
                local = timezone.localtime(due, timezone=_zone(ticket.customer.time_zone))
                when = f"{formats.date_format(local, 'l j E')} {formats.time_format(local, 'H:i')}"
            subject = translation.gettext("We received your message")
        mid = make_msgid(domain=_domain())
        try:
            _send(ticket, subject=subject, template="acknowledgement", message_id=mid,
                  context={"when": when, "auto": "auto-replied"})
        except OSError as exc:
            log.warning("acknowledgement for ticket %s not sent: %s", ticket.pk, exc.__class__.__name__)
            return
        Message.objects.create(ticket=ticket, direction=Message.Direction.OUTBOUND, subject=subject, message_id=mid,
                               body_text=f"[auto] {subject} {when}".strip(), is_auto=True,
                               delivery=Message.Delivery.SENT, sent_at=timezone.now())
        Ticket.objects.filter(pk=ticket.pk).update(acknowledged_at=timezone.now())


def follow_up_send(ticket_id: int) -> None:
    """After resolution, ask once whether the answer solved it, in the customer's language."""
    with transaction.atomic():
        ticket = Ticket.objects.select_for_update().select_related("customer").filter(
            pk=ticket_id, status=Ticket.Status.RESOLVED, follow_up_sent_at__isnull=True).first()
        if ticket is None or not _recipient(ticket):
            return
        with translation.override(_language(ticket)):
            subject = translation.gettext("Did this solve it?")
        mid = make_msgid(domain=_domain())
        try:
            _send(ticket, subject=subject, template="follow_up", message_id=mid, context={"auto": "auto-generated"})
        except OSError as exc:
            log.warning("follow-up for ticket %s not sent: %s", ticket.pk, exc.__class__.__name__)
            return
        Message.objects.create(ticket=ticket, direction=Message.Direction.OUTBOUND, subject=subject, message_id=mid,
                               body_text=f"[auto] {subject}", is_auto=True, delivery=Message.Delivery.SENT,
                               sent_at=timezone.now())
        Ticket.objects.filter(pk=ticket.pk).update(follow_up_sent_at=timezone.now())


def _zone(name: str):  # type: ignore[no-untyped-def]
    import zoneinfo

    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo(settings.TIME_ZONE)
