"""Retention policies: personal data is kept no longer than needed (GDPR art. 5(1)(e)).

Every app declares its policies as ``RETENTION_POLICIES = {name: policy}`` in its own ``hooks.py``; a
policy is ``(dry_run: bool, now: datetime) -> int | None``: how many items it removed (with ``dry_run``:
would remove, writing nothing), or None when its setting switches it off. Privacy's own policy
anonymises customers inactive for ``PELATIS_RETENTION_INACTIVE_YEARS`` years (0, the default: never).

``retention_run`` runs them all, records the run (``RetentionRun``: counts per policy) and audits it. A
dry run runs inside a transaction that is always rolled back, so it writes nothing even by mistake."""

from __future__ import annotations

import datetime as dt
import importlib
import logging
from collections.abc import Callable
from typing import Any

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pelatis.core.audit import audit_record
from pelatis.core.hooks import contributions_by_key
from pelatis.customers.models import Customer, Interaction, Order, Subscription

from .models import CLOSED_STATUSES, DataRequest, RetentionRun

log = logging.getLogger(__name__)

Policy = Callable[[bool, dt.datetime], int | None]

INACTIVE_YEARS_SETTING = "PELATIS_RETENTION_INACTIVE_YEARS"
# Erasures per run: a first run on an old database spreads over a few days instead of one long night.
ERASE_PER_RUN = 500
# The daily job skips when a real run started less than this long ago.
JOB_EVERY = dt.timedelta(hours=20)
ERASE_MODULE = "pelatis.privacy.rights.erase"


# What each app's policy does, as people read it (the run's page shows these, never the keys).
POLICY_LABELS = {
    "customers_inactive": _("Inactive customers anonymised"),
    "mail_purge": _("Quarantined mail and outbox copies deleted"),
    "survey_links": _("Survey links expired"),
}


def policy_label(name: str) -> str:
    """A policy's name as people read it; one this list does not know yet reads as words."""
    label = POLICY_LABELS.get(name)
    return str(label) if label is not None else name.replace("_", " ").capitalize()


class _DryRunRollback(Exception):
    pass


def inactive_years() -> int:
    return max(0, int(getattr(settings, INACTIVE_YEARS_SETTING, 0) or 0))


def inactive_customers(years: int, now: dt.datetime) -> QuerySet[Customer]:
    """People with no sign of life for ``years`` years, set-based: on file for longer than that, and since
    then no order, nothing from them on the timeline (a ticket, a reply, a survey answer, a review, a web
    form: every inbound entry), no subscription still running, no open data-subject request. Companies,
    internal customers, merged and already erased customers are never picked."""
    cutoff = now - relativedelta(years=years)
    recent_inbound = Interaction.objects.filter(customer_id=OuterRef("pk"), occurred_at__gte=cutoff).filter(
        Q(direction=Interaction.Direction.INBOUND) | Q(channel=Interaction.Channel.ORDER)
    )
    recent_order = Order.objects.filter(customer_id=OuterRef("pk"), placed_at__gte=cutoff)
    running = Subscription.objects.filter(customer_id=OuterRef("pk")).filter(
        Q(status__in=[Subscription.Status.ACTIVE, Subscription.Status.PAUSED])
        | Q(renews_on__gte=cutoff.date())
    )
    open_request = DataRequest.objects.filter(customer_id=OuterRef("pk")).exclude(status__in=CLOSED_STATUSES)
    return (
        Customer.objects.filter(
            kind=Customer.Kind.PERSON,
            category=Customer.Category.EXTERNAL,
            merged_into__isnull=True,
            erased_at__isnull=True,
            created_at__lt=cutoff,
        )
        .exclude(Exists(recent_inbound))
        .exclude(Exists(recent_order))
        .exclude(Exists(running))
        .exclude(Exists(open_request))
    )


def customers_inactive_policy(dry_run: bool, now: dt.datetime) -> int | None:
    """Anonymise (erase) customers inactive for the configured years; each erasure is its own transaction."""
    years = inactive_years()
    if not years:
        return None
    candidates = inactive_customers(years, now).order_by("pk")
    if dry_run:
        return candidates.count()
    customer_erase = importlib.import_module(ERASE_MODULE).customer_erase
    erased = 0
    for customer_id in list(candidates.values_list("pk", flat=True)[:ERASE_PER_RUN]):
        try:
            customer_erase(customer_id, reason=f"retention: inactive {years} years")
        except Exception as exc:  # one refusal (e.g. erased meanwhile) must not stop the others
            # The class only: an erasure's refusal may quote what it was given about the person.
            log.warning("retention: erasing customer %s failed: %s", customer_id, exc.__class__.__name__)
            continue
        erased += 1
    return erased


def policies() -> dict[str, Policy]:
    """Every installed app's retention policies, by name (in name order)."""
    return dict(sorted(contributions_by_key("RETENTION_POLICIES").items()))


def policies_configured() -> list[str]:
    return list(policies())


def _dry(policy: Policy, now: dt.datetime) -> int | None:
    result: list[int | None] = []
    try:
        with transaction.atomic():
            result.append(policy(True, now))
            raise _DryRunRollback
    except _DryRunRollback:
        pass
    return result[0]


def retention_run(*, dry_run: bool, actor: Any = None, now: dt.datetime | None = None) -> RetentionRun:
    """Run every policy (a dry run only counts), record the run with its counts and audit it. A policy that
    fails is recorded with its error and the others still run."""
    now = now or timezone.now()
    run = RetentionRun.objects.create(started_at=now, dry_run=dry_run, started_by=actor)
    counts: dict[str, int | None] = {}
    errors: dict[str, str] = {}
    for name, policy in policies().items():
        try:
            counts[name] = _dry(policy, now) if dry_run else policy(False, now)
        except Exception as exc:
            log.exception("retention policy %s failed", name)
            errors[name] = f"{type(exc).__name__}: {exc}"[:300]
    RetentionRun.objects.filter(pk=run.pk).update(finished_at=timezone.now(), counts=counts, errors=errors)
    run.refresh_from_db()
    summary = ", ".join(f"{k}={'off' if v is None else v}" for k, v in counts.items())
    audit_record(
        "retention", actor=actor, detail=f"{'dry run' if dry_run else 'run'} #{run.pk}: {summary}"[:300]
    )
    return run


def job_retention() -> str:
    """The worker's daily run of the policies that are switched on (each returns None when off)."""
    recent = RetentionRun.objects.filter(dry_run=False, started_at__gte=timezone.now() - JOB_EVERY)
    if recent.exists():
        return "ran less than a day ago"
    run = retention_run(dry_run=False)
    done = {k: v for k, v in run.counts.items() if v is not None}
    return ", ".join(f"{k}: {v}" for k, v in done.items()) or "every policy is off"
