"""Each kind of segment field and its operators against customers whose answers are known."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from pelatis.customers.inputs import CustomerInput, OrderInput, OrderLineInput, SubscriptionInput
from pelatis.customers.models import Customer
from pelatis.customers.services import address_add, customer_create, order_create, subscription_create
from pelatis.customers.services.merge import customer_merge
from pelatis.engagement.segments import segment_count, segment_customers


def _customer(first: str, last: str, **fields: Any) -> Customer:
    return customer_create(data=CustomerInput(first_name=first, last_name=last, **fields))


def _order(
    customer: Customer, ref: str, lines: list[tuple[str, str, str]], days_ago: int = 0, **kw: Any
) -> None:
    order_create(
        customer=customer,
        data=OrderInput(
            reference=ref,
            placed_at=timezone.now() - dt.timedelta(days=days_ago),
            lines=[OrderLineInput(name=n, category=c, unit_price=Decimal(p)) for n, c, p in lines],
            **kw,
        ),
    )


@pytest.fixture
def cast(db: None) -> dict[str, Customer]:
    """Γιώργος: Greek, Θεσσαλονίκη, VIP, 2 orders (620 €, one 10 days ago in Καφές), a subscription.
    Maria: English, Athens, no email, one order 200 days ago (Τσάι, 40 €). Ελένη: Greek, no orders,
    tags VIP and Χονδρική, born in April. Λογιστήριο: internal. Σπύρος: merged into Γιώργος."""
    giorgos = _customer(
        "Γιώργος", "Παπαδόπουλος", emails=["g@example.gr"], phones=["6971234567"], tags=["VIP"]
    )
    address_add(customer=giorgos, line1="Εγνατία 10", city="Θεσσαλονίκη")
    _order(giorgos, "G-1", [("Espresso Χ", "Καφές", "20.00")], days_ago=10)
    _order(giorgos, "G-2", [("Μηχανή", "Συσκευές", "600.00")], days_ago=400)
    _order(giorgos, "G-3", [("Ακυρωμένο", "Καφές", "999.00")], days_ago=1, status="cancelled")
    subscription_create(
        customer=giorgos, data=SubscriptionInput(product="Καφές του μήνα", started_on=dt.date(2026, 1, 1))
    )
    maria = _customer("Maria", "Smith", language="en", phones=["+44 7911 123456"])
    address_add(customer=maria, line1="Ermou 1", city="Αθήνα")
    _order(maria, "M-1", [("Πράσινο τσάι", "Τσάι", "40.00")], days_ago=200)
    eleni = _customer(
        "Ελένη", "Γεωργίου", emails=["e@example.gr"], tags=["VIP", "Χονδρική"], birthday=dt.date(1990, 4, 23)
    )
    internal = customer_create(
        data=CustomerInput(kind="company", company_name="Λογιστήριο", category="internal", emails=["l@x.gr"])
    )
    spyros = _customer("Σπύρος", "Παπαδόπουλος", emails=["s@example.gr"], tags=["VIP"])
    customer_merge(survivor=giorgos, merged=spyros)
    return {"giorgos": giorgos, "maria": maria, "eleni": eleni, "internal": internal}


def names(rule: dict[str, Any], **top: Any) -> set[str]:
    definition = {"op": "and", "rules": [rule], **top}
    return {c.first_name or c.company_name for c in segment_customers(definition)}


def test_choice_eq_ne_in(cast: Any) -> None:
    assert names({"field": "customer.language", "op": "eq", "value": "el"}) == {"Γιώργος", "Ελένη"}
    assert names({"field": "customer.language", "op": "ne", "value": "el"}) == {"Maria"}
    assert names({"field": "customer.language", "op": "in", "value": ["en", "de"]}) == {"Maria"}
    assert names({"field": "customer.language", "op": "not_in", "value": ["en"]}) == {"Γιώργος", "Ελένη"}


def test_city_matches_any_address_in_greek(cast: Any) -> None:
    assert names({"field": "customer.city", "op": "eq", "value": "Θεσσαλονίκη"}) == {"Γιώργος"}
    # "is not" means no address in that city, customers without an address included
    assert names({"field": "customer.city", "op": "ne", "value": "Θεσσαλονίκη"}) == {"Maria", "Ελένη"}
    assert names({"field": "customer.country", "op": "eq", "value": "GR"}) == {"Γιώργος", "Maria"}


def test_tags_any_all_none(cast: Any) -> None:
    assert names({"field": "customer.tags", "op": "any", "value": ["VIP"]}) == {"Γιώργος", "Ελένη"}
    assert names({"field": "customer.tags", "op": "all", "value": ["VIP", "Χονδρική"]}) == {"Ελένη"}
    assert names({"field": "customer.tags", "op": "none", "value": ["Χονδρική"]}) == {"Γιώργος", "Maria"}


def test_internal_customers_only_when_asked(cast: Any) -> None:
    rule = {"field": "customer.has_email", "op": "eq", "value": True}
    assert names(rule) == {"Γιώργος", "Ελένη"}
    assert names(rule, include_internal=True) == {"Γιώργος", "Ελένη", "Λογιστήριο"}
    assert names({"field": "customer.category", "op": "eq", "value": "internal"}) == {"Λογιστήριο"}
    assert names({"field": "customer.kind", "op": "eq", "value": "company"}) == set()


def test_boolean_contact_points(cast: Any) -> None:
    assert names({"field": "customer.has_email", "op": "eq", "value": False}) == {"Maria"}
    assert names({"field": "customer.has_phone", "op": "eq", "value": "yes"}) == {"Γιώργος", "Maria"}


def test_birthday_month_and_created(cast: Any) -> None:
    assert names({"field": "customer.birthday_month", "op": "eq", "value": "4"}) == {"Ελένη"}
    today = timezone.localdate().isoformat()
    assert names({"field": "customer.created", "op": "eq", "value": today}) == {"Γιώργος", "Maria", "Ελένη"}
    assert names({"field": "customer.created", "op": "before", "value": today}) == set()
    assert names({"field": "customer.created_days_ago", "op": "lt", "value": 1}) == {
        "Γιώργος",
        "Maria",
        "Ελένη",
    }


def test_money_spend_ignores_cancelled_and_counts_zero_spenders(cast: Any) -> None:
    assert names({"field": "orders.spend", "op": "gt", "value": "500"}) == {"Γιώργος"}
    assert names({"field": "orders.spend", "op": "lt", "value": "100"}) == {"Maria", "Ελένη"}
    assert names({"field": "orders.spend", "op": "between", "value": ["0", "40"]}) == {"Maria", "Ελένη"}
    # within the last 90 days only the 20 € order counts
    assert names({"field": "orders.spend", "op": "gte", "value": "20,00", "within_days": 90}) == {"Γιώργος"}


def test_number_order_count(cast: Any) -> None:
    assert names({"field": "orders.count", "op": "eq", "value": 2}) == {"Γιώργος"}
    assert names({"field": "orders.count", "op": "lte", "value": 1}) == {"Maria", "Ελένη"}
    assert names({"field": "orders.count", "op": "ne", "value": 0}) == {"Γιώργος", "Maria"}


def test_category_and_product_bought(cast: Any) -> None:
    assert names({"field": "orders.category", "op": "eq", "value": "Καφές"}) == {"Γιώργος"}
    assert names({"field": "orders.category", "op": "eq", "value": "Τσάι", "within_days": 90}) == set()
    assert names({"field": "orders.category", "op": "eq", "value": "Τσάι", "within_days": 365}) == {"Maria"}
    assert names({"field": "orders.category", "op": "ne", "value": "Καφές"}) == {"Maria", "Ελένη"}
    assert names({"field": "orders.product", "op": "startswith", "value": "Espresso"}) == {"Γιώργος"}


def test_days_ago_last_purchase(cast: Any) -> None:
    assert names({"field": "orders.last_purchase", "op": "lt", "value": 30}) == {"Γιώργος"}
    assert names({"field": "orders.last_purchase", "op": "gt", "value": 90}) == {"Maria"}
    assert names({"field": "orders.last_purchase", "op": "isnull"}) == {"Ελένη"}


def test_subscriptions(cast: Any) -> None:
    assert names({"field": "subscriptions.active", "op": "eq", "value": True}) == {"Γιώργος"}
    assert names({"field": "subscriptions.product", "op": "eq", "value": "Καφές του μήνα"}) == {"Γιώργος"}


def test_merged_customers_never_match(cast: Any) -> None:
    assert segment_count({"op": "and", "rules": []}) == 3
    assert "Σπύρος" not in names({"field": "customer.tags", "op": "any", "value": ["VIP"]})


def test_nested_groups(cast: Any) -> None:
    definition: dict[str, Any] = {
        "op": "and",
        "rules": [
            {"field": "customer.language", "op": "eq", "value": "el"},
            {
                "op": "or",
                "rules": [
                    {"field": "orders.spend", "op": "gt", "value": 500},
                    {"field": "customer.tags", "op": "all", "value": ["Χονδρική"]},
                ],
            },
        ],
    }
    assert {c.first_name for c in segment_customers(definition)} == {"Γιώργος", "Ελένη"}
    definition["rules"][1]["op"] = "and"
    assert segment_count(definition) == 0


def test_dates_and_text_operators(cast: Any) -> None:
    today = timezone.localdate()
    week = [(today - dt.timedelta(days=7)).isoformat(), today.isoformat()]
    everyone = {"Γιώργος", "Maria", "Ελένη"}
    assert names({"field": "customer.created", "op": "between", "value": week}) == everyone
    assert names({"field": "customer.created", "op": "after", "value": today.isoformat()}) == set()
    assert names({"field": "customer.created", "op": "after", "value": week[0]}) == everyone
    assert names({"field": "orders.product", "op": "contains", "value": "τσάι"}) == {"Maria"}
    assert names({"field": "orders.product", "op": "eq", "value": "Μηχανή"}) == {"Γιώργος"}


def test_field_q_reads_and_checks_the_value(cast: Any) -> None:
    from django.core.exceptions import ValidationError

    from pelatis.engagement.segments import segment_fields

    spend = segment_fields()["orders.spend"]
    assert Customer.objects.filter(spend.q("gt", "500,00")).count() == 1
    with pytest.raises(ValidationError, match="operators"):
        spend.q("contains", "5")
    with pytest.raises(ValidationError, match="not a number"):
        spend.q("gt", "πεντακόσια")
