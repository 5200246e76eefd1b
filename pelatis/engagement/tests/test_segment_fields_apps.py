"""Segment fields the other apps contribute: loyalty points and tier, consent, the latest NPS answer."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from pelatis.customers.inputs import CustomerInput
from pelatis.customers.models import Customer
from pelatis.customers.services import customer_create
from pelatis.engagement.segments import segment_customers
from pelatis.feedback.models import NpsCampaign, NpsResponse
from pelatis.loyalty.models import LoyaltyAccount, Tier
from pelatis.loyalty.services.ledger import points_adjust
from pelatis.privacy.services import consent_record


def _customer(first: str, n: int) -> Customer:
    return customer_create(data=CustomerInput(first_name=first, last_name="Δοκιμή", emails=[f"c{n}@x.gr"]))


def names(rule: dict[str, Any]) -> set[str]:
    return {c.first_name for c in segment_customers({"op": "and", "rules": [rule]})}


@pytest.fixture
def trio(db: None) -> dict[str, Customer]:
    return {name: _customer(name, n) for n, name in enumerate(("Άννα", "Βασίλης", "Γιάννα"))}


def test_points_balance_counts_customers_without_an_account_as_zero(trio: Any) -> None:
    points_adjust(customer=trio["Άννα"], points=150, reason="Καλωσόρισμα", by=None)
    points_adjust(customer=trio["Βασίλης"], points=20, reason="Καλωσόρισμα", by=None)
    assert names({"field": "loyalty.points", "op": "gte", "value": 100}) == {"Άννα"}
    assert names({"field": "loyalty.points", "op": "lt", "value": 50}) == {"Βασίλης", "Γιάννα"}


def test_tier(trio: Any) -> None:
    gold = Tier.objects.create(name="Χρυσό", name_en="Gold", threshold=Decimal("500"))
    points_adjust(customer=trio["Άννα"], points=1, reason="x", by=None)
    LoyaltyAccount.objects.filter(customer=trio["Άννα"]).update(tier=gold)
    assert names({"field": "loyalty.tier", "op": "eq", "value": str(gold.pk)}) == {"Άννα"}
    assert names({"field": "loyalty.tier", "op": "ne", "value": str(gold.pk)}) == {"Βασίλης", "Γιάννα"}
    with pytest.raises(Exception, match="tiers"):
        names({"field": "loyalty.tier", "op": "eq", "value": "Χρυσό"})


def test_consent_defaults_and_records(trio: Any) -> None:
    consent_record(customer=trio["Άννα"], purpose="marketing", channel="email", granted=True, source="form")
    consent_record(customer=trio["Βασίλης"], purpose="surveys", channel="email", granted=False, source="link")
    # marketing is opt-in: only the one who said yes
    assert names({"field": "consent.marketing", "op": "eq", "value": "email"}) == {"Άννα"}
    # surveys are opt-out: everyone but the one who said no
    assert names({"field": "consent.surveys", "op": "eq", "value": "email"}) == {"Άννα", "Γιάννα"}
    assert names({"field": "consent.surveys", "op": "ne", "value": "email"}) == {"Βασίλης"}
    assert names({"field": "consent.marketing", "op": "in", "value": ["sms", "email"]}) == {"Άννα"}


def test_latest_nps_answer_decides(trio: Any) -> None:
    campaign = NpsCampaign.objects.create(name="Τριμηνιαίο")
    now = timezone.now()

    def answer(customer: Customer, score: int, days_ago: int) -> None:
        at = now - dt.timedelta(days=days_ago)
        NpsResponse.objects.create(
            campaign=campaign, customer=customer, sent_at=at, ask_again_after=at, score=score, answered_at=at
        )

    answer(trio["Άννα"], 3, days_ago=200)
    answer(trio["Άννα"], 10, days_ago=10)  # the latest counts
    answer(trio["Βασίλης"], 6, days_ago=5)
    assert names({"field": "feedback.nps_category", "op": "eq", "value": "promoter"}) == {"Άννα"}
    assert names({"field": "feedback.nps_category", "op": "eq", "value": "detractor"}) == {"Βασίλης"}
    assert names({"field": "feedback.nps_score", "op": "lte", "value": 6}) == {"Βασίλης"}
    assert names({"field": "feedback.nps_category", "op": "ne", "value": "promoter"}) == {"Βασίλης", "Γιάννα"}
