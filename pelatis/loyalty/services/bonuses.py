"""Points given for something other than an order: bonuses (birthday, name day, survey, compliment, first
purchase) and the service-recovery credit an agent grants on a ticket.

A bonus happens at most once per ``key`` (a unique column, checked again under the account lock), so the
journey, the hook or the worker that gives it may run any number of times. Bonus and credit points expire
like earned ones, the programme's number of months after they were given.
"""

from __future__ import annotations

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from pelatis.customers.models import Customer
from pelatis.customers.services import interaction_record, timeline_text
from pelatis.helpdesk.models import Ticket

from ..models import LedgerEntry, LoyaltyProgramme
from .accounts import accounts_locked, balances_move, points_holder_id
from .ledger import MAX_POINTS
from .orders import months_after

# Each bonus kind and the programme's field holding its amount.
AMOUNT_FIELDS: dict[str, str] = {
    LedgerEntry.BonusKind.FIRST_PURCHASE: "first_purchase_bonus",
    LedgerEntry.BonusKind.BIRTHDAY: "birthday_bonus",
    LedgerEntry.BonusKind.NAME_DAY: "name_day_bonus",
    LedgerEntry.BonusKind.SURVEY: "survey_bonus",
    LedgerEntry.BonusKind.COMPLIMENT: "compliment_bonus",
}
KEY_MAX = 200
# The ledger's reason when the caller gives none, written in the business's language.
DEFAULT_REASONS: dict[str, str] = {
    LedgerEntry.BonusKind.FIRST_PURCHASE: gettext_noop("First purchase bonus"),
    LedgerEntry.BonusKind.BIRTHDAY: gettext_noop("Birthday bonus"),
    LedgerEntry.BonusKind.NAME_DAY: gettext_noop("Name day bonus"),
    LedgerEntry.BonusKind.SURVEY: gettext_noop("Bonus for answering our survey"),
    LedgerEntry.BonusKind.COMPLIMENT: gettext_noop("Bonus for a compliment"),
}


def _points_check(points: int) -> None:
    if isinstance(points, bool) or not 1 <= points <= MAX_POINTS:
        raise ValidationError(
            {"points": [_("Give a whole number of points from 1 to %(max)s.") % {"max": MAX_POINTS}]}
        )


def _entry_write(entry: LedgerEntry) -> LedgerEntry | None:
    """Insert the entry and move the balance; None when its key was taken meanwhile (nothing written)."""
    try:
        with transaction.atomic():  # a savepoint: a duplicate key rolls back only this insert
            entry.save(force_insert=True)
    except IntegrityError:
        if entry.key and LedgerEntry.objects.filter(key=entry.key).exists():
            return None
        raise
    balances_move({entry.account_id: entry.points})
    return entry


@transaction.atomic
def points_bonus(
    *, customer_id: int, kind: str, key: str, points: int | None = None, reason: str = ""
) -> LedgerEntry | None:
    """Give the customer a bonus once per ``key``; None when already given, the amount is 0 or the
    programme is inactive. ``points=None`` takes the programme's amount for ``kind``."""
    if kind not in AMOUNT_FIELDS:
        raise ValidationError(
            {
                "kind": [
                    _("Unknown bonus “%(kind)s”; use one of: %(kinds)s.")
                    % {"kind": kind, "kinds": ", ".join(AMOUNT_FIELDS)}
                ]
            }
        )
    key = key.strip()
    if not key or len(key) > KEY_MAX:
        raise ValidationError({"key": [_("A bonus needs a key of 1 to %(n)d characters.") % {"n": KEY_MAX}]})
    if points is not None and points != 0:
        _points_check(points)
    if len(reason) > 500:
        raise ValidationError({"reason": [_("At most %(n)d characters.") % {"n": 500}]})
    programme = LoyaltyProgramme.current()
    amount = int(getattr(programme, AMOUNT_FIELDS[kind])) if points is None else points
    if not programme.active or amount <= 0:
        return None
    owner = points_holder_id(customer_id, field="customer_id")
    account = accounts_locked(customer_ids=[owner], create=True)[owner]
    if LedgerEntry.objects.filter(key=key).exists():  # read under the lock: a twin call has committed
        return None
    now = timezone.now()
    return _entry_write(
        LedgerEntry(
            account=account,
            kind=LedgerEntry.Kind.BONUS,
            bonus_kind=kind,
            key=key,
            points=amount,
            reason=reason.strip() or timeline_text(DEFAULT_REASONS[kind]),
            created_at=now,
            expires_at=months_after(now, programme.expiry_months),
        )
    )


