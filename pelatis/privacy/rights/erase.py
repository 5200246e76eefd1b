"""The right to erasure: anonymise a customer in every app, in one transaction.

Every installed app's ``PERSONAL_DATA`` participant erases what it holds (see
:mod:`pelatis.core.personaldata`); the numbers stay, so every aggregate is unchanged. The person's
names, emails and phones (the *terms*) are gathered from every participant before anything is erased,
so each app can also scrub them from text it cannot tie to the customer by key.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from pelatis.core.audit import Action, audit_record
from pelatis.core.files import stored_delete, stored_names
from pelatis.core.hooks import contributions
from pelatis.core.personaldata import PLACEHOLDER, ErasureContext, PersonalDataParticipant, scrub
from pelatis.customers.models import Customer

REASON_MAX = 300
logger = logging.getLogger(__name__)


@dataclass
class ErasureSummary:
    """What an erasure did (or, in a dry run, would do): counts per app and item, the legal holds kept."""

    customer_id: int
    counts: dict[str, dict[str, int]] = field(default_factory=dict)
    holds: list[str] = field(default_factory=list)
    terms_count: int = 0
    dry_run: bool = False
    erased_at: dt.datetime | None = None

    @property
    def total(self) -> int:
        return sum(n for items in self.counts.values() for n in items.values())

    def rows(self) -> list[tuple[str, str, int]]:
        """(app, item, count) for tables, items with nothing to erase left out."""
        return [(app, item, n) for app, items in self.counts.items() for item, n in items.items() if n]


class _DryRun(Exception):
    """Raised inside the transaction of a dry run, so everything it wrote is rolled back."""


EXPORTS_FOLDER = "exports/privacy"  # where the file storage keeps export ZIPs made in Pelatis


def exports_dir() -> Path:
    """Where the command line writes its export ZIPs by default: inside the data folder, outside MEDIA."""
    return Path(settings.DATA_DIR) / "exports" / "privacy"


def _exports_forget(customer_id: int) -> None:
    """Earlier export ZIPs of an erased customer would be a copy of what was erased: delete them, both the
    stored ones and the command line's on this machine."""
    try:
        stored_delete(stored_names(EXPORTS_FOLDER, starting=f"customer-{customer_id}-"))
    except Exception:  # after the commit: the erasure stands; the store's failure is for the log
        logger.warning("could not list the export ZIPs of an erased customer", exc_info=True)
    for path in exports_dir().glob(f"customer-{customer_id}-*.zip"):
        path.unlink(missing_ok=True)


def participants() -> list[PersonalDataParticipant]:
    """Every installed app's part in export and erasure, in INSTALLED_APPS order."""
    return [p for p in contributions("PERSONAL_DATA") if isinstance(p, PersonalDataParticipant)]


def customer_terms(customer_id: int) -> set[str]:
    """The person's former names, emails and phones, as every app knows them."""
    terms: set[str] = set()
    for participant in participants():
        if participant.terms is not None:
            terms |= {t.strip() for t in participant.terms(customer_id) if t and t.strip()}
    return terms


def _customer(customer_id: int) -> Customer:
    customer = Customer.objects.select_for_update().filter(pk=customer_id).first()
    if customer is None:
        raise ValidationError({"customer": [_("There is no customer %(id)s.") % {"id": customer_id}]})
    if customer.erased_at is not None:
        raise ValidationError(
            {
                "customer": [
                    _("Customer %(id)s was already erased on %(date)s.")
                    % {"id": customer_id, "date": timezone.localtime(customer.erased_at).strftime("%Y-%m-%d")}
                ]
            }
        )
    if customer.merged_into_id is not None:
        raise ValidationError(
            {
                "customer": [
                    _("Customer %(id)s was merged into customer %(into)s: erase that one.")
                    % {"id": customer_id, "into": customer.merged_into_id}
                ]
            }
        )
    return customer


def placeholder() -> str:
    """What replaces the person's data, in the business's language (it is stored, and staff read it):
    «[διαγράφηκε]» on a Greek install, "[erased]" on an English one."""
    with translation.override(settings.LANGUAGE_CODE):
        return _(PLACEHOLDER)


def customer_erase(
    customer_id: int,
    *,
    reason: str,
    actor: Any = None,
    request: HttpRequest | None = None,
    dry_run: bool = False,
) -> ErasureSummary:
    """Anonymise the customer in every app (one transaction); ``dry_run`` counts and rolls back."""
    reason = " ".join((reason or "").split())
    if not reason and not dry_run:
        raise ValidationError({"reason": [_("Say why the customer is erased (e.g. their request).")]})
    summary = ErasureSummary(customer_id=customer_id, dry_run=dry_run)
    try:
        with transaction.atomic():
            _customer(customer_id)
            terms = frozenset(customer_terms(customer_id))
            summary.terms_count = len(terms)
            context = ErasureContext(
                customer_id=customer_id, terms=terms, reason=reason, actor=actor, placeholder=placeholder()
            )
            for participant in participants():
                report = participant.erase(context)
                counts = summary.counts.setdefault(participant.app, {})
                for item, n in report.counts.items():
                    counts[item] = counts.get(item, 0) + int(n)
                summary.holds.extend(str(h) for h in report.holds)
            summary.erased_at = timezone.now()
            Customer.objects.filter(pk=customer_id).update(erased_at=summary.erased_at)
            if dry_run:
                raise _DryRun
            audit_record(
                Action.ERASE,
                request=request,
                actor=actor,
                customer_id=customer_id,
                fields=sorted({f"{app}.{item}" for app, item, _n in summary.rows()}),
                # The staff's reason, with anything naming the person scrubbed: the trail outlives them.
                detail=scrub(reason, terms)[:REASON_MAX],
            )
            transaction.on_commit(lambda: _exports_forget(customer_id))
    except _DryRun:
        summary.erased_at = None
    return summary
