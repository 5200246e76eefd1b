"""Consent over REST: the current state and the paged history, recording (source api), 422 naming the
field, and who may do what."""

from __future__ import annotations

from typing import Any

import pytest

from pelatis.customers.models import Customer
from pelatis.privacy.models import ConsentRecord
from pelatis.privacy.queries import consent_allows

pytestmark = pytest.mark.django_db

BODY = {
    "purpose": "marketing",
    "channel": "sms",
    "granted": True,
    "wording": "Συμφωνώ να λαμβάνω προσφορές με SMS.",
    "note": "Από την εφαρμογή του καταστήματος",
}


def test_record_and_read_back(papadopoulos: Customer, agent: Any, api_as: Any) -> None:
    api = api_as(agent)
    path = f"/api/v1/customers/{papadopoulos.pk}/consent"
    answer = api.post(path, BODY)
    assert answer.status_code == 200, answer.content
    body = answer.json()
    assert (body["source"], body["wording"], body["recorded_by"]) == ("api", BODY["wording"], "agent")
    assert consent_allows(papadopoulos.pk, "marketing", "sms") is True
    assert api.post(path, BODY).json()["id"] == body["id"]  # a repeat adds nothing
    api.post(path, {**BODY, "granted": False, "wording": ""})
    read = api.get(f"{path}?limit=1").json()
    current = {(s["purpose"], s["channel"]): s for s in read["current"]}
    assert current[("marketing", "sms")]["granted"] is False
    assert current[("marketing", "email")] == {
        "purpose": "marketing",
        "channel": "email",
        "granted": False,
        "recorded": False,
        "recorded_at": None,
    }
    assert current[("surveys", "email")]["granted"] is True
    assert [r["granted"] for r in read["history"]["items"]] == [False]
    assert read["history"]["has_more"] is True
    second = api.get(f"{path}?limit=1&offset=1").json()["history"]
    assert [r["wording"] for r in second["items"]] == [BODY["wording"]]
    assert second["has_more"] is False


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"purpose": "spam"}, "purpose"),
        ({"channel": "fax"}, "channel"),
        ({"note": "x" * 301}, "note"),
        ({"granted": "perhaps"}, "granted"),
    ],
)
def test_bad_input_is_422_naming_the_field(
    papadopoulos: Customer, manager: Any, api_as: Any, change: dict[str, Any], field: str
) -> None:
    answer = api_as(manager).post(f"/api/v1/customers/{papadopoulos.pk}/consent", {**BODY, **change})
    assert answer.status_code == 422
    assert field in {str(part) for item in answer.json()["detail"] for part in item["loc"]}
    assert not ConsentRecord.objects.exists()


def test_roles(papadopoulos: Customer, reader: Any, outsider: Any, api_as: Any) -> None:
    path = f"/api/v1/customers/{papadopoulos.pk}/consent"
    assert api_as(reader).get(path).status_code == 200
    assert api_as(reader).post(path, BODY).status_code == 403
    assert api_as(outsider).get(path).status_code == 403
    assert api_as(None).get(path).status_code == 401
    assert not ConsentRecord.objects.exists()


def test_unknown_customer_is_404(agent: Any, api_as: Any) -> None:
    assert api_as(agent).get("/api/v1/customers/999999/consent").status_code == 404
    assert api_as(agent).post("/api/v1/customers/999999/consent", BODY).status_code == 404