@transaction.atomic
def points_credit(
    *, customer_id: int, ticket_id: int, points: int, reason: str, by: User | None
) -> LedgerEntry:
    """A service-recovery credit on a ticket (we got something wrong and make it up to the customer).

    The ticket must be the customer's; the credit goes on the customer's timeline, linked to the ticket.
    """
    _points_check(points)
    text = " ".join(reason.split())
    if not text:
        raise ValidationError({"reason": [_("Say why.")]})
    if len(text) > 500:
        raise ValidationError({"reason": [_("At most %(n)d characters.") % {"n": 500}]})
    owner = points_holder_id(customer_id, field="customer_id")
    ticket_customer = Ticket.objects.filter(pk=ticket_id).values_list("customer_id", flat=True).first()
    if ticket_customer is None:
        raise ValidationError({"ticket_id": [_("There is no request #%(id)s.") % {"id": ticket_id}]})
    if points_holder_id(ticket_customer, field="ticket_id") != owner:
        raise ValidationError(
            {"ticket_id": [_("Request #%(id)s is another customer's.") % {"id": ticket_id}]}
        )
    programme = LoyaltyProgramme.current()
    account = accounts_locked(customer_ids=[owner], create=True)[owner]
    now = timezone.now()
    entry = LedgerEntry.objects.create(
        account=account,
        kind=LedgerEntry.Kind.CREDIT,
        points=points,
        ticket_id=ticket_id,
        reason=text,
        by=by,
        created_at=now,
        expires_at=months_after(now, programme.expiry_months),
    )
    balances_move({account.pk: points})
    interaction_record(
        customer=Customer.objects.get(pk=owner),
        channel="system",
        direction="internal",
        summary=timeline_text(
            gettext_noop("Service credit of %(points)s points for request #%(id)s: %(reason)s"),
            points=points,
            id=ticket_id,
            reason=text,
        ),
        actor=by,
        source_type="helpdesk.ticket",
        source_id=str(ticket_id),
    )
    return entry


FEEDBACK_KINDS = ("csat", "nps", "review")


def feedback_bonuses(
    *, kind: str, customer_id: int, object_id: int, is_compliment: bool
) -> list[LedgerEntry]:
    """The bonuses one piece of feedback earns: a CSAT or NPS answer the survey bonus (once per survey), a
    compliment (CSAT 5, NPS 9–10, a five-star review) the compliment bonus (once per answer or review).

    Idempotent: the keys name the survey or review, so a changed answer or a second delivery adds nothing.
    Feedback from a customer who is gone (erased) earns nothing.
    """
    if kind not in FEEDBACK_KINDS:
        raise ValidationError({"kind": [_("Unknown feedback “%(kind)s”.") % {"kind": kind}]})
    if not Customer.objects.filter(pk=customer_id).exists():
        return []
    given = []
    if kind in ("csat", "nps"):
        given.append(
            points_bonus(
                customer_id=customer_id, kind=LedgerEntry.BonusKind.SURVEY, key=f"survey:{kind}:{object_id}"
            )
        )
    if is_compliment:
        given.append(
            points_bonus(
                customer_id=customer_id,
                kind=LedgerEntry.BonusKind.COMPLIMENT,
                key=f"compliment:{kind}:{object_id}",
            )
        )
    return [entry for entry in given if entry is not None]
