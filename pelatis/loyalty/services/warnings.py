"""Emails that warn a customer their points are about to expire: once per account and expiry date.

Claim, commit, send, record. A claim row (ExpiryWarning, unique per account and date) is inserted first; a
run takes a row with a conditional UPDATE (so two workers never both send it), sends with no transaction
open and the mail connection's timeout, then records the outcome. A refused or timed-out send is kept as
failed and tried again by a later run (up to MAX_ATTEMPTS); a crash between sending and recording leaves the
row taken, so it is never sent twice. The amount is read again at send time: points spent meanwhile are
not announced.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import Exists, F, OuterRef, Q
from django.utils import formats, timezone, translation
from django.utils.translation import gettext_noop

from pelatis.channels.mail import customer_greeting, email_build
from pelatis.customers.models import ContactPoint, Customer
from pelatis.customers.services import interaction_record, timeline_text
from pelatis.privacy.links import preferences_url
from pelatis.privacy.queries import consent_allows
from pelatis.privacy.texts import customer_language

from ..fifo import lots_remaining
from ..models import ExpiryWarning, LedgerEntry, LoyaltyAccount, LoyaltyProgramme
from .expiry import EXPIRING_KINDS, movements_of

log = logging.getLogger(__name__)
BATCH = 200  # accounts read at once, and emails sent per run
MAX_ATTEMPTS = 5
RETRY_AFTER = dt.timedelta(minutes=30)
TEMPLATE = "loyalty/email/points_expiring"

# The email's words in the customer's language and form of address (Greek formal and informal differ).
TEXTS: dict[str, dict[str, dict[str, str]]] = {
    "el": {
        "formal": {
            "subject": "Οι πόντοι σας λήγουν στις {date}",
            "lead": "{points} από τους πόντους σας λήγουν στις {date}.",
            "balance": "Το υπόλοιπό σας σήμερα είναι {balance} πόντοι.",
            "use": "Εξαργυρώστε τους πριν από αυτή την ημερομηνία, για να μην τους χάσετε.",
            "thanks": "Σας ευχαριστούμε που μας προτιμάτε.",
            "preferences": "Οι προτιμήσεις επικοινωνίας σας",
        },
        "informal": {
            "subject": "Οι πόντοι σου λήγουν στις {date}",
            "lead": "{points} από τους πόντους σου λήγουν στις {date}.",
            "balance": "Το υπόλοιπό σου σήμερα είναι {balance} πόντοι.",
            "use": "Εξαργύρωσέ τους πριν από αυτή την ημερομηνία, για να μην τους χάσεις.",
            "thanks": "Σε ευχαριστούμε που μας προτιμάς.",
            "preferences": "Οι προτιμήσεις επικοινωνίας σου",
        },
    },
    "en": {
        "formal": {
            "subject": "Your points expire on {date}",
            "lead": "{points} of your points expire on {date}.",
            "balance": "Your balance today is {balance} points.",
            "use": "Redeem them before that date so that you do not lose them.",
            "thanks": "Thank you for choosing us.",
            "preferences": "Your contact preferences",
        },
    },
}


@dataclass(frozen=True)
class WarningRun:
    claimed: int = 0
    sent: int = 0
    skipped: int = 0
    failed: int = 0


def _texts(language: str, formal: bool) -> dict[str, str]:
    forms = TEXTS.get(language, TEXTS["en"])
    return forms.get("formal" if formal else "informal", forms["formal"])


def _expiring(account_ids: list[int], now: dt.datetime, until: dt.datetime) -> dict[int, tuple[dt.date, int]]:
    """Each account's first expiry date in (now, until] with unspent points, and how many expire that day."""
    found: dict[int, tuple[dt.date, int]] = {}
    for account_id, movements in movements_of(account_ids).items():
        by_day: dict[dt.date, int] = {}
        for lot in lots_remaining(movements):
            if lot.remaining > 0 and lot.expires_at is not None and now < lot.expires_at <= until:
                day = timezone.localdate(lot.expires_at)
                by_day[day] = by_day.get(day, 0) + lot.remaining
        if by_day:
            first = min(by_day)
            found[account_id] = (first, by_day[first])
    return found


