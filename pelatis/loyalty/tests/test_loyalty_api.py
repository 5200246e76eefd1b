"""The REST API: the balance with what expires soon and the ledger; redeem (409 when short); adjust (managers)."""

from __future__ import annotations

from typing import Any

from django.test import TestCase

from pelatis.customers.inputs import OrderInput, OrderLineInput
from pelatis.customers.models import Customer
from pelatis.customers.services import order_create

from ..models import LedgerEntry
from .helpers import balance, paid_order

REASON = "Δωρεάν πρωινό — κ. Παπαδόπουλος"


def test_the_balance_ledger_page_and_expiring_soon(papadopoulos: Customer, reader: Any, api_as: Any) -> None:
    for n in range(3):
        paid_order(papadopoulos, f"Π-{n}", "10.00")

    response = api_as(reader).get(f"/api/v1/loyalty/{papadopoulos.pk}", limit=2)

    assert response.status_code == 200
    body = response.json()
    assert body["balance"] == 30
    assert body["expiring_soon"] == {"points": 0, "on": None}
    assert [i["order_reference"] for i in body["ledger"]["items"]] == ["Π-2", "Π-1"]
    assert body["ledger"]["has_more"] is True


def test_an_agent_redeems_and_the_greek_reason_is_kept(
    papadopoulos: Customer, agent: Any, api_as: Any
) -> None:
    paid_order(papadopoulos, "Π-9", "50.00")

    response = api_as(agent).post(
        f"/api/v1/loyalty/{papadopoulos.pk}/redeem", {"points": 20, "reason": REASON}
    )

    assert response.status_code == 200, response.content
    assert response.json()["balance"] == 30
    entry = LedgerEntry.objects.get(kind="redeem")
    assert entry.reason.encode() == REASON.encode()
    assert entry.by == agent


def test_redeeming_more_than_the_balance_is_409_naming_it(
    papadopoulos: Customer, agent: Any, api_as: Any
) -> None:
    paid_order(papadopoulos, "Π-8", "12.00")

    response = api_as(agent).post(
        f"/api/v1/loyalty/{papadopoulos.pk}/redeem", {"points": 13, "reason": "Σπα"}
    )

    assert response.status_code == 409
    assert response.json()["detail"][0]["msg"] == (
        "Not enough points: the balance is 12 points, 13 were asked for."
    )
    assert not LedgerEntry.objects.filter(kind="redeem").exists()
    assert balance(papadopoulos) == 12


def test_only_managers_adjust(papadopoulos: Customer, agent: Any, manager: Any, api_as: Any) -> None:
    url = f"/api/v1/loyalty/{papadopoulos.pk}/adjust"
    body = {"points": 15, "reason": "Αποζημίωση για το παράπονο"}

    refused = api_as(agent).post(url, body)
    allowed = api_as(manager).post(url, body)
    below_zero = api_as(manager).post(url, {"points": -16, "reason": "Διόρθωση"})

    assert refused.status_code == 403
    assert allowed.status_code == 200
    assert allowed.json()["balance"] == 15
    assert below_zero.status_code == 409
    assert list(LedgerEntry.objects.values_list("points", flat=True)) == [15]


def test_a_reader_cannot_redeem_and_an_unknown_customer_is_404(
    papadopoulos: Customer, reader: Any, agent: Any, api_as: Any
) -> None:
    paid_order(papadopoulos, "Π-7", "10.00")

    refused = api_as(reader).post(
        f"/api/v1/loyalty/{papadopoulos.pk}/redeem", {"points": 1, "reason": "Καφές"}
    )
    missing = api_as(agent).get("/api/v1/loyalty/999999")

    assert refused.status_code == 403
    assert missing.status_code == 404
    assert balance(papadopoulos) == 10


def test_an_order_created_by_the_service_earns_after_its_commit(
    papadopoulos: Customer, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        order = order_create(
            customer=papadopoulos,
            data=OrderInput(
                reference="ΟΝ-1", placed_at=papadopoulos.created_at, lines=[OrderLineInput("Δείπνο", "64.50")]
            ),
        )

    assert LedgerEntry.objects.get(order_id=order.pk).points == 64
    assert balance(papadopoulos) == 64


def test_an_order_posted_to_the_api_earns(papadopoulos: Customer, agent: Any, api_as: Any) -> None:
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = api_as(agent).post(
            "/api/v1/orders",
            {
                "customer_id": papadopoulos.pk,
                "reference": "ΑΡΙ-1",
                "placed_at": papadopoulos.created_at.isoformat(),
                "lines": [{"name": "Σουίτα", "unit_price": "90.00"}],
            },
        )

    assert response.status_code == 201, response.content
    assert balance(papadopoulos) == 90
