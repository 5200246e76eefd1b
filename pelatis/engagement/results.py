"""What a campaign or a journey step achieved, computed in the database: one aggregate query per figure
group (the sends, the reasons for skipping, the orders of those who received it, the orders of the
hold-out group), grouped by step for a journey, so a results page costs a handful of queries whatever
the audience.

Definitions (shown on the results page as well):

- **audience**: every customer the campaign or step reached a decision for (a Send row of any status);
- **opened**: where measurable (an email client that loads images; SMS never reports it);
- **unsubscribed**: the customer withdrew marketing consent on the message's channel within
  ``conversion_days`` after it was sent;
- **converted**: placed an order (not cancelled or refunded) within ``conversion_days`` after the
  send; for the hold-out group, within ``conversion_days`` after the campaign started (a journey's
  hold-out member: after the moment the step would have been sent);
- **uplift**: the conversion rate of those sent to minus that of the hold-out group, in percentage
  points, with a two-proportion z-test when both groups are large enough for it.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import (
    Count,
    DateTimeField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.expressions import Combinable

from pelatis.customers.models import Order
from pelatis.privacy.models import ConsentRecord
from pelatis.privacy.models import Purpose as ConsentPurpose

from .models import Campaign, Journey, JourneyStep, Send

NOT_SALES = (Order.Status.CANCELLED, Order.Status.REFUNDED)
MIN_CELL = 5  # the z-test's normal approximation needs at least this many in every cell
SIGNIFICANCE = 0.05


@dataclass(frozen=True)
class Money:
    amount: Decimal
    currency: str


@dataclass
class Group:
    """One group's conversion: its size, the customers who ordered in the window, their orders and
    revenue (one amount per currency)."""

    size: int = 0
    converted: int = 0
    orders: int = 0
    revenue: list[Money] = field(default_factory=list)

    @property
    def rate(self) -> float | None:
        """Share of the group that converted (0–1); None for an empty group."""
        return self.converted / self.size if self.size else None


@dataclass(frozen=True)
class Significance:
    z: float
    p_value: float

    @property
    def significant(self) -> bool:
        return self.p_value < SIGNIFICANCE


@dataclass
class Results:
    audience: int = 0
    sent: int = 0
    failed: int = 0
    bounced: int = 0
    skipped: int = 0
    pending: int = 0  # claimed, not yet sent (in flight, or deferred by a crash until retried)
    skip_reasons: list[tuple[str, int]] = field(default_factory=list)  # (reason key, count), most first
    opened: int = 0
    clicked: int = 0
    unsubscribed: int = 0
    treated: Group = field(default_factory=Group)
    holdout: Group = field(default_factory=Group)

    @property
    def uplift(self) -> float | None:
        """Conversion rate of those sent to minus the hold-out group's, in percentage points."""
        if self.treated.rate is None or self.holdout.rate is None:
            return None
        return (self.treated.rate - self.holdout.rate) * 100

    @property
    def significance(self) -> Significance | None:
        return two_proportion_test(
            self.treated.converted, self.treated.size, self.holdout.converted, self.holdout.size
        )

    def rate(self, count: int) -> float | None:
        """``count`` as a share of the messages sent (0–1)."""
        return count / self.sent if self.sent else None


def two_proportion_test(x1: int, n1: int, x2: int, n2: int) -> Significance | None:
    """The pooled two-proportion z-test (two-sided) of x1/n1 against x2/n2; None when a cell of the
    2×2 table is below MIN_CELL, where the normal approximation does not hold."""
    if min(x1, n1 - x1, x2, n2 - x2) < MIN_CELL:
        return None
    pooled = (x1 + x2) / (n1 + n2)
    spread = math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
    if spread == 0:
        return None
    from scipy.stats import norm  # loaded on use: scipy is heavy and only results pages need it

    z = (x1 / n1 - x2 / n2) / spread
    return Significance(z=z, p_value=float(2 * norm.sf(abs(z))))


# ---------------------------------------------------------------- the queries


def _window_end(start: Combinable, days: int) -> ExpressionWrapper[Any]:
    return ExpressionWrapper(start + Value(dt.timedelta(days=days)), output_field=DateTimeField())


