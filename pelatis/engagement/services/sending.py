"""One message to one customer, sent once: claim, commit, check, render, send, record.

1. **Claim**: INSERT a Send row with the caller's idempotency key (unique). A second call with the key
   finds the row and sends nothing. A row still "claimed" after the sending lease (its sender died
   between claim and record) is taken over with a conditional UPDATE and tried again, under the same
   Message-ID, so receiving servers can recognise a repeat; after the configured number of tries it is
   given up as failed.
2. **Check at send time**, each a short read: consent for the template's purpose on the channel, an
   address (the primary email, or a mobile number), a version of the template, and the weekly frequency
   cap (PELATIS_ENGAGEMENT_MAX_PER_WEEK, counted over every campaign and journey from Send rows; service
   messages are neither capped nor counted). The cap is checked and the message counted in one short
   transaction holding the customer's row, so two messages at once never both pass a last free slot.
3. **Send** with no transaction open and a timeout: email through the configured mail backend (SMTP, or
   the in-app outbox when no server is set) with List-Unsubscribe headers, a preferences link, tracked
   links and an open pixel; SMS through :mod:`pelatis.channels.sms`.
4. **Record** sent, or failed (a recipient the server or gateway refuses counts as bounced).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import smtplib
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_noop

from pelatis.channels.customers import customer_zone
from pelatis.channels.mail import email_build
from pelatis.channels.outbound import max_attempts, sending_lease
from pelatis.channels.sms import SmsError, is_mobile, sms_send
from pelatis.customers.models import ContactPoint, Customer
from pelatis.customers.services import interaction_record, timeline_text
from pelatis.privacy.links import list_unsubscribe_headers, preferences_url
from pelatis.privacy.queries import RESTRICTED_PURPOSES, consent_allows, is_restricted

from ..models import Enrollment, JourneyStep, MessageTemplate, Send
from ..models.campaigns import Campaign
from ..models.content import Channel, Purpose
from ..rendering import NoVersion, Rendered, RenderError, html_from_text, render_for
from .tracking import click_url, open_url

log = logging.getLogger(__name__)
WEEK = dt.timedelta(days=7)
EMAIL_TEMPLATE = "engagement/email/message"


def max_per_week() -> int:
    """Marketing and survey messages a customer gets in 7 days at most (PELATIS_ENGAGEMENT_MAX_PER_WEEK)."""
    return int(getattr(settings, "PELATIS_ENGAGEMENT_MAX_PER_WEEK", 3))


# --- quiet hours ----------------------------------------------------------------------------------------


def quiet_hours() -> tuple[dt.time, dt.time] | None:
    """PELATIS_QUIET_HOURS ("21:00-09:00") as (start, end); None when empty or "off"."""
    raw = str(getattr(settings, "PELATIS_QUIET_HOURS", "21:00-09:00") or "").strip()
    if not raw or raw.lower() in ("off", "none", "0"):
        return None
    start, sep, end = raw.partition("-")
    if not sep:
        raise ValueError(f"PELATIS_QUIET_HOURS must look like 21:00-09:00, not {raw!r}")
    return dt.time.fromisoformat(start.strip()), dt.time.fromisoformat(end.strip())


def quiet_hours_end(customer: Customer, now: dt.datetime) -> dt.datetime | None:
    """When ``now`` falls in the customer's quiet hours (in their time zone), the moment they end (an
    aware datetime); None when a message may go now."""
    window = quiet_hours()
    if window is None:
        return None
    start, end = window
    zone = customer_zone(customer.time_zone)
    local = timezone.localtime(now, timezone=zone)
    clock = local.time().replace(tzinfo=None)
    if start == end:
        return None
    if start < end:  # e.g. 13:00-15:00, within one day
        inside = start <= clock < end
        end_day = local.date()
    else:  # e.g. 21:00-09:00, over midnight
        inside = clock >= start or clock < end
        end_day = local.date() + dt.timedelta(days=1) if clock >= start else local.date()
    if not inside:
        return None
    # Built as wall-clock time in the zone: on a DST change day the end is still 09:00 local.
    return dt.datetime.combine(end_day, end, tzinfo=zone)


# --- claim -------------------------------------------------------------------------------------------------


def _claim(
    *,
    key: str,
    customer: Customer,
    template: MessageTemplate | None,
    channel: str,
    campaign: Campaign | None,
    step: JourneyStep | None,
    enrollment: Enrollment | None,
    status: str = Send.Status.CLAIMED,
) -> tuple[Send, bool]:
    """The Send for ``key``, and True when this call holds its claim (a new row, or a stale one taken over)."""
    now = timezone.now()
    try:
        # durable: a claim must commit before anything is sent, so it may not run inside a caller's transaction.
        with transaction.atomic(durable=True):
            send = Send.objects.create(
                key=key,
                customer=customer,
                channel=channel,
                template=template,
                campaign=campaign,
                step=step,
                enrollment=enrollment,
                status=status,
                claimed_at=now,
                attempts=1 if status == Send.Status.CLAIMED else 0,
            )
        return send, True
    except IntegrityError:
        existing = Send.objects.get(key=key)
    stale = existing.status == Send.Status.CLAIMED and existing.claimed_at < now - sending_lease()
    if not stale:
        return existing, False
    if existing.attempts >= max_attempts():
        Send.objects.filter(pk=existing.pk, status=Send.Status.CLAIMED, attempts=existing.attempts).update(
            status=Send.Status.FAILED, error="interrupted too many times"
        )
        existing.refresh_from_db()
        return existing, False
    taken = Send.objects.filter(
        pk=existing.pk, status=Send.Status.CLAIMED, claimed_at=existing.claimed_at
    ).update(claimed_at=now, attempts=F("attempts") + 1)
    existing.refresh_from_db()
    return existing, bool(taken)


def message_hold_out(
    *,
    key: str,
    customer_id: int,
    campaign: Campaign | None = None,
    step: JourneyStep | None = None,
    enrollment: Enrollment | None = None,
) -> Send:
    """Record a hold-out member (status held_out, nothing sent); the key's existing row when there is one."""
    customer = Customer.objects.get(pk=customer_id)
    template = campaign.template if campaign is not None else step.template if step is not None else None
    channel = (
        campaign.channel if campaign is not None else step.channel if step is not None else Channel.EMAIL
    )
    send, _mine = _claim(
        key=key,
        customer=customer,
        template=template,
        channel=channel,
        campaign=campaign,
        step=step,
        enrollment=enrollment,
        status=Send.Status.HELD_OUT,
    )
    return send


