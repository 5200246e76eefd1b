"""Every write of the request log and of restrictions: file a request, extend its deadline, close it;
start and lift a restriction of processing. Each is one transaction and leaves an audit entry."""

from __future__ import annotations

import datetime as dt
from typing import Any

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from pelatis.core.audit import audit_record
from pelatis.customers.models import Customer, Interaction
from pelatis.customers.services import interaction_record, timeline_text

from ..models import (
    CLOSED_STATUSES,
    DataRequest,
    ProcessingRestriction,
    RequestChannel,
    RequestKind,
    RequestStatus,
)
from ..queries import restrictions_active

ANSWER_WITHIN = relativedelta(months=1)  # GDPR art. 12(3): without undue delay, at the latest a month
MAX_EXTENSION = relativedelta(months=2)  # "extended by two further months where necessary"
LONGEST = relativedelta(months=3)  # so at most three calendar months from receipt
DETAILS_MAX = 4000
CLOCK_SLACK = dt.timedelta(minutes=5)  # a staff member's clock a little ahead of the server's
TEXT_MAX = 4000


def due_after(received_at: dt.datetime) -> dt.datetime:
    """One calendar month after receipt (31 January → 28/29 February, as relativedelta counts months)."""
    return received_at + ANSWER_WITHIN


def latest_extension(received_at: dt.datetime) -> dt.datetime:
    """The furthest a deadline may be extended: three calendar months after receipt."""
    return received_at + LONGEST


_TIMELINE = gettext_noop("Data-subject request #%(number)s: %(kind)s")
_TIMELINE_CHANNEL = {
    RequestChannel.PORTAL: Interaction.Channel.WEB,
    RequestChannel.EMAIL: Interaction.Channel.EMAIL,
    RequestChannel.PHONE: Interaction.Channel.PHONE,
    RequestChannel.IN_PERSON: Interaction.Channel.IN_PERSON,
    RequestChannel.LETTER: Interaction.Channel.SYSTEM,
}


def _timeline(request: DataRequest, customer: Customer, actor: User | None) -> None:
    """The request on the customer's timeline, as something they did (no personal text in it)."""
    with translation.override(settings.LANGUAGE_CODE):
        kind = str(RequestKind(request.kind).label)
    interaction_record(
        customer=customer,
        channel=_TIMELINE_CHANNEL[RequestChannel(request.channel)],
        direction=Interaction.Direction.INBOUND,
        summary=timeline_text(_TIMELINE, number=request.pk, kind=kind),
        occurred_at=request.received_at,
        actor=actor,
        source_type="privacy.datarequest",
        source_id=str(request.pk),
    )


def _user(actor: Any) -> User | None:
    return actor if isinstance(actor, User) and actor.is_authenticated else None


def _too_long(errors: dict[str, list[str]], name: str, value: str, limit: int) -> None:
    if len(value) > limit:
        errors.setdefault(name, []).append(_("At most %(max)d characters.") % {"max": limit})


@transaction.atomic
def request_file(
    *,
    customer_id: int | None,
    kind: str,
    channel: str,
    details: str = "",
    actor: Any = None,
    requester_email: str = "",
    received_at: dt.datetime | None = None,
    portal_key: str | None = None,
    http_request: HttpRequest | None = None,
) -> DataRequest:
    """Record a data-subject request (status "received", answer due one calendar month after receipt).

    ``customer_id`` may be None until the requester is identified, but something must say whom to answer
    (the customer, an email or the details). A ``portal_key`` (from a signed portal link) files once: the
    same key again returns the request it filed. ``http_request`` (the staff page's or the portal's) gives
    the audit entry its IP address."""
    details, requester_email = (details or "").strip(), (requester_email or "").strip()
    errors: dict[str, list[str]] = {}
    if kind not in RequestKind.values:
        errors["kind"] = [
            _("Unknown request “%(value)s”; one of: %(choices)s.")
            % {"value": kind, "choices": ", ".join(RequestKind.values)}
        ]
    if channel not in RequestChannel.values:
        errors["channel"] = [
            _("Unknown channel “%(value)s”; one of: %(choices)s.")
            % {"value": channel, "choices": ", ".join(RequestChannel.values)}
        ]
    _too_long(errors, "details", details, DETAILS_MAX)
    if requester_email:
        try:
            validate_email(requester_email)
        except ValidationError:
            errors["requester_email"] = [_("Enter a valid email address.")]
    customer = None
    if customer_id is not None:
        customer = Customer.objects.filter(pk=customer_id).first()
        if customer is None:
            errors["customer_id"] = [_("No customer with id %(id)s.") % {"id": customer_id}]
        elif customer.merged_into_id is not None:
            errors["customer_id"] = [_("This customer was merged into another; file it for that one.")]
    if customer_id is None and not requester_email and not details:
        nobody = _(
            "Give the customer's number, the requester's email or what they asked (with where to answer): "
            "otherwise nobody can be answered."
        )
        for name in ("customer_id", "requester_email", "details"):
            errors.setdefault(name, []).append(nobody)
    if received_at is not None and received_at > timezone.now() + CLOCK_SLACK:
        errors["received_at"] = [_("The day it was received cannot be in the future.")]
    if errors:
        raise ValidationError(errors)
    if portal_key and (done := DataRequest.objects.filter(portal_key=portal_key).first()) is not None:
        return done
    received = received_at or timezone.now()
    try:
        with transaction.atomic():  # a savepoint: two clicks of one link race to the unique key
            request = DataRequest.objects.create(
                customer=customer,
                kind=kind,
                channel=channel,
                details=details,
                requester_email=requester_email,
                received_at=received,
                due_at=due_after(received),
                filed_by=_user(actor),
                portal_key=portal_key or None,
            )
    except IntegrityError:
        if portal_key:
            return DataRequest.objects.get(portal_key=portal_key)
        raise
    if customer is not None:
        _timeline(request, customer, _user(actor))
    audit_record(
        "request",
        request=http_request,
        actor=_user(actor),
        customer_id=customer.pk if customer else None,
        fields={"status": (None, request.status)},
        detail=f"request #{request.pk} filed: {kind} by {channel}",
    )
    return request


