"""The audit trail of customers' personal data: who looked at a customer's page, who created, changed,
merged, imported or exported customers, from which address, and which fields changed, never the values
(except the few the trail may keep, e.g. the language)."""

from __future__ import annotations

import datetime as dt
import io
import json
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from pelatis.core.models import AuditEvent
from pelatis.customers.importing import import_file, import_undo
from pelatis.customers.models import Customer
from pelatis.customers.services import (
    address_primary_set,
    contact_point_add,
    contact_point_remove,
    customer_merge,
)
from pelatis.customers.services.audit import VIEW_WINDOW

from .import_files import csv_bytes

pytestmark = pytest.mark.django_db

IP = {"REMOTE_ADDR": "192.0.2.44"}


def _entries(**filters: Any) -> list[AuditEvent]:
    """The entries about customers (a log-in is recorded too, by the accounts app)."""
    return list(AuditEvent.objects.filter(**filters).exclude(action__in=["login", "security"]).order_by("id"))


def _fields(entry: AuditEvent) -> list[str]:
    return [f["field"] for f in entry.fields]


def _stored_text() -> str:
    """Everything the audit table holds, as text: no personal value may appear in it."""
    rows = AuditEvent.objects.values_list("actor_name", "action", "customer_id", "ip", "fields", "detail")
    return json.dumps(list(rows), ensure_ascii=False, default=str)


def _edit_form(c: Client, customer: Customer, **changes: str) -> dict[str, str]:
    page = c.get(reverse("customers:edit", args=[customer.pk]))
    data = {k: "" if v is None else str(v) for k, v in page.context["form"].initial.items()}
    data["formal"] = "on" if customer.formal else ""
    data.update(changes)
    return data


# ---------------------------------------------------------------- the 360 page


def test_a_page_view_is_recorded_once_per_user_and_ten_minutes(
    client_as: Any, agent: Any, manager: Any, papadopoulos: Customer
) -> None:
    url = reverse("customers:detail", args=[papadopoulos.pk])
    c = client_as(agent)
    for _ in range(3):
        assert c.get(url, **IP).status_code == 200
    views = _entries(action="view")
    assert [(e.actor_id, e.actor_name, e.customer_id, e.ip) for e in views] == [
        (agent.pk, "agent", papadopoulos.pk, "192.0.2.44")
    ]
    # another user's view is their own entry
    client_as(manager).get(url)
    assert [e.actor_id for e in _entries(action="view")] == [agent.pk, manager.pk]


def test_a_view_older_than_the_window_does_not_hide_a_new_one(
    client_as: Any, agent: Any, papadopoulos: Customer
) -> None:
    # given a view of this page by this user recorded just over ten minutes ago
    old = timezone.now() - VIEW_WINDOW - dt.timedelta(minutes=1)
    AuditEvent(action="view", actor=agent, actor_name="agent", customer_id=papadopoulos.pk, at=old).save()
    # when they open it again, it is a new entry
    client_as(agent).get(reverse("customers:detail", args=[papadopoulos.pk]))
    assert [e.at > old for e in _entries(action="view")] == [False, True]


def test_deciding_whether_to_record_a_view_takes_one_query(
    client_as: Any, agent: Any, papadopoulos: Customer, django_assert_num_queries: Any
) -> None:
    from django.test import RequestFactory

    from pelatis.customers.services.audit import customer_view_record

    request = RequestFactory().get("/")
    request.user = agent
    with django_assert_num_queries(2):  # the check, then the entry
        assert customer_view_record(request=request, customer_id=papadopoulos.pk)
    with django_assert_num_queries(1):  # the check alone
        assert not customer_view_record(request=request, customer_id=papadopoulos.pk)