# --- checks at send time ---------------------------------------------------------------------------------


def address_of(customer_id: int, channel: str) -> str:
    """Where a message on ``channel`` goes: the primary (else first) email, or the primary (else first)
    mobile number in E.164; "" when the customer has none."""
    kind = ContactPoint.Kind.EMAIL if channel == Channel.EMAIL else ContactPoint.Kind.PHONE
    values = ContactPoint.objects.filter(customer_id=customer_id, kind=kind).order_by("-is_primary", "id")
    for value in values.values_list("value", flat=True):
        if channel == Channel.EMAIL or is_mobile(value):
            return str(value)
    return ""


def counted_this_week(customer_id: int, *, now: dt.datetime, exclude_id: int | None = None) -> int:
    """Capped messages the customer got in the last 7 days, plus those being sent right now."""
    recent = Q(status=Send.Status.SENT, sent_at__gte=now - WEEK)
    in_flight = Q(status=Send.Status.CLAIMED, claimed_at__gte=now - sending_lease()) & ~Q(to_address="")
    rows = Send.objects.filter(recent | in_flight, customer_id=customer_id).exclude(
        template__purpose=Purpose.SERVICE
    )
    if exclude_id is not None:
        rows = rows.exclude(pk=exclude_id)
    return rows.count()


def _skip(send: Send, reason: str, error: str = "") -> Send:
    Send.objects.filter(pk=send.pk, status=Send.Status.CLAIMED).update(
        status=Send.Status.SKIPPED, skip_reason=reason, error=error[:300]
    )
    send.refresh_from_db()
    return send


