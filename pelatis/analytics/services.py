"""Writes of the analytics app: customer scores and CLV fits, and the cached dashboards."""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass

import numpy as np
from django.db import transaction
from django.utils import timezone

from pelatis.channels.claims import Claim, job_claim, job_finish, job_running
from pelatis.core.dbrouter import replica_reads
from pelatis.customers.models import Customer

from . import rfm
from .clv.arrays import FloatArray
from .clv.bgnbd import BetaGeoModel
from .clv.gamma_gamma import GammaGammaModel
from .clv.summary import Summary, rfm_summary
from .clv.value import customer_lifetime_value
from .metrics.base import Filters
from .metrics.overview import dashboard
from .models import ClvFit, CustomerValue, MetricSnapshot
from .queries import order_arrays

log = logging.getLogger(__name__)
MIN_REPEAT_BUYERS = 10  # fewer than this and the purchase model has nothing to learn from
BATCH = 5000
FRESH_FOR = dt.timedelta(minutes=15)  # a kept dashboard younger than this is shown as it is
REFRESH_LEASE = dt.timedelta(minutes=10)  # a recompute claimed longer ago than this counts as dead
WAIT_FOR = dt.timedelta(seconds=30)  # how long a request waits for a recompute another one started
WAIT_STEP = 0.2
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class ValueRun:
    as_of: dt.date
    customers: int
    fit: ClvFit | None
    why_not_fitted: str
    seconds: float


def _fit(
    summary: Summary, progress_note: Callable[[str], None]
) -> tuple[BetaGeoModel, GammaGammaModel, str] | tuple[None, None, str]:
    """Both models fitted on the summary, or (None, None, reason)."""
    repeaters = int((summary.frequency > 0).sum())
    if repeaters < MIN_REPEAT_BUYERS:
        return None, None, f"only {repeaters} customers bought twice (at least {MIN_REPEAT_BUYERS} needed)"
    try:
        with np.errstate(all="ignore"):  # the optimiser probes extreme parameters; the objectives guard them
            progress_note("Fitting BG/NBD…")
            purchase = BetaGeoModel()
            purchase.fit(summary.frequency, summary.recency, summary.T)
            progress_note("Fitting Gamma-Gamma…")
            spend = GammaGammaModel()
            spend.fit(summary.frequency, summary.monetary_value)
    except (RuntimeError, ValueError, FloatingPointError) as exc:
        return None, None, f"the models did not converge ({exc})"
    return purchase, spend, ""


def customer_values_refresh(
    *,
    as_of: dt.date | None = None,
    fit: bool = True,
    progress: Progress | None = None,
    note: Callable[[str], None] | None = None,
) -> ValueRun:
    """Recompute every customer's totals, RFM scores and segment, and (with ``fit``) the CLV models.

    One transaction: the table is replaced as a whole, so readers see the old scores or the new ones.
    Raises ValueError when there are no orders up to ``as_of``.
    """
    started = time.perf_counter()
    as_of = as_of or timezone.localdate()
    note = note or (lambda _text: None)
    until = timezone.make_aware(dt.datetime.combine(as_of, dt.time.max))
    note("Reading orders…")
    ids, times, amounts = order_arrays(until=until)
    if ids.size == 0:
        raise ValueError(f"no orders up to {as_of}: nothing to score")
    as_of_day = int(np.datetime64(as_of.isoformat(), "D").astype(np.int64))
    totals = rfm.purchase_totals(ids, times, amounts)
    r, f, m = rfm.rfm_scores(totals, as_of_day=as_of_day)
    segment = rfm.segments(r, f)
    summary = rfm_summary(ids, times, amounts, as_of=np.datetime64(as_of.isoformat()), unit_days=7.0)
    purchase: BetaGeoModel | None = None
    spend: GammaGammaModel | None = None
    why = "not asked to fit"
    if fit:
        purchase, spend, why = _fit(summary, note)
    p_alive: FloatArray | None = None
    expected: FloatArray | None = None
    clv: FloatArray | None = None
    if purchase is not None and spend is not None:
        p_alive = purchase.probability_alive(summary.frequency, summary.recency, summary.T)
        expected = purchase.conditional_expected_purchases(
            52.0, summary.frequency, summary.recency, summary.T
        )
        with np.errstate(all="ignore"):
            clv = customer_lifetime_value(
                purchase,
                spend,
                summary.frequency,
                summary.recency,
                summary.T,
                summary.monetary_value,
                time_months=12,
                discount_rate=0.01,
                freq="W",
            )
        if not np.isfinite(clv).any():  # parameters ran off to the edge: nothing usable to predict with
            purchase = spend = None
            p_alive = expected = clv = None
            why = "the order history does not support a purchase model (the fit degenerated)"
    now = timezone.now()
    epoch = dt.date(1970, 1, 1)

    def rows(start: int, stop: int) -> Iterator[CustomerValue]:
        for i in range(start, stop):
            yield CustomerValue(  # a merge moves the orders, so every id here is a live customer
                customer_id=int(totals.customer_ids[i]),
                orders=int(totals.orders[i]),
                revenue=round(float(totals.revenue[i]), 2),
                first_order=epoch + dt.timedelta(days=int(totals.first_day[i])),
                last_order=epoch + dt.timedelta(days=int(totals.last_day[i])),
                recency_score=int(r[i]),
                frequency_score=int(f[i]),
                monetary_score=int(m[i]),
                segment=str(segment[i]),
                p_alive=None if p_alive is None else _finite(p_alive[i]),
                expected_purchases=None if expected is None else _finite(expected[i]),
                clv=None if clv is None else _finite(clv[i]),
                computed_at=now,
            )

    total = int(totals.customer_ids.size)
    with transaction.atomic():
        CustomerValue.objects.all().delete()
        for start in range(0, total, BATCH):
            CustomerValue.objects.bulk_create(rows(start, min(total, start + BATCH)), batch_size=BATCH)
            if progress is not None:
                progress(min(total, start + BATCH), total)
        record = None
        if purchase is not None and spend is not None:
            record = ClvFit.objects.create(
                fitted_at=now,
                as_of=as_of,
                unit="W",
                purchase_params=asdict(purchase.fitted_params()),
                spend_params=asdict(spend.fitted_params()),
                customers=total,
                distinct_rows=purchase.n_distinct_ or 0,
                seconds=round(time.perf_counter() - started, 3),
            )
    return ValueRun(
        as_of=as_of,
        customers=total,
        fit=record,
        why_not_fitted="" if record else why,
        seconds=time.perf_counter() - started,
    )