def _orders_after(start: Any, days: int) -> QuerySet[Order]:
    """Sales of the outer row's customer placed in [start, start + days)."""
    return Order.objects.filter(
        customer_id=OuterRef("customer_id"), placed_at__gte=start, placed_at__lt=_window_end(start, days)
    ).exclude(status__in=NOT_SALES)


def _unsubscribe_after_send(days: int) -> QuerySet[ConsentRecord]:
    sent_at = OuterRef("sent_at")
    return ConsentRecord.objects.filter(
        customer_id=OuterRef("customer_id"),
        purpose=ConsentPurpose.MARKETING,
        channel=OuterRef("channel"),
        granted=False,
        recorded_at__gte=sent_at,
        recorded_at__lt=_window_end(sent_at, days),
    )


Anchor = dt.datetime | str  # when the hold-out group's window opens: a moment, or a field of the send


def _anchor(anchor: Anchor, *, outer: bool) -> Any:
    if isinstance(anchor, str):
        return OuterRef(anchor) if outer else F(anchor)
    return Value(anchor, output_field=DateTimeField())


def _send_figures(sends: QuerySet[Send], group: str, days: int, anchor: Anchor) -> dict[Any, dict[str, int]]:
    """Counts per ``group`` value (the campaign or the step) in one query."""
    s = Send.Status
    is_sent = Q(status=s.SENT)
    converted = Exists(_orders_after(OuterRef("sent_at"), days))
    held_converted = Exists(_orders_after(_anchor(anchor, outer=True), days))
    rows = (
        sends.values(group)
        .order_by()
        .annotate(
            audience=Count("pk"),
            sent=Count("pk", filter=is_sent),
            failed=Count("pk", filter=Q(status=s.FAILED)),
            skipped=Count("pk", filter=Q(status=s.SKIPPED)),
            pending=Count("pk", filter=Q(status=s.CLAIMED)),
            held_out=Count("pk", filter=Q(status=s.HELD_OUT)),
            bounced=Count("pk", filter=is_sent & Q(bounced_at__isnull=False)),
            opened=Count("pk", filter=is_sent & Q(opened_at__isnull=False)),
            clicked=Count("pk", filter=is_sent & Q(clicked_at__isnull=False)),
            unsubscribed=Count("pk", filter=is_sent & Q(Exists(_unsubscribe_after_send(days)))),
            converted=Count("pk", filter=is_sent & Q(converted)),
            held_converted=Count("pk", filter=Q(status=s.HELD_OUT) & Q(held_converted)),
        )
    )
    return {row.pop(group): row for row in rows}


def _skip_reasons(sends: QuerySet[Send], group: str) -> dict[Any, list[tuple[str, int]]]:
    found: dict[Any, list[tuple[str, int]]] = {}
    rows = (
        sends.filter(status=Send.Status.SKIPPED)
        .values_list(group, "skip_reason")
        .order_by()
        .annotate(n=Count("pk"))
        .order_by(group, "-n", "skip_reason")
    )
    for key, reason, n in rows:
        found.setdefault(key, []).append((reason, n))
    return found


def _order_figures(
    sends: QuerySet[Send], group: str, days: int, *, anchor: Anchor | None
) -> dict[Any, tuple[int, list[Money]]]:
    """Orders and revenue per currency in each group's window: each order counted once, whether one or
    several of the customer's sends cover it (credited to the latest). ``anchor`` None: the sent group
    (the window opens at each send); otherwise the hold-out group (the window opens at the anchor)."""
    if anchor is None:
        members = sends.filter(status=Send.Status.SENT)
        start: Any = F("sent_at")
    else:
        members = sends.filter(status=Send.Status.HELD_OUT)
        start = _anchor(anchor, outer=False)
    covering = members.filter(customer_id=OuterRef("customer_id")).annotate(window_start=start)
    covering = covering.filter(
        window_start__lte=OuterRef("placed_at"),
        window_start__gt=ExpressionWrapper(
            OuterRef("placed_at") - Value(dt.timedelta(days=days)), output_field=DateTimeField()
        ),
    )
    found: dict[Any, tuple[int, list[Money]]] = {}
    rows = (
        Order.objects.exclude(status__in=NOT_SALES)
        .annotate(scope=_last_touch(covering, group))
        .filter(scope__isnull=False)
        .values_list("scope", "currency")
        .order_by()
        .annotate(n=Count("pk"), revenue=Sum("total"))
        .order_by("scope", "currency")
    )
    for key, currency, n, revenue in rows:
        count, money = found.get(key, (0, []))
        found[key] = (count + n, [*money, Money(amount=revenue or Decimal("0"), currency=currency)])
    return found


