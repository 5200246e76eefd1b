"""Consent to be asked for feedback: a signed one-click opt-out in every survey email, kept with its history."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from pelatis.customers.models import Customer
from pelatis.customers.services import interaction_record, timeline_text

from ..models import FeedbackOptOut

SALT = "pelatis.feedback.optout"
LINK_MAX_AGE = 60 * 60 * 24 * 400  # an old survey email's opt-out link still works for over a year


def optout_token(customer: Customer) -> str:
    """The signed token of a customer's "stop asking me for feedback" link."""
    return signing.dumps({"c": customer.pk}, salt=SALT)


def optout_from_token(token: str) -> Customer:
    """The customer a link stands for; raises signing.BadSignature (incl. expiry) or Customer.DoesNotExist."""
    data = signing.loads(token, salt=SALT, max_age=LINK_MAX_AGE)
    return Customer.objects.get(pk=int(data["c"]))


def opted_out_ids() -> QuerySet[FeedbackOptOut, int]:
    """Customer ids with an opt-out in force, as a subquery for survey selection."""
    return FeedbackOptOut.objects.filter(withdrawn_at__isnull=True).values_list("customer_id", flat=True)


def feedback_opted_out(customer: Customer) -> bool:
    """True when the customer asked not to be asked for feedback (and has not withdrawn that)."""
    return FeedbackOptOut.objects.filter(customer_id=customer.pk, withdrawn_at__isnull=True).exists()


@transaction.atomic
def feedback_opt_out(
    *, customer: Customer, source: str, note: str = "", by: User | None = None
) -> FeedbackOptOut:
    """Record "stop asking me for feedback"; a second click finds the opt-out in force and adds nothing."""
    if source not in FeedbackOptOut.Source.values:
        raise ValidationError({"source": [_("Unknown source “%(value)s”.") % {"value": source}]})
    locked = Customer.objects.select_for_update().get(
        pk=customer.pk
    )  # one opt-out in force, even on a double click
    current = FeedbackOptOut.objects.filter(customer=locked, withdrawn_at__isnull=True).first()
    if current is not None:
        return current
    actor = by if by is not None and by.is_authenticated else None
    opt_out = FeedbackOptOut.objects.create(
        customer=locked, source=source, note=note.strip()[:200], recorded_by=actor
    )
    interaction_record(
        customer=locked,
        channel="web" if source == FeedbackOptOut.Source.LINK else "system",
        direction="in" if source == FeedbackOptOut.Source.LINK else "internal",
        summary=timeline_text(gettext_noop("Asked not to receive feedback surveys")),
        actor=actor,
        source_type="feedback.feedbackoptout",
        source_id=str(opt_out.pk),
    )
    return opt_out


@transaction.atomic
def feedback_opt_in(*, customer: Customer, by: User | None = None) -> int:
    """Withdraw the customer's opt-out (they agreed to be asked again); returns how many were in force."""
    locked = Customer.objects.select_for_update().get(pk=customer.pk)
    withdrawn = FeedbackOptOut.objects.filter(customer=locked, withdrawn_at__isnull=True).update(
        withdrawn_at=timezone.now()
    )
    if withdrawn:
        interaction_record(
            customer=locked,
            channel="system",
            direction="internal",
            actor=by,
            summary=timeline_text(gettext_noop("Agreed again to receive feedback surveys")),
        )
    return withdrawn