def _fail(send: Send, error: str, *, bounced: bool = False) -> Send:
    now = timezone.now()
    Send.objects.filter(pk=send.pk, status=Send.Status.CLAIMED, attempts=send.attempts).update(
        status=Send.Status.FAILED, error=error[:300], bounced_at=now if bounced else None
    )
    send.refresh_from_db()
    return send


def _reserve(send: Send, *, customer_id: int, capped: bool, to: str, rendered: Rendered) -> bool:
    """Check the weekly cap and count this message in it, under the customer's row lock; False when full."""
    with transaction.atomic(durable=True):
        Customer.objects.select_for_update().filter(pk=customer_id).values_list("pk", flat=True).first()
        if (
            capped
            and counted_this_week(customer_id, now=timezone.now(), exclude_id=send.pk) >= max_per_week()
        ):
            return False
        Send.objects.filter(pk=send.pk).update(
            to_address=to[:254], language=rendered.language[:10], subject=rendered.subject[:200]
        )
    return True


@dataclass(frozen=True)
class Outgoing:
    to: str
    rendered: Rendered


def _checked(
    send: Send, customer: Customer, template: MessageTemplate, channel: str, extra: dict[str, Any] | None
) -> Outgoing | Send:
    """What to send, or the Send recorded as skipped (or failed, for a template that cannot render)."""
    if customer.merged_into_id is not None:
        return _skip(send, Send.Skip.NO_ADDRESS, "merged into another customer")
    if template.purpose in RESTRICTED_PURPOSES and is_restricted(customer.pk):
        return _skip(send, Send.Skip.RESTRICTED)
    if not consent_allows(customer.pk, template.purpose, channel):
        return _skip(send, Send.Skip.NO_CONSENT)
    to = address_of(customer.pk, channel)
    if not to:
        return _skip(send, Send.Skip.NO_ADDRESS)
    try:
        rendered = render_for(customer, template, extra=extra)
    except NoVersion:
        return _skip(send, Send.Skip.NO_TEMPLATE)
    except RenderError as exc:
        return _fail(send, f"template: {exc}")
    if not rendered.text.strip():
        return _fail(send, "template: the text is empty for this customer")
    if not _reserve(
        send, customer_id=customer.pk, capped=template.purpose != Purpose.SERVICE, to=to, rendered=rendered
    ):
        return _skip(send, Send.Skip.FREQUENCY_CAP)
    return Outgoing(to=to, rendered=rendered)


# --- send and record -------------------------------------------------------------------------------------


def message_id_of(send: Send) -> str:
    """The email's Message-ID, the same on every try of one Send (a repeat after a crash is recognisable)."""
    domain = settings.DEFAULT_FROM_EMAIL.rsplit("@", 1)[-1].strip("> ") or "pelatis.local"
    digest = hashlib.sha256(f"{settings.SECRET_KEY}:{send.key}".encode()).hexdigest()[:16]
    return f"<engagement.{send.pk}.{digest}@{domain}>"


def _email(send: Send, customer: Customer, template: MessageTemplate, outgoing: Outgoing) -> None:
    rendered = outgoing.rendered
    html = html_from_text(rendered.text, link=lambda url: click_url(send.pk, url))
    headers = {} if template.purpose == Purpose.SERVICE else list_unsubscribe_headers(customer)
    email_build(
        to=outgoing.to,
        subject=rendered.subject,
        template=EMAIL_TEMPLATE,
        context={
            "text": rendered.text,
            "body_html": mark_safe(html),  # noqa: S308 — built by html_from_text, every value escaped
            "preferences_url": preferences_url(customer),
            "pixel_url": open_url(send.pk),
        },
        language=rendered.language,
        message_id=message_id_of(send),
        auto="auto-generated",
        headers=headers,
    ).send()


