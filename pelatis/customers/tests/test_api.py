from __future__ import annotations

from typing import Any

from pelatis.customers.models import Customer, Order


def test_every_route_needs_a_token(papadopoulos: Customer, api_as: Any) -> None:
    anonymous = api_as(None)
    for path in [
        "/api/v1/customers",
        f"/api/v1/customers/{papadopoulos.pk}",
        "/api/v1/orders",
        "/api/v1/subscriptions",
        f"/api/v1/customers/{papadopoulos.pk}/interactions",
    ]:
        response = anonymous.get(path)
        assert response.status_code == 401, path
    bogus = api_as(None)
    bogus.headers = {"Authorization": "Bearer pel_deadbeef_nope"}
    assert bogus.get("/api/v1/customers").status_code == 401


def test_schema_and_docs_are_published(client: Any) -> None:
    schema = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/customers" in schema["paths"]
    assert client.get("/api/v1/docs").status_code == 200


def test_search_over_the_api(papadopoulos: Customer, agent: Any, api_as: Any) -> None:
    response = api_as(agent).get("/api/v1/customers", q="papadopoulos")
    assert response.status_code == 200
    body = response.json()
    assert body["items"][0]["display_name"] == "Γιώργος Παπαδόπουλος"
    assert body["items"][0]["phones"] == ["+306971234567"]
    assert body["items"][0]["tags"] == ["VIP"]


def test_list_paginates_with_a_count(make_customer: Any, agent: Any, api_as: Any) -> None:
    for i in range(7):
        make_customer(last_name=f"Πελάτης {i}")
    body = api_as(agent).get("/api/v1/customers", limit=5, offset=5).json()
    assert body["count"] == 7
    assert len(body["items"]) == 2
    assert body["has_more"] is False
    assert api_as(agent).get("/api/v1/customers", limit=1000).status_code == 422


def test_create_validation_error_names_the_field(agent: Any, api_as: Any) -> None:
    response = api_as(agent).post(
        "/api/v1/customers", {"first_name": "Νίκος", "phones": ["12"], "emails": ["x@"]}
    )
    assert response.status_code == 422
    fields = {d["loc"][-1] for d in response.json()["detail"]}
    assert fields == {"phones", "emails"}
    assert Customer.objects.count() == 0


def test_create_update_and_timeline(agent: Any, api_as: Any) -> None:
    api = api_as(agent)
    created = api.post(
        "/api/v1/customers",
        {
            "first_name": "Ελένη",
            "last_name": "Κωνσταντίνου",
            "phones": ["2101234567"],
            "tags": ["Newsletter"],
        },
    )
    assert created.status_code == 201, created.content
    cid = created.json()["id"]
    assert created.json()["name_day_name"] == "Ελένη"
    updated = api.put(
        f"/api/v1/customers/{cid}",
        {"first_name": "Ελένη", "last_name": "Κωνσταντίνου-Ρήγα", "language": "en", "phones": ["2101234567"]},
    )
    assert updated.status_code == 200
    assert updated.json()["language"] == "en"
    note = api.post(
        f"/api/v1/customers/{cid}/interactions",
        {"channel": "phone", "direction": "in", "summary": "Ρώτησε για τον Αύγουστο"},
    )
    assert note.status_code == 201
    timeline = api.get(f"/api/v1/customers/{cid}/interactions").json()
    assert timeline[0]["summary"] == "Ρώτησε για τον Αύγουστο"


def test_orders_and_contact_points(papadopoulos: Customer, agent: Any, manager: Any, api_as: Any) -> None:
    api = api_as(agent)
    response = api.post(
        "/api/v1/orders",
        {
            "customer_id": papadopoulos.pk,
            "reference": "WEB-1",
            "placed_at": "2026-05-01T10:00:00+03:00",
            "lines": [{"name": "Σουίτα", "unit_price": "160.00", "quantity": "2", "category": "Διαμονή"}],
        },
    )
    assert response.status_code == 201, response.content
    assert response.json()["total"] == "320.00"
    assert (
        api.post(
            "/api/v1/orders",
            {
                "customer_id": papadopoulos.pk,
                "reference": "WEB-1",
                "placed_at": "2026-05-01T10:00:00+03:00",
                "lines": [{"name": "x", "unit_price": "1"}],
            },
        ).status_code
        == 422
    )
    assert Order.objects.count() == 1
    added = api.post(
        f"/api/v1/customers/{papadopoulos.pk}/contact-points", {"kind": "phone", "value": "0030 6944 000111"}
    )
    assert added.status_code == 201
    assert added.json()["value"] == "+306944000111"
    # Removing is for managers and admins, as in the UI.
    assert api.delete(f"/api/v1/contact-points/{added.json()['id']}").status_code == 403
    assert papadopoulos.contact_points.filter(pk=added.json()["id"]).exists()
    assert api_as(manager).delete(f"/api/v1/contact-points/{added.json()['id']}").status_code == 204


def test_read_only_cannot_write_and_outsider_cannot_read(
    papadopoulos: Customer, reader: Any, outsider: Any, api_as: Any
) -> None:
    assert api_as(reader).get(f"/api/v1/customers/{papadopoulos.pk}").status_code == 200
    assert api_as(reader).post("/api/v1/customers", {"last_name": "Χ"}).status_code == 403
    assert api_as(reader).put(f"/api/v1/customers/{papadopoulos.pk}", {"last_name": "Χ"}).status_code == 403
    assert api_as(outsider).get(f"/api/v1/customers/{papadopoulos.pk}").status_code == 403
    assert api_as(outsider).get("/api/v1/customers").status_code == 403


def test_merge_needs_the_merge_permission(
    papadopoulos: Customer, make_customer: Any, agent: Any, manager: Any, api_as: Any
) -> None:
    dup = make_customer(first_name="Giorgos", last_name="Papadopoulos")
    dups = api_as(agent).get(f"/api/v1/customers/{papadopoulos.pk}/duplicates").json()
    assert [d["id"] for d in dups] == [dup.pk]
    assert (
        api_as(agent).post(f"/api/v1/customers/{papadopoulos.pk}/merge", {"merged_id": dup.pk}).status_code
        == 403
    )
    response = api_as(manager).post(f"/api/v1/customers/{papadopoulos.pk}/merge", {"merged_id": dup.pk})
    assert response.status_code == 200
    assert Customer.objects.get(pk=dup.pk).merged_into_id == papadopoulos.pk


def test_a_token_over_its_rate_is_told_to_slow_down(agent: Any, api_as: Any, settings: Any) -> None:
    from django.core.cache import cache

    cache.clear()
    settings.PELATIS_API_RATE_PER_MINUTE = 3
    api = api_as(agent)
    codes = [api.get("/api/v1/customers").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    assert api_as(agent).get("/api/v1/customers").status_code == 200  # another token has its own count
    cache.clear()