def expiry_warnings_claim(*, now: dt.datetime) -> int:
    """Claim one warning per account whose points expire within the programme's warning days; the number
    of new claims. An account with a claim still ahead is not read again until that date has passed."""
    programme = LoyaltyProgramme.current()
    if not programme.active or not programme.expiry_warning_days:
        return 0
    until = now + dt.timedelta(days=programme.expiry_warning_days)
    today = timezone.localdate(now)
    due = (
        LoyaltyAccount.objects.filter(balance__gt=0)
        .filter(
            Exists(
                LedgerEntry.objects.filter(
                    account=OuterRef("pk"), kind__in=EXPIRING_KINDS, expires_at__gt=now, expires_at__lte=until
                )
            )
        )
        .exclude(Exists(ExpiryWarning.objects.filter(account=OuterRef("pk"), expires_on__gte=today)))
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    account_ids = list(due)
    claimed = 0
    for start in range(0, len(account_ids), BATCH):
        found = _expiring(account_ids[start : start + BATCH], now, until)
        rows = ExpiryWarning.objects.bulk_create(
            [
                ExpiryWarning(account_id=pk, expires_on=day, points=points, claimed_at=now)
                for pk, (day, points) in found.items()
            ],
            ignore_conflicts=True,
        )
        claimed += len(rows)
    return claimed


def _take(warning: ExpiryWarning, now: dt.datetime) -> bool:
    """Take the row for this attempt (conditional UPDATE): False when another run has taken it."""
    return bool(
        ExpiryWarning.objects.filter(pk=warning.pk, status=warning.status, attempts=warning.attempts).update(
            attempts=F("attempts") + 1, claimed_at=now
        )
    )


def _record(warning: ExpiryWarning, status: str, *, error: str = "", points: int | None = None) -> None:
    fields: dict[str, Any] = {"status": status, "error": error[:500]}
    if status == ExpiryWarning.Status.SENT:
        fields["sent_at"] = timezone.now()
    if points is not None:
        fields["points"] = points
    ExpiryWarning.objects.filter(pk=warning.pk).update(**fields)


def _email_of(customer: Customer) -> str:
    point = (
        ContactPoint.objects.filter(customer=customer, kind=ContactPoint.Kind.EMAIL)
        .order_by("-is_primary", "id")
        .first()
    )
    return point.value if point else ""


def expiry_warning_email(
    *, customer: Customer, address: str, points: int, balance: int, expires_on: dt.date
) -> EmailMultiAlternatives:
    """The warning in the customer's language and form of address, with the amount and the date."""
    language = customer_language(customer)
    texts = _texts(language, customer.formal)
    with translation.override(language):
        values = {
            "date": formats.date_format(expires_on, "j E Y" if language == "el" else "j F Y"),
            "points": formats.number_format(points, use_l10n=True, force_grouping=True),
            "balance": formats.number_format(balance, use_l10n=True, force_grouping=True),
        }
    lines = {name: text.format(**values) for name, text in texts.items()}
    return email_build(
        to=address,
        subject=lines["subject"],
        template=TEMPLATE,
        context={
            "greeting": customer_greeting(customer, language=language),
            "texts": lines,
            "preferences_url": preferences_url(customer),
        },
        language=language,
        auto="auto-generated",
    )


def expiry_warning_send(*, warning: ExpiryWarning, now: dt.datetime) -> str:
    """Send one claimed warning; its new status. Raises OSError (recorded as failed) when the server fails."""
    if not _take(warning, now):
        return "taken"
    account = LoyaltyAccount.objects.select_related("customer").get(pk=warning.account_id)
    customer = account.customer
    lot = _expiring(
        [account.pk], now, timezone.make_aware(dt.datetime.combine(warning.expires_on, dt.time.max))
    )
    day, points = lot.get(account.pk, (warning.expires_on, 0))
    address = _email_of(customer)
    why = ""
    if customer.merged_into_id is not None:
        why = "merged"
    elif day != warning.expires_on or points <= 0:
        why = "nothing left to expire"
    elif not address:
        why = "no email address"
    elif not consent_allows(customer.pk, "service", "email"):
        why = "no consent to service email"
    if why:
        _record(warning, ExpiryWarning.Status.SKIPPED, error=why, points=max(points, 0))
        return ExpiryWarning.Status.SKIPPED
    email = expiry_warning_email(
        customer=customer, address=address, points=points, balance=account.balance, expires_on=day
    )
    try:
        email.send()
    except OSError as exc:
        _record(warning, ExpiryWarning.Status.FAILED, error=exc.__class__.__name__, points=points)
        raise
    with translation.override(settings.LANGUAGE_CODE):  # the timeline reads in the business's language
        short_day = formats.date_format(day, "SHORT_DATE_FORMAT")
    with transaction.atomic():
        _record(warning, ExpiryWarning.Status.SENT, points=points)
        interaction_record(
            customer=customer,
            channel="email",
            direction="out",
            summary=timeline_text(
                gettext_noop("Told by email that %(points)s points expire on %(date)s"),
                points=points,
                date=short_day,
            ),
            source_type="loyalty.expirywarning",
            source_id=str(warning.pk),
        )
    return ExpiryWarning.Status.SENT


def expiry_warnings_run(*, now: dt.datetime | None = None, limit: int = BATCH) -> WarningRun:
    """Claim what is due, then send up to ``limit`` warnings (new ones, and failed ones due a retry).

    Never call inside a transaction: each email goes out after its claim has committed.
    """
    now = now or timezone.now()
    claimed = expiry_warnings_claim(now=now)
    pending = ExpiryWarning.objects.filter(expires_on__gte=timezone.localdate(now)).filter(
        Q(status=ExpiryWarning.Status.CLAIMED, attempts=0)
        | Q(status=ExpiryWarning.Status.FAILED, attempts__lt=MAX_ATTEMPTS, claimed_at__lte=now - RETRY_AFTER)
    )
    counts = {"sent": 0, "skipped": 0, "failed": 0}
    for warning in pending.order_by("claimed_at", "pk")[:limit]:
        try:
            status = expiry_warning_send(warning=warning, now=now)
        except OSError as exc:  # the mail server is down: stop here, a later run tries again
            log.warning("points expiry warning %s not sent: %s", warning.pk, exc.__class__.__name__)
            counts["failed"] += 1
            break
        if status in counts:
            counts[status] += 1
    return WarningRun(claimed=claimed, **counts)