def message_send(
    *,
    key: str,
    customer_id: int,
    template: MessageTemplate,
    channel: str,
    campaign: Campaign | None = None,
    step: JourneyStep | None = None,
    enrollment: Enrollment | None = None,
    extra: dict[str, Any] | None = None,
) -> Send:
    """Send ``template`` to the customer on ``channel`` once per ``key``; returns the Send as recorded.

    A second call with the key returns the existing row and sends nothing. Never call it inside a
    transaction: the claim commits first, the mail server or SMS gateway is talked to with none open.
    """
    if channel not in Channel.values:
        raise ValueError(f"unknown channel {channel!r}")
    customer = Customer.objects.get(pk=customer_id)
    send, mine = _claim(
        key=key,
        customer=customer,
        template=template,
        channel=channel,
        campaign=campaign,
        step=step,
        enrollment=enrollment,
    )
    if not mine:
        return send
    return _deliver(send, customer, template, channel, extra)


def message_retry(*, send_id: int, extra: dict[str, Any] | None = None) -> Send:
    """Try once more a message that failed for a passing reason (the server was down or slow), with
    the checks of a first try; one that was sent, bounced, skipped, is being sent or had all its tries
    is returned as it is. A concurrent second retry finds it claimed and does nothing."""
    taken = Send.objects.filter(
        pk=send_id,
        status=Send.Status.FAILED,
        bounced_at__isnull=True,
        template__isnull=False,
        attempts__lt=max_attempts(),
    ).update(status=Send.Status.CLAIMED, claimed_at=timezone.now(), attempts=F("attempts") + 1, to_address="")
    send = Send.objects.select_related("customer", "template").get(pk=send_id)
    if not taken or send.template is None:
        return send
    return _deliver(send, send.customer, send.template, send.channel, extra)


def _deliver(
    send: Send, customer: Customer, template: MessageTemplate, channel: str, extra: dict[str, Any] | None
) -> Send:
    """Check, render, send and record a Send this process holds the claim of."""
    outgoing = _checked(send, customer, template, channel, extra)
    if isinstance(outgoing, Send):
        return outgoing
    try:
        if channel == Channel.EMAIL:
            _email(send, customer, template, outgoing)
        else:
            sms_send(to=outgoing.to, text=outgoing.rendered.text)
    except smtplib.SMTPRecipientsRefused as exc:
        log.info("engagement message %s bounced: the mail server refused the recipient", send.pk)
        codes = ", ".join(f"{code}" for code, _msg in exc.recipients.values())
        return _fail(send, f"recipient refused ({codes})", bounced=True)
    except SmsError as exc:
        log.warning("engagement SMS %s not sent: %s", send.pk, exc)
        return _fail(send, str(exc), bounced=exc.refused)
    except Exception as exc:  # the server is down or slow, a backend is misconfigured: recorded, not raised
        log.warning("engagement message %s not sent: %s", send.pk, exc.__class__.__name__)
        return _fail(send, f"{exc.__class__.__name__}: {exc}")
    _record_sent(send, customer, template)
    send.refresh_from_db()
    return send


def _record_sent(send: Send, customer: Customer, template: MessageTemplate) -> None:
    """Sent, and on the customer's timeline (one transaction: both or neither)."""
    with transaction.atomic():
        recorded = Send.objects.filter(pk=send.pk, status=Send.Status.CLAIMED).update(
            status=Send.Status.SENT, sent_at=timezone.now(), error=""
        )
        if recorded:
            interaction_record(
                customer=customer,
                channel=send.channel,
                direction="out",
                summary=timeline_text(gettext_noop("Message sent: %(template)s"), template=template.name),
                source_type="engagement.send",
                source_id=str(send.pk),
            )
