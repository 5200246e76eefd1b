"""The segments REST API: shapes, paging, 422 naming the rule, and who may do what."""

from __future__ import annotations

from typing import Any

import pytest

from pelatis.engagement.models import Segment

GREEK = {"op": "and", "rules": [{"field": "customer.language", "op": "eq", "value": "el"}]}


@pytest.fixture
def customers(make_customer: Any) -> list[Any]:
    return [
        make_customer(first_name=f"Πελάτης{i}", last_name="Θεσσαλονικιός", language="el" if i < 3 else "en")
        for i in range(4)
    ]


def test_manager_saves_and_reads_a_segment(api_as: Any, manager: Any, customers: Any) -> None:
    api = api_as(manager)
    created = api.post("/api/v1/segments", {"name": "Ελληνόφωνοι", "definition": GREEK})
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["name"] == "Ελληνόφωνοι"
    assert body["count"] == 3
    assert body["definition"] == GREEK
    listed = api.get("/api/v1/segments", limit=10).json()
    assert listed["items"][0]["count"] == 3
    assert (listed["limit"], listed["offset"], listed["has_more"]) == (10, 0, False)


def test_customers_are_paged(api_as: Any, manager: Any, customers: Any) -> None:
    segment = Segment.objects.create(name="Ελληνόφωνοι", definition=GREEK)
    api = api_as(manager)
    first = api.get(f"/api/v1/segments/{segment.pk}/customers", limit=2).json()
    assert set(first) == {"items", "limit", "offset", "has_more"}
    assert len(first["items"]) == 2
    assert first["has_more"] is True
    assert first["items"][0]["language"] == "el"
    rest = api.get(f"/api/v1/segments/{segment.pk}/customers", limit=2, offset=2).json()
    assert len(rest["items"]) == 1
    assert rest["has_more"] is False
    ids = {c["id"] for c in first["items"] + rest["items"]}
    assert ids == {c.pk for c in customers[:3]}


def test_bad_rule_is_named_in_a_422(api_as: Any, manager: Any) -> None:
    definition = {
        "op": "and",
        "rules": [
            GREEK["rules"][0],
            {"op": "or", "rules": [{"field": "orders.spend", "op": "gt", "value": "πολλά"}]},
        ],
    }
    answer = api_as(manager).post("/api/v1/segments", {"name": "Κακό", "definition": definition})
    assert answer.status_code == 422
    [error] = answer.json()["detail"]
    assert error["loc"] == ["body", "definition", "rules", 1, "rules", 0, "value"]
    assert "πολλά" in error["msg"]
    assert not Segment.objects.exists()


def test_duplicate_name_is_refused(api_as: Any, manager: Any) -> None:
    Segment.objects.create(name="VIP", definition=GREEK)
    answer = api_as(manager).post("/api/v1/segments", {"name": " vip ", "definition": GREEK})
    assert answer.status_code == 422
    assert answer.json()["detail"][0]["loc"] == ["body", "name"]


def test_count_of_an_unsaved_filter(api_as: Any, agent: Any, customers: Any) -> None:
    api = api_as(agent)
    assert api.post("/api/v1/segments/count", {"definition": GREEK}).json() == {"count": 3}
    bad = api.post("/api/v1/segments/count", {"definition": {"op": "and", "rules": [{"field": "x"}]}})
    assert bad.status_code == 422
    assert bad.json()["detail"][0]["loc"] == ["body", "definition", "rules", 0, "field"]


def test_agent_reads_but_cannot_save_or_change(api_as: Any, agent: Any, customers: Any) -> None:
    segment = Segment.objects.create(name="Ελληνόφωνοι", definition=GREEK)
    api = api_as(agent)
    assert api.get("/api/v1/segments").status_code == 200
    assert api.get(f"/api/v1/segments/{segment.pk}/customers").status_code == 200
    assert api.post("/api/v1/segments", {"name": "Νέο", "definition": GREEK}).status_code == 403
    assert api.put(f"/api/v1/segments/{segment.pk}", {"name": "Άλλο", "definition": GREEK}).status_code == 403
    assert api.delete(f"/api/v1/segments/{segment.pk}").status_code == 403
    assert Segment.objects.get().name == "Ελληνόφωνοι"


def test_read_only_and_outsider_see_nothing(api_as: Any, reader: Any, outsider: Any) -> None:
    segment = Segment.objects.create(name="Ελληνόφωνοι", definition=GREEK)
    for user in (reader, outsider):
        api = api_as(user)
        assert api.get("/api/v1/segments").status_code == 403
        assert api.get(f"/api/v1/segments/{segment.pk}/customers").status_code == 403
        assert api.post("/api/v1/segments/count", {"definition": GREEK}).status_code == 403
    assert api_as(None).get("/api/v1/segments").status_code == 401


def test_manager_changes_and_deletes(api_as: Any, manager: Any, customers: Any) -> None:
    segment = Segment.objects.create(name="Ελληνόφωνοι", definition=GREEK)
    api = api_as(manager)
    english = {"op": "and", "rules": [{"field": "customer.language", "op": "eq", "value": "en"}]}
    changed = api.put(f"/api/v1/segments/{segment.pk}", {"name": "Αγγλόφωνοι", "definition": english})
    assert changed.status_code == 200
    assert changed.json()["count"] == 1
    assert api.delete(f"/api/v1/segments/{segment.pk}").status_code == 204
    assert not Segment.objects.exists()
    assert api.get(f"/api/v1/segments/{segment.pk}").status_code == 404


def test_an_object_for_a_value_is_called_an_object_not_a_list(api_as: Any, manager: Any) -> None:
    api = api_as(manager)
    for value, words, not_words in (
        ({"from": 1}, "not an object", "list"),
        ([1, 2], "not a list", "object"),
    ):
        definition = {"op": "and", "rules": [{"field": "orders.count", "op": "gt", "value": value}]}
        answer = api.post("/api/v1/segments", {"name": "Πολλές αγορές", "definition": definition})
        assert answer.status_code == 422, value
        [error] = answer.json()["detail"]
        assert error["loc"] == ["body", "definition", "rules", 0, "value"]
        assert words in error["msg"]
        assert not_words not in error["msg"]
    assert not Segment.objects.exists()
