"""Campaign and journey results against hand-made data: sends of every outcome, orders inside and outside
the conversion window, consent withdrawn inside and outside it, and a hold-out group."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from pelatis.customers.models import Customer, Order
from pelatis.engagement.models import Campaign, Journey, JourneyStep, MessageTemplate, Segment, Send
from pelatis.engagement.results import (
    Money,
    campaign_results,
    journey_results,
    step_results,
    two_proportion_test,
)
from pelatis.privacy.models import ConsentRecord

from .journey_fixtures import buy, person

pytestmark = pytest.mark.django_db

T0 = timezone.now().replace(microsecond=0) - dt.timedelta(days=40)


def _campaign(**fields: Any) -> Campaign:
    template = MessageTemplate.objects.create(name=f"Προσφορά {Campaign.objects.count()}")
    segment = Segment.objects.create(
        name=f"Όλοι {Campaign.objects.count()}", definition={"op": "and", "rules": []}
    )
    values: dict[str, Any] = {
        "name": "Χειμερινές εκπτώσεις",
        "segment": segment,
        "template": template,
        "status": Campaign.Status.DONE,
        "started_at": T0,
        "conversion_days": 14,
    }
    values.update(fields)
    return Campaign.objects.create(**values)


def _send(
    customer: Customer, status: str, *, campaign: Campaign | None = None, step: Any = None, **fields: Any
) -> Send:
    scope = f"campaign:{campaign.pk}" if campaign else f"step:{step.pk}"
    key = f"{scope}:customer:{customer.pk}:{Send.objects.count()}"
    if status == Send.Status.SENT:
        fields.setdefault("sent_at", T0 + dt.timedelta(hours=1))
    fields.setdefault("claimed_at", T0)
    return Send.objects.create(
        key=key, customer=customer, channel="email", campaign=campaign, step=step, status=status, **fields
    )


def _order(
    customer: Customer, ref: str, at: dt.datetime, total: str = "10", *, status: str = "paid"
) -> Order:
    order = buy(customer, ref, at, ("SKU", "Προϊόν", "general"))
    Order.objects.filter(pk=order.pk).update(total=Decimal(total), status=status)
    return order


def _withdraw(
    customer: Customer, at: dt.datetime, *, channel: str = "email", purpose: str = "marketing"
) -> None:
    ConsentRecord.objects.create(
        customer=customer, purpose=purpose, channel=channel, granted=False, source="link", recorded_at=at
    )


@pytest.fixture
def cast() -> dict[str, Customer]:
    return {name: person(name, "Δοκιμή", f"{name.lower()}@example.gr") for name in "ABCDEFGHIJ"}


@pytest.fixture
def campaign(cast: dict[str, Customer]) -> Campaign:
    c = _campaign()
    a, b, cc, d, e, f, g, h, i, j = (cast[n] for n in "ABCDEFGHIJ")
    day = dt.timedelta(days=1)
    # A: sent; one order inside the window counts, one before the send and one after it do not
    _send(a, Send.Status.SENT, campaign=c)
    _order(a, "A-in", T0 + 2 * day, "100.00")
    _order(a, "A-before", T0 - day, "7.00")
    _order(a, "A-after", T0 + 20 * day, "9.00")
    # B: sent, bounced, opened and clicked; withdrew marketing by email inside the window; a cancelled order
    _send(
        b,
        Send.Status.SENT,
        campaign=c,
        bounced_at=T0 + 2 * day,
        opened_at=T0 + 2 * day,
        clicked_at=T0 + 2 * day,
    )
    _withdraw(b, T0 + 3 * day)
    _order(b, "B-cancelled", T0 + 2 * day, "40.00", status="cancelled")
    # C: sent and opened; withdrew after the window, and by SMS inside it: neither counts
    _send(cc, Send.Status.SENT, campaign=c, opened_at=T0 + day)
    _withdraw(cc, T0 + 20 * day)
    _withdraw(cc, T0 + 2 * day, channel="sms")
    # D failed; E and G without consent, F without an address; J still claimed
    _send(d, Send.Status.FAILED, campaign=c)
    _send(e, Send.Status.SKIPPED, campaign=c, skip_reason=Send.Skip.NO_CONSENT)
    _send(f, Send.Status.SKIPPED, campaign=c, skip_reason=Send.Skip.NO_ADDRESS)
    _send(g, Send.Status.SKIPPED, campaign=c, skip_reason=Send.Skip.NO_CONSENT)
    _send(j, Send.Status.CLAIMED, campaign=c)
    # H and I held out: H orders inside the window (from the campaign's start), I after it
    _send(h, Send.Status.HELD_OUT, campaign=c, claimed_at=T0 + 3 * day)
    _order(h, "H-in", T0 + 5 * day, "50.00")
    _send(i, Send.Status.HELD_OUT, campaign=c)
    _order(i, "I-after", T0 + 15 * day, "70.00")
    return c


def test_campaign_figures_match_the_hand_count(campaign: Campaign, django_assert_num_queries: Any) -> None:
    with django_assert_num_queries(4):  # sends, skip reasons, orders of those sent, orders of the hold-out
        r = campaign_results(campaign)

    assert (r.audience, r.sent, r.failed, r.skipped, r.pending) == (10, 3, 1, 3, 1)
    assert r.skip_reasons == [("no_consent", 2), ("no_address", 1)]
    assert (r.bounced, r.opened, r.clicked, r.unsubscribed) == (1, 2, 1, 1)
    assert (r.treated.size, r.treated.converted, r.treated.orders) == (3, 1, 1)
    assert r.treated.revenue == [Money(amount=Decimal("100.00"), currency="EUR")]
    assert (r.holdout.size, r.holdout.converted, r.holdout.orders) == (2, 1, 1)
    assert r.holdout.revenue == [Money(amount=Decimal("50.00"), currency="EUR")]
    assert r.uplift == pytest.approx((1 / 3 - 1 / 2) * 100)
    assert r.significance is None  # far too few for a test


def test_holdout_window_opens_at_the_campaigns_start_not_at_its_row(cast: dict[str, Customer]) -> None:
    # given: a hold-out member recorded late (the run went on for days) who ordered before that record
    c = _campaign(conversion_days=3)
    _send(cast["A"], Send.Status.HELD_OUT, campaign=c, claimed_at=T0 + dt.timedelta(days=2))
    _order(cast["A"], "A-1", T0 + dt.timedelta(days=1), "20.00")
    # then: it counts, the window being [start, start + 3 days)
    r = campaign_results(c)
    assert (r.holdout.size, r.holdout.converted, r.holdout.orders) == (1, 1, 1)


def test_revenue_is_kept_per_currency(cast: dict[str, Customer]) -> None:
    c = _campaign()
    _send(cast["A"], Send.Status.SENT, campaign=c)
    _send(cast["B"], Send.Status.SENT, campaign=c)
    _order(cast["A"], "A-1", T0 + dt.timedelta(days=1), "10.50")
    usd = _order(cast["B"], "B-1", T0 + dt.timedelta(days=1), "30.00")
    Order.objects.filter(pk=usd.pk).update(currency="USD")
    r = campaign_results(c)
    assert r.treated.orders == 2
    assert r.treated.revenue == [
        Money(amount=Decimal("10.50"), currency="EUR"),
        Money(amount=Decimal("30.00"), currency="USD"),
    ]


def test_a_campaign_with_no_sends_has_zero_figures() -> None:
    r = campaign_results(_campaign(status=Campaign.Status.DRAFT, started_at=None))
    assert (r.audience, r.sent, r.treated.rate, r.holdout.rate, r.uplift) == (0, 0, None, None, None)


def test_journey_steps_each_get_a_row_and_an_order_is_credited_once(cast: dict[str, Customer]) -> None:
    # given: a two-step journey; A got both steps and ordered after the second, B got the first only
    template = MessageTemplate.objects.create(name="Καλωσόρισμα")
    journey = Journey.objects.create(name="Καλωσόρισμα", trigger="onboarding", conversion_days=10)
    first = JourneyStep.objects.create(journey=journey, position=1, template=template)
    second = JourneyStep.objects.create(journey=journey, position=2, delay_days=3, template=template)
    a, b, h = cast["A"], cast["B"], cast["H"]
    _send(a, Send.Status.SENT, step=first, sent_at=T0)
    _send(a, Send.Status.SENT, step=second, sent_at=T0 + dt.timedelta(days=3))
    _send(b, Send.Status.SENT, step=first, sent_at=T0, clicked_at=T0)
    _send(h, Send.Status.HELD_OUT, step=first, claimed_at=T0)
    _order(a, "A-1", T0 + dt.timedelta(days=4), "80.00")
    _order(h, "H-1", T0 + dt.timedelta(days=12), "15.00")  # after the hold-out window
    # when
    rows, whole = journey_results(journey)
    # then: both steps converted A, but the order is credited to the latest message only
    (step1, r1), (step2, r2) = rows
    assert (step1.position, step2.position) == (1, 2)
    assert (r1.sent, r1.clicked, r1.treated.converted, r1.treated.orders) == (2, 1, 1, 0)
    assert (r2.sent, r2.treated.converted, r2.treated.orders) == (1, 1, 1)
    assert r2.treated.revenue == [Money(amount=Decimal("80.00"), currency="EUR")]
    assert (r1.holdout.size, r1.holdout.converted) == (1, 0)
    assert (whole.sent, whole.treated.orders, whole.holdout.size) == (3, 1, 1)
    assert step_results(second).treated.orders == 1


def test_two_proportion_test_matches_the_textbook_value() -> None:
    # 30 % of 200 against 20 % of 200: pooled 25 %, z = 0.1 / sqrt(0.25 · 0.75 · 0.01) = 2.309, p = 0.021
    result = two_proportion_test(60, 200, 40, 200)
    assert result is not None
    assert result.z == pytest.approx(2.3094, abs=1e-4)
    assert result.p_value == pytest.approx(0.02092, abs=1e-4)
    assert result.significant
    not_enough = two_proportion_test(3, 200, 1, 200)  # fewer than 5 in a cell: no verdict
    assert not_enough is None
    assert not two_proportion_test(22, 200, 20, 200).significant  # type: ignore[union-attr]  # enough in every cell