def _locked(request: DataRequest) -> DataRequest:
    return DataRequest.objects.select_for_update().get(pk=request.pk)


@transaction.atomic
def request_extend(
    *,
    request: DataRequest,
    until: dt.datetime,
    reason: str,
    actor: Any = None,
    http_request: HttpRequest | None = None,
) -> DataRequest:
    """Extend the deadline (GDPR art. 12(3)): at most two months beyond the first, with a reason the
    requester is told. An open request only."""
    locked = _locked(request)
    reason = (reason or "").strip()
    errors: dict[str, list[str]] = {}
    if locked.status in CLOSED_STATUSES:
        errors["status"] = [_("The request is closed; a closed request has no deadline to extend.")]
    if not reason:
        errors["extension_reason"] = [
            _("Say why the answer needs more time (the requester is told by email).")
        ]
    _too_long(errors, "extension_reason", reason, TEXT_MAX)
    if until <= locked.due_at:
        errors["extended_until"] = [_("The new deadline must be after the first one.")]
    elif until > latest_extension(locked.received_at):
        errors["extended_until"] = [
            _("At most two months beyond the first deadline, so by %(date)s.")
            % {
                "date": date_format(
                    timezone.localtime(latest_extension(locked.received_at)), "SHORT_DATE_FORMAT"
                )
            }
        ]
    if errors:
        raise ValidationError(errors)
    old = locked.extended_until
    locked.extended_until, locked.extension_reason = until, reason
    if locked.handled_by_id is None:
        locked.handled_by = _user(actor)
    locked.save(update_fields=["extended_until", "extension_reason", "handled_by"])
    audit_record(
        "request",
        request=http_request,
        actor=_user(actor),
        customer_id=locked.customer_id,
        fields={"extended_until": (old, until)},
        detail=f"request #{locked.pk} extended",
    )
    return locked


@transaction.atomic
def request_set_status(
    *, request: DataRequest, status: str, actor: Any = None, http_request: HttpRequest | None = None
) -> DataRequest:
    """Move an open request on (received → verifying → in progress); closing goes through request_close."""
    locked = _locked(request)
    if status not in (RequestStatus.RECEIVED, RequestStatus.VERIFYING, RequestStatus.IN_PROGRESS):
        raise ValidationError({"status": [_("Close the request with its outcome instead.")]})
    if locked.status in CLOSED_STATUSES:
        raise ValidationError({"status": [_("The request is closed.")]})
    old = locked.status
    locked.status = status
    locked.handled_by = locked.handled_by or _user(actor)
    locked.save(update_fields=["status", "handled_by"])
    audit_record(
        "request",
        request=http_request,
        actor=_user(actor),
        customer_id=locked.customer_id,
        fields={"status": (old, status)},
        detail=f"request #{locked.pk}",
    )
    return locked


@transaction.atomic
def request_identify(
    *, request: DataRequest, customer_id: int, actor: Any = None, http_request: HttpRequest | None = None
) -> DataRequest:
    """Link a request to the customer it is about, once the requester is identified."""
    locked = _locked(request)
    customer = Customer.objects.filter(pk=customer_id, merged_into__isnull=True).first()
    if customer is None:
        raise ValidationError({"customer_id": [_("No customer with id %(id)s.") % {"id": customer_id}]})
    if locked.customer_id == customer.pk:
        return locked
    locked.customer = customer
    locked.save(update_fields=["customer"])
    _timeline(locked, customer, _user(actor))
    audit_record(
        "request",
        request=http_request,
        actor=_user(actor),
        customer_id=customer.pk,
        fields=["customer"],
        detail=f"request #{locked.pk}",
    )
    return locked