def test_the_timeline_and_a_refused_page_record_no_view(
    client_as: Any, reader: Any, outsider: Any, papadopoulos: Customer
) -> None:
    assert client_as(outsider).get(reverse("customers:detail", args=[papadopoulos.pk])).status_code in (
        403,
        404,
    )
    assert not _entries(action="view")
    client_as(reader).get(reverse("customers:timeline", args=[papadopoulos.pk]))
    assert not _entries(action="view")


# ---------------------------------------------------------------- create and change


def test_creating_a_customer_on_the_form_records_who_and_from_where(client_as: Any, agent: Any) -> None:
    form = {
        "kind": "person",
        "category": "external",
        "title": "κα",
        "first_name": "Ελένη",
        "last_name": "Κωνσταντίνου",
        "formal": "on",
        "emails": "eleni@example.gr",
        "phones": "210 123 4567",
        "language": "el",
        "time_zone": "Europe/Athens",
        "preferred_channel": "email",
        "street": "Ερμού",
        "street_number": "12",
        "city": "Αθήνα",
        "country": "GR",
    }
    response = client_as(agent).post(reverse("customers:create"), form, **IP)
    assert response.status_code == 302
    customer = Customer.objects.get(last_name="Κωνσταντίνου")
    assert [(e.action, e.actor_id, e.customer_id, e.ip) for e in _entries()] == [
        ("create", agent.pk, customer.pk, "192.0.2.44")
    ]


def test_an_edit_names_the_changed_fields_and_keeps_only_the_allowed_values(
    client_as: Any, agent: Any, papadopoulos: Customer
) -> None:
    # given the customer's page open in the edit form
    c = client_as(agent)
    data = _edit_form(
        c,
        papadopoulos,
        first_name="Γεώργιος",
        language="en",
        emails="g.papadopoulos@example.gr, giorgos@example.com",
        vat_number="094259216",
        street="Πατησίων",
        street_number="5",
        city="Αθήνα",
        country="GR",
    )
    # when it is saved
    response = c.post(reverse("customers:edit", args=[papadopoulos.pk]), data, **IP)
    assert response.status_code == 302, response.context["form"].errors if response.context else ""
    # then one entry names the fields (the address among them), with old and new only for the language
    (entry,) = _entries(action="change")
    assert (entry.actor_id, entry.customer_id, entry.ip) == (agent.pk, papadopoulos.pk, "192.0.2.44")
    assert entry.fields == [
        {"field": "address"},
        {"field": "emails"},
        {"field": "first_name"},
        {"field": "language", "old": "el", "new": "en"},
    ]
    stored = _stored_text()
    for value in ("Γιώργος", "Γεώργιος", "giorgos@example.com", "Πατησίων", "094259216", "6971234567"):
        assert value not in stored


def test_saving_an_unchanged_form_records_nothing(client_as: Any, agent: Any, papadopoulos: Customer) -> None:
    c = client_as(agent)
    response = c.post(reverse("customers:edit", args=[papadopoulos.pk]), _edit_form(c, papadopoulos))
    assert response.status_code == 302, response.context["form"].errors if response.context else ""
    assert not _entries(action="change")


def test_a_refused_edit_records_nothing(client_as: Any, agent: Any, papadopoulos: Customer) -> None:
    c = client_as(agent)
    data = _edit_form(c, papadopoulos, first_name="Γεώργιος", vat_number="123")
    assert c.post(reverse("customers:edit", args=[papadopoulos.pk]), data).status_code == 422
    assert not _entries(action="change")


def test_contact_points_and_addresses_name_their_field(
    agent: Any, manager: Any, papadopoulos: Customer
) -> None:
    point = contact_point_add(customer=papadopoulos, kind="email", value="second@example.gr", by=agent)
    contact_point_add(customer=papadopoulos, kind="email", value="second@example.gr", by=agent)  # no change
    contact_point_remove(point=point, by=manager)
    address_primary_set(customer=papadopoulos, street="Ερμού", number="1", city="Αθήνα", by=agent)
    address_primary_set(customer=papadopoulos, street="Ερμού", number="2", city="Αθήνα", by=agent)
    address_primary_set(customer=papadopoulos, street="Ερμού", number="2", city="Αθήνα", by=agent)  # same
    assert [(e.actor_id, _fields(e)) for e in _entries(action="change")] == [
        (agent.pk, ["emails"]),
        (manager.pk, ["emails"]),
        (agent.pk, ["address"]),  # a new primary address
        (agent.pk, ["address"]),  # another number
    ]
    assert "second@example.gr" not in _stored_text()
    assert "Ερμού" not in _stored_text()