def _finite(value: float) -> float | None:
    return round(float(value), 4) if np.isfinite(value) else None


def dashboard_refresh(filters: Filters) -> MetricSnapshot:
    """Compute the dashboard for these filters now and keep it (one row per distinct set of filters).
    The numbers are read from the read replica when one is configured; the kept row goes to the primary."""
    started = time.perf_counter()
    with replica_reads():
        data = dashboard(filters)
    snapshot, _created = MetricSnapshot.objects.update_or_create(
        key=filters.key(),
        defaults={
            "params": filters.as_params(),
            "data": data,
            "computed_at": timezone.now(),
            "seconds": round(time.perf_counter() - started, 3),
        },
    )
    return snapshot


def dashboard_refresh_name(filters: Filters) -> str:
    """The name a recompute of these filters is claimed under (one at a time)."""
    return f"dashboard:{filters.key()}"


def dashboard_kept(filters: Filters) -> MetricSnapshot | None:
    """The kept dashboard for these filters, however old, or None."""
    return MetricSnapshot.objects.filter(key=filters.key()).first()


def dashboard_refreshing(filters: Filters) -> bool:
    """Whether a recompute of these filters is running now (in a task or in a request)."""
    return job_running(dashboard_refresh_name(filters))


def dashboard_refresh_claimed(filters: Filters, *, claim: Claim) -> MetricSnapshot:
    """Compute under ``claim`` (taken with :func:`job_claim`), then let the claim go."""
    try:
        snapshot = dashboard_refresh(filters)
    except Exception as exc:
        job_finish(claim, error=f"{exc.__class__.__name__}: {exc}")
        raise
    job_finish(claim, result=f"computed in {snapshot.seconds:.2f} s")
    return snapshot


def dashboard_refresh_start(filters: Filters) -> bool:
    """Recompute these filters in a background task, unless a recompute is already running: one at a time
    per set of filters, whoever asks. True when this call started one."""
    from .tasks import dashboard_refresh_task

    claim = job_claim(dashboard_refresh_name(filters), lease=REFRESH_LEASE, due_only=False)
    if claim is None:
        return False
    try:
        dashboard_refresh_task.enqueue(
            params={k: str(v) for k, v in filters.as_params().items()}, claimed_by=claim.by
        )
    except Exception:
        job_finish(claim, error="not enqueued")
        raise
    return True


def dashboard_for(
    filters: Filters, *, max_age: dt.timedelta = FRESH_FOR, refresh: bool = False
) -> MetricSnapshot:
    """The kept dashboard when younger than ``max_age``, else computed now: by this call, or by the
    recompute already running, which this call waits for instead of starting a second one."""
    if not refresh:
        snapshot = MetricSnapshot.objects.filter(
            key=filters.key(), computed_at__gte=timezone.now() - max_age
        ).first()
        if snapshot is not None:
            return snapshot
    asked_at = timezone.now()
    claim = job_claim(dashboard_refresh_name(filters), lease=REFRESH_LEASE, due_only=False)
    if claim is not None:
        return dashboard_refresh_claimed(filters, claim=claim)
    for _ in range(int(WAIT_FOR.total_seconds() / WAIT_STEP)):  # bounded: the other one may have died
        time.sleep(WAIT_STEP)
        if not dashboard_refreshing(filters):
            break
    snapshot = MetricSnapshot.objects.filter(key=filters.key(), computed_at__gte=asked_at - max_age).first()
    if snapshot is not None and (not refresh or snapshot.computed_at >= asked_at):
        return snapshot
    return dashboard_refresh(filters)


def dashboard_for_page(filters: Filters) -> tuple[MetricSnapshot, bool]:
    """What the dashboard page shows, and whether it is being recomputed: fresh kept numbers as they are;
    old ones while one background task recomputes them; none yet, computed now (once, whoever asks)."""
    snapshot = MetricSnapshot.objects.filter(key=filters.key()).first()
    if snapshot is None:
        return dashboard_for(filters), False
    stale_before = timezone.now() - FRESH_FOR
    if snapshot.computed_at >= stale_before:
        return snapshot, False
    dashboard_refresh_start(filters)
    snapshot.refresh_from_db()  # a task that ran at once (no worker queue) has already replaced them
    return snapshot, snapshot.computed_at < stale_before


def snapshots_prune(*, older_than: dt.timedelta = dt.timedelta(days=7)) -> int:
    """Forget dashboards nobody asked for in a week (each filter combination leaves one row)."""
    return MetricSnapshot.objects.filter(computed_at__lt=timezone.now() - older_than).delete()[0]


def values_forget_merged(survivor: Customer, merged: Customer) -> dict[str, int]:
    """Customer-merge participant: the merged customer's scores go (its orders now count for the survivor,
    whose scores are relative to everyone's and are redone at the next daily rescoring)."""
    return {"customer scores": CustomerValue.objects.filter(customer=merged).delete()[0]}