def _last_touch(covering: QuerySet[Send], group: str) -> Subquery:
    """The group of the latest send before the order: an order is credited to one step only."""
    latest = covering.order_by("-window_start", "-pk")  # type: ignore[misc]  # window_start: an annotation of covering
    return Subquery(latest.values(group)[:1])


def _assemble(
    figures: dict[str, int] | None,
    reasons: list[tuple[str, int]],
    sent_orders: tuple[int, list[Money]] | None,
    held_orders: tuple[int, list[Money]] | None,
) -> Results:
    f = figures or {}
    treated_orders, treated_revenue = sent_orders or (0, [])
    held_count, held_revenue = held_orders or (0, [])
    return Results(
        audience=f.get("audience", 0),
        sent=f.get("sent", 0),
        failed=f.get("failed", 0),
        bounced=f.get("bounced", 0),
        skipped=f.get("skipped", 0),
        pending=f.get("pending", 0),
        skip_reasons=reasons,
        opened=f.get("opened", 0),
        clicked=f.get("clicked", 0),
        unsubscribed=f.get("unsubscribed", 0),
        treated=Group(
            size=f.get("sent", 0),
            converted=f.get("converted", 0),
            orders=treated_orders,
            revenue=treated_revenue,
        ),
        holdout=Group(
            size=f.get("held_out", 0),
            converted=f.get("held_converted", 0),
            orders=held_count,
            revenue=held_revenue,
        ),
    )


def _results_by(sends: QuerySet[Send], group: str, days: int, anchor: Anchor) -> dict[Any, Results]:
    figures = _send_figures(sends, group, days, anchor)
    reasons = _skip_reasons(sends, group)
    sent_orders = _order_figures(sends, group, days, anchor=None)
    held_orders = _order_figures(sends, group, days, anchor=anchor)
    return {
        key: _assemble(figures.get(key), reasons.get(key, []), sent_orders.get(key), held_orders.get(key))
        for key in figures
    }


# ---------------------------------------------------------------- public


def campaign_results(campaign: Campaign) -> Results:
    """The campaign's figures (four queries). The hold-out group's window opens when the campaign started."""
    anchor: Anchor = campaign.started_at or "claimed_at"
    found = _results_by(
        Send.objects.filter(campaign_id=campaign.pk), "campaign_id", campaign.conversion_days, anchor
    )
    return found.get(campaign.pk, Results())


def journey_results(journey: Journey) -> tuple[list[tuple[JourneyStep, Results]], Results]:
    """Each step's figures in position order, and the journey's as a whole (eight queries in all)."""
    steps = list(journey.steps.select_related("template").order_by("position"))
    sends = Send.objects.filter(step__journey_id=journey.pk)
    days = journey.conversion_days
    per_step = _results_by(sends, "step_id", days, "claimed_at")
    whole = _results_by(sends.annotate(whole=Value(1)), "whole", days, "claimed_at").get(1, Results())
    return [(step, per_step.get(step.pk, Results())) for step in steps], whole


def step_results(step: JourneyStep) -> Results:
    """One journey step's figures (four queries)."""
    days = step.journey.conversion_days
    found = _results_by(Send.objects.filter(step_id=step.pk), "step_id", days, "claimed_at")
    return found.get(step.pk, Results())


def campaigns_summary(campaign_ids: Iterable[int]) -> dict[int, dict[str, int]]:
    """Audience, sent, clicked and hold-out counts of several campaigns in one query (for the list)."""
    s = Send.Status
    rows = (
        Send.objects.filter(campaign_id__in=list(campaign_ids))
        .values("campaign_id")
        .order_by()
        .annotate(
            audience=Count("pk"),
            sent=Count("pk", filter=Q(status=s.SENT)),
            clicked=Count("pk", filter=Q(status=s.SENT, clicked_at__isnull=False)),
            held_out=Count("pk", filter=Q(status=s.HELD_OUT)),
        )
    )
    return {
        row["campaign_id"]: {k: row[k] for k in ("audience", "sent", "clicked", "held_out")} for row in rows
    }