# ---------------------------------------------------------------- merge, import, export


def test_a_merge_names_both_customers(
    client_as: Any, manager: Any, papadopoulos: Customer, make_customer: Any
) -> None:
    twin = make_customer(first_name="Giorgos", last_name="Papadopoulos", emails=["gp@example.gr"])
    response = client_as(manager).post(reverse("customers:merge", args=[papadopoulos.pk, twin.pk]), **IP)
    assert response.status_code == 302
    (entry,) = _entries(action="merge")
    assert (entry.actor_id, entry.customer_id, entry.detail, entry.ip) == (
        manager.pk,
        papadopoulos.pk,
        f"merged #{twin.pk}",
        "192.0.2.44",
    )


def test_a_refused_merge_records_nothing(manager: Any, papadopoulos: Customer) -> None:
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        customer_merge(survivor=papadopoulos, merged=papadopoulos, by=manager)
    assert not _entries(action="merge")


def test_an_import_is_one_entry_with_counts_and_no_personal_data(
    manager: Any, papadopoulos: Customer
) -> None:
    rows = [
        ["first_name", "last_name", "email"],
        ["Μαρία", "Ιωάννου", "maria@example.gr"],
        ["Νίκος", "Αλεξίου", "nikos@example.gr"],
        ["Γιώργος", "Παπαδόπουλος", "g.papadopoulos@example.gr"],
    ]
    result = import_file(
        source=io.BytesIO(csv_bytes(rows)), file_name="ιωάννου.csv", kind="customers", by=manager
    )
    assert result.written
    assert result.job_id is not None
    (entry,) = _entries(action="import")
    assert entry.actor_id == manager.pk
    assert entry.customer_id is None
    assert entry.detail == (
        f"customers import #{result.job_id}: rows=3 new=2 updated=0 unchanged=1 rejected=0"
    )
    for value in ("Μαρία", "maria@example.gr", "ιωάννου"):
        assert value not in _stored_text()
    # undoing it is recorded too
    from pelatis.customers.models import ImportJob

    import_undo(job=ImportJob.objects.get(pk=result.job_id), by=manager)
    undo = _entries(action="import")[-1]
    assert undo.detail.startswith(f"customers import #{result.job_id} undone: customers_deleted=2")


def test_a_preview_or_a_rejected_import_records_nothing(manager: Any) -> None:
    rows = [["first_name", "last_name", "email"], ["Μαρία", "Ιωάννου", "maria@example.gr"]]
    import_file(
        source=io.BytesIO(csv_bytes(rows)), file_name="a.csv", kind="customers", by=manager, dry_run=True
    )
    bad = [["first_name", "last_name", "email"], ["Μαρία", "Ιωάννου", "not an email"]]
    import_file(source=io.BytesIO(csv_bytes(bad)), file_name="b.csv", kind="customers", by=manager)
    assert not _entries(action="import")


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_an_export_records_its_row_count(
    client_as: Any, manager: Any, papadopoulos: Customer, make_customer: Any, fmt: str
) -> None:
    make_customer(first_name="Μαρία", last_name="Ιωάννου", emails=["maria@example.gr"])
    response = client_as(manager).get(reverse("customers:export", kwargs={"fmt": fmt}), **IP)
    assert response.status_code == 200
    _ = b"".join(response.streaming_content) if response.streaming else response.content
    (entry,) = _entries(action="export")
    assert (entry.actor_id, entry.customer_id, entry.ip) == (manager.pk, None, "192.0.2.44")
    assert entry.detail == f"customers {fmt.upper()}: rows=2"
    # a search's export counts its results and does not keep the words searched
    client_as(manager).get(reverse("customers:export", kwargs={"fmt": fmt}), {"q": "Ιωάννου"})
    assert _entries(action="export")[-1].detail == f"customers {fmt.upper()} (search results): rows=1"
    assert "Ιωάννου" not in _stored_text()


