"""Reads of consent: whether a customer's current consent allows a purpose on a channel (one customer,
or set-based as a filter), the current state of every pair, and the paged history. A restriction of
processing (GDPR art. 18) overrides consent for marketing, surveys and profiling."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db.models import BooleanField, Exists, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.db.models.lookups import Exact
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import DEFAULTS, ConsentChannel, ConsentRecord, ProcessingRestriction, Purpose

# What a restriction of processing stops, whatever the consent says; service messages still go.
RESTRICTED_PURPOSES: frozenset[str] = frozenset({Purpose.MARKETING, Purpose.SURVEYS, Purpose.PROFILING})


def pair_check(purpose: str, channel: str) -> None:
    """A ValidationError naming the field when the purpose or the channel is not one we know."""
    errors: dict[str, list[str]] = {}
    if purpose not in Purpose.values:
        errors["purpose"] = [
            _("Unknown purpose “%(value)s”; one of: %(choices)s.")
            % {"value": purpose, "choices": ", ".join(Purpose.values)}
        ]
    if channel not in ConsentChannel.values:
        errors["channel"] = [
            _("Unknown channel “%(value)s”; one of: %(choices)s.")
            % {"value": channel, "choices": ", ".join(ConsentChannel.values)}
        ]
    if errors:
        raise ValidationError(errors)


def latest_records(purpose: str, channel: str, customer: OuterRef) -> QuerySet[ConsentRecord]:
    """The records of ``customer`` (an outer reference) for one pair, newest first (the index's order)."""
    return ConsentRecord.objects.filter(customer_id=customer, purpose=purpose, channel=channel).order_by(
        "-recorded_at", "-id"
    )


def restrictions_active(customer: OuterRef | int) -> QuerySet[ProcessingRestriction]:
    """The restrictions in force now for ``customer`` (an id, or an outer reference for a subquery)."""
    now = timezone.now()
    return ProcessingRestriction.objects.filter(
        Q(until__isnull=True) | Q(until__gt=now), customer_id=customer, lifted_at__isnull=True, since__lte=now
    )


def is_restricted(customer_id: int) -> bool:
    """Whether the customer's processing is restricted now (no marketing, surveys or profiling)."""
    return restrictions_active(customer_id).exists()


def consent_allows(customer_id: int, purpose: str, channel: str) -> bool:
    """Whether the customer's current consent allows ``purpose`` on ``channel`` (the default without a record),
    and, for marketing, surveys and profiling, their processing is not restricted."""
    pair_check(purpose, channel)
    if purpose in RESTRICTED_PURPOSES and is_restricted(customer_id):
        return False
    granted = (
        ConsentRecord.objects.filter(customer_id=customer_id, purpose=purpose, channel=channel)
        .order_by("-recorded_at", "-id")
        .values_list("granted", flat=True)
        .first()
    )
    return DEFAULTS[purpose] if granted is None else bool(granted)


def consent_q(purpose: str, channel: str, *, prefix: str = "") -> Q:
    """A filter keeping the customers whose current consent allows ``purpose`` on ``channel``: on Customer,
    or with ``prefix`` ("customer__") on a model with a customer foreign key. One correlated subquery of
    the latest record (served by the ``privacy_consent_latest`` index), the default where there is none; for
    marketing, surveys and profiling also NOT EXISTS a restriction in force."""
    pair_check(purpose, channel)
    outer = OuterRef(prefix.removesuffix("__") if prefix else "pk")
    latest = Subquery(latest_records(purpose, channel, outer).values("granted")[:1])
    current = Coalesce(latest, Value(DEFAULTS[purpose]), output_field=BooleanField())
    allowed = Q(Exact(current, True))
    if purpose in RESTRICTED_PURPOSES:
        allowed &= Q(~Exists(restrictions_active(outer)))
    return allowed


@dataclass(frozen=True)
class ConsentState:
    """One purpose × channel of a customer: what holds now and the record it comes from (None: the default)."""

    purpose: str
    channel: str
    granted: bool
    record: ConsentRecord | None

    @property
    def purpose_label(self) -> str:
        return str(Purpose(self.purpose).label)

    @property
    def channel_label(self) -> str:
        return str(ConsentChannel(self.channel).label)


def consent_current(customer_id: int) -> list[ConsentState]:
    """The current state of every purpose × channel (in the choices' order), in one query."""
    newest = ConsentRecord.objects.filter(
        customer_id=customer_id, purpose=OuterRef("purpose"), channel=OuterRef("channel")
    ).order_by("-recorded_at", "-id")
    records = {
        (r.purpose, r.channel): r
        for r in ConsentRecord.objects.filter(
            customer_id=customer_id, pk=Subquery(newest.values("pk")[:1])
        ).select_related("recorded_by")
    }
    states = []
    for purpose in Purpose.values:
        for channel in ConsentChannel.values:
            record = records.get((purpose, channel))
            granted = DEFAULTS[purpose] if record is None else record.granted
            states.append(ConsentState(purpose, channel, granted, record))
    return states


def consent_history(
    customer_id: int, *, limit: int = 20, offset: int = 0
) -> tuple[list[ConsentRecord], bool]:
    """A page of the customer's records, newest first, and whether more follow."""
    rows = list(
        ConsentRecord.objects.filter(customer_id=customer_id)
        .select_related("recorded_by")
        .order_by("-recorded_at", "-id")[offset : offset + limit + 1]
    )
    return rows[:limit], len(rows) > limit
