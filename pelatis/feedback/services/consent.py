"""Consent to be asked for feedback, kept by privacy as the "surveys" purpose on email: the names the
survey jobs use (who is opted out, the signed one-click opt-out in every survey email) delegate there."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser, User
from django.core import signing
from django.db.models import QuerySet
from django.utils import translation
from django.utils.translation import gettext as _

from pelatis.customers.models import Customer
from pelatis.privacy.models import ConsentChannel, ConsentRecord, Purpose, Source
from pelatis.privacy.queries import consent_allows, consent_q
from pelatis.privacy.services import consent_record
from pelatis.privacy.texts import customer_language

SALT = "pelatis.feedback.optout"
LINK_MAX_AGE = 60 * 60 * 24 * 400  # an old survey email's opt-out link still works for over a year
# The sources this app's callers name, in privacy's terms ("staff" was the old word for an agent).
_SOURCES = {"link": Source.LINK, "staff": Source.AGENT, "agent": Source.AGENT, "api": Source.API}


def optout_token(customer: Customer) -> str:
    """The signed token of a customer's "stop asking me for feedback" link."""
    return signing.dumps({"c": customer.pk}, salt=SALT)


def optout_from_token(token: str) -> Customer:
    """The customer a link stands for; raises signing.BadSignature (incl. expiry) or Customer.DoesNotExist."""
    data = signing.loads(token, salt=SALT, max_age=LINK_MAX_AGE)
    customer = Customer.objects.get(pk=int(data["c"]))
    for _hop in range(10):  # a merged customer's old link speaks for the customer kept (their consent moved)
        if customer.erased_at is not None:  # an erased customer's old links open nothing
            raise Customer.DoesNotExist
        if customer.merged_into_id is None:
            return customer
        customer = Customer.objects.get(pk=customer.merged_into_id)
    raise Customer.DoesNotExist


def opted_out_ids() -> QuerySet[Customer, int]:
    """Customer ids whose consent does not allow surveys by email, as a subquery for survey selection."""
    return Customer.objects.exclude(consent_q(Purpose.SURVEYS, ConsentChannel.EMAIL)).values_list(
        "pk", flat=True
    )


def feedback_opted_out(customer: Customer) -> bool:
    """True when the customer asked not to be asked for feedback (and has not agreed again since)."""
    return not consent_allows(customer.pk, Purpose.SURVEYS, ConsentChannel.EMAIL)


def optout_wording(customer: Customer) -> str:
    """What the survey email's opt-out page says, in the customer's language (recorded with the opt-out)."""
    with translation.override(customer_language(customer)):
        return " ".join(
            (
                _("Stop asking me for feedback?"),
                _(
                    "You will receive no more surveys from us. Emails about your requests and orders still "
                    "reach you as before."
                ),
            )
        )


def feedback_opt_out(
    *, customer: Customer, source: str, note: str = "", by: User | AnonymousUser | None = None
) -> ConsentRecord:
    """Record "stop asking me for feedback" (surveys by email withdrawn); a second click adds nothing."""
    return consent_record(
        customer=customer,
        purpose=Purpose.SURVEYS,
        channel=ConsentChannel.EMAIL,
        granted=False,
        source=_SOURCES.get(source, source),
        wording=optout_wording(customer) if source == "link" else "",
        note=note,
        by=by,
    )


def feedback_opt_in(
    *, customer: Customer, by: User | AnonymousUser | None = None, source: str = "agent"
) -> int:
    """The customer agreed to be asked again (surveys by email granted); returns 1 when that changed it."""
    was_allowed = consent_allows(customer.pk, Purpose.SURVEYS, ConsentChannel.EMAIL)
    consent_record(
        customer=customer,
        purpose=Purpose.SURVEYS,
        channel=ConsentChannel.EMAIL,
        granted=True,
        source=_SOURCES.get(source, source),
        by=by,
    )
    return 0 if was_allowed else 1