def test_the_export_command_is_recorded(tmp_path: Any, papadopoulos: Customer) -> None:
    call_command("export", "customers", str(tmp_path / "out.csv"), stdout=io.StringIO())
    (entry,) = _entries(action="export")
    assert (entry.actor_id, entry.detail) == (None, "customers CSV (command line): rows=1")


# ---------------------------------------------------------------- the API


def _api(user: Any, scope: str) -> Any:
    from pelatis.accounts.services import token_create
    from tests.fixtures import ApiClient

    return ApiClient(token_create(user=user, scope=scope).secret)


def test_api_reads_of_one_customer_are_recorded_once_per_window(agent: Any, papadopoulos: Customer) -> None:
    api = _api(agent, "read")
    assert api.get(f"/api/v1/customers/{papadopoulos.pk}").status_code == 200
    assert api.get(f"/api/v1/customers/{papadopoulos.pk}/contact-points").status_code == 200
    assert api.get(f"/api/v1/customers/{papadopoulos.pk}/addresses").status_code == 200
    assert [(e.actor_id, e.customer_id, e.detail) for e in _entries(action="view")] == [
        (agent.pk, papadopoulos.pk, "API")
    ]
    # a list is not a read of one customer
    assert api.get("/api/v1/customers").status_code == 200
    assert len(_entries(action="view")) == 1


def test_api_writes_are_recorded(manager: Any, papadopoulos: Customer, make_customer: Any) -> None:
    api = _api(manager, "admin")  # removing a contact point and merging are a manager's
    created = api.post("/api/v1/customers", {"first_name": "Μαρία", "last_name": "Ιωάννου"})
    assert created.status_code == 201, created.content
    new_id = created.json()["id"]
    body = {"first_name": "Μαρία", "last_name": "Ιωάννου-Αλεξίου", "language": "en"}
    assert api.put(f"/api/v1/customers/{new_id}", body).status_code == 200
    point = api.post(f"/api/v1/customers/{new_id}/contact-points", {"kind": "phone", "value": "6971112233"})
    assert point.status_code == 201, point.content
    assert api.delete(f"/api/v1/contact-points/{point.json()['id']}").status_code == 204
    address = api.post(f"/api/v1/customers/{new_id}/addresses", {"line1": "Ερμού 3", "city": "Αθήνα"})
    assert address.status_code == 201, address.content
    order = {
        "customer_id": new_id,
        "reference": "API-1",
        "placed_at": "2026-11-02T10:00:00+02:00",
        "lines": [{"sku": "A", "name": "Καφές", "quantity": 1, "unit_price": "4.50"}],
    }
    assert api.post("/api/v1/orders", order).status_code == 201
    twin = make_customer(first_name="Μαρία", last_name="Ιωάννου")
    assert api.post(f"/api/v1/customers/{new_id}/merge", {"merged_id": twin.pk}).status_code == 200
    got = [(e.action, _fields(e)) for e in _entries() if e.customer_id == new_id]
    assert got == [
        ("create", []),
        ("change", ["language", "last_name"]),
        ("change", ["phones"]),
        ("change", ["phones"]),
        ("change", ["address"]),
        ("change", ["orders"]),
        ("merge", []),
    ]
    assert all(e.actor_id == manager.pk for e in _entries() if e.customer_id == new_id)
    assert "Αλεξίου" not in _stored_text()
    assert "6971112233" not in _stored_text()