@transaction.atomic
def request_close(
    *,
    request: DataRequest,
    status: str,
    outcome: str,
    evidence: str = "",
    actor: Any = None,
    http_request: HttpRequest | None = None,
) -> DataRequest:
    """Close a request as done or refused, saying what was decided (``outcome``, required) and what was
    sent (``evidence``: e.g. the export's file name and checksum, or the erasure's summary)."""
    locked = _locked(request)
    outcome, evidence = (outcome or "").strip(), (evidence or "").strip()
    errors: dict[str, list[str]] = {}
    if status not in CLOSED_STATUSES:
        errors["status"] = [_("A request closes as done or refused.")]
    if locked.status in CLOSED_STATUSES:
        errors["status"] = [_("The request is already closed.")]
    if not outcome:
        errors["outcome"] = [_("Say what was decided (a refusal also says why).")]
    _too_long(errors, "outcome", outcome, TEXT_MAX)
    _too_long(errors, "evidence", evidence, TEXT_MAX)
    if errors:
        raise ValidationError(errors)
    old = locked.status
    locked.status, locked.outcome = status, outcome
    if evidence:
        locked.evidence = "\n".join(filter(None, [locked.evidence, evidence]))
    locked.closed_at = timezone.now()
    locked.handled_by = _user(actor) or locked.handled_by
    locked.save(update_fields=["status", "outcome", "evidence", "closed_at", "handled_by"])
    audit_record(
        "request",
        request=http_request,
        actor=_user(actor),
        customer_id=locked.customer_id,
        fields={"status": (old, status)},
        detail=f"request #{locked.pk} closed",
    )
    return locked


@transaction.atomic
def request_add_evidence(*, request: DataRequest, evidence: str, actor: Any = None) -> DataRequest:
    """Add a line to what was sent (e.g. an export made from the request's page)."""
    locked = _locked(request)
    evidence = (evidence or "").strip()[:TEXT_MAX]
    if evidence:
        locked.evidence = "\n".join(filter(None, [locked.evidence, evidence]))
        if locked.status == RequestStatus.RECEIVED:
            locked.status = RequestStatus.IN_PROGRESS
        locked.handled_by = locked.handled_by or _user(actor)
        locked.save(update_fields=["evidence", "status", "handled_by"])
    return locked


# --- restriction of processing (GDPR art. 18) --------------------------------------------------------------


@transaction.atomic
def restriction_start(
    *,
    customer: Customer,
    reason: str,
    until: dt.datetime | None = None,
    request: DataRequest | None = None,
    actor: Any = None,
    http_request: HttpRequest | None = None,
) -> ProcessingRestriction:
    """Restrict the customer's processing from now: no marketing, surveys or profiling until lifted (or
    ``until``). A customer already restricted keeps the restriction in force (it is returned)."""
    reason = (reason or "").strip()
    errors: dict[str, list[str]] = {}
    if not reason:
        errors["reason"] = [_("Say why processing is restricted (e.g. the customer contests their data).")]
    _too_long(errors, "reason", reason, TEXT_MAX)
    now = timezone.now()
    if until is not None and until <= now:
        errors["until"] = [_("The end must be in the future.")]
    if customer.merged_into_id is not None:
        errors["customer"] = [_("This customer was merged into another.")]
    if errors:
        raise ValidationError(errors)
    Customer.objects.select_for_update().filter(pk=customer.pk).values_list("pk", flat=True).first()
    current = restrictions_active(customer.pk).first()
    if current is not None:
        return current
    restriction = ProcessingRestriction.objects.create(
        customer=customer, since=now, until=until, reason=reason, request=request, started_by=_user(actor)
    )
    audit_record(
        "restrict",
        request=http_request,
        actor=_user(actor),
        customer_id=customer.pk,
        fields=["restriction"],
        detail=f"restriction #{restriction.pk} started",
    )
    return restriction


@transaction.atomic
def restriction_lift(
    *, restriction: ProcessingRestriction, actor: Any = None, http_request: HttpRequest | None = None
) -> ProcessingRestriction:
    """Lift a restriction now (the customer is told before, as art. 18(3) asks); lifting twice does nothing."""
    now = timezone.now()
    lifted = ProcessingRestriction.objects.filter(pk=restriction.pk, lifted_at__isnull=True).update(
        lifted_at=now, lifted_by=_user(actor)
    )
    restriction.refresh_from_db()
    if lifted:
        audit_record(
            "restrict",
            request=http_request,
            actor=_user(actor),
            customer_id=restriction.customer_id,
            fields=["restriction"],
            detail=f"restriction #{restriction.pk} lifted",
        )
    return restriction
