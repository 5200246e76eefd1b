"""Every REST operation × every role, against the role table in docs/api-roles.md.

The table is parsed here, so the documentation and the test cannot drift: an operation of the OpenAPI
schema without a row fails, a row without an operation fails, and each cell is called with a valid
request (a refusal must be the role's, not the body's): ✓ must succeed, ✗ must answer 403 and change
nothing.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from pelatis.accounts.services import token_create
from pelatis.analytics.models import CustomerValue
from pelatis.customers.inputs import CustomerInput, OrderInput, OrderLineInput
from pelatis.customers.models import ContactPoint, Customer
from pelatis.customers.services import customer_create, order_create
from pelatis.engagement.models import Segment
from pelatis.helpdesk.models import Team
from pelatis.helpdesk.services.tickets import InboundMail, message_receive, ticket_open
from pelatis.loyalty.services.orders import loyalty_orders_sync
from tests.fixtures import ApiClient, _user

TABLE = Path(__file__).resolve().parents[1] / "docs" / "api-roles.md"
ROLES = ["admin", "manager", "agent", "read-only", "no role"]
_ROW = re.compile(r"^\|\s*`(?P<op>(?:GET|POST|PUT|PATCH|DELETE) /\S+)`\s*\|(?P<cells>.*)\|\s*$")


def role_table() -> dict[str, dict[str, bool]]:
    """``{"GET /api/v1/customers": {"admin": True, ...}}`` from the markdown table."""
    rows: dict[str, dict[str, bool]] = {}
    for line in TABLE.read_text(encoding="utf-8").splitlines():
        match = _ROW.match(line.strip())
        if match is None:
            continue
        cells = [c.strip() for c in match["cells"].split("|")]
        assert len(cells) == len(ROLES), f"{match['op']}: {len(cells)} cells, expected {len(ROLES)}"
        assert set(cells) <= {"✓", "✗"}, f"{match['op']}: cells must be ✓ or ✗, not {cells}"
        assert match["op"] not in rows, f"{match['op']} is listed twice"
        rows[match["op"]] = {role: cell == "✓" for role, cell in zip(ROLES, cells, strict=True)}
    return rows


def schema_operations() -> set[str]:
    from pelatis.api import api

    return {
        f"{method.upper()} {path}"
        for path, item in api.get_openapi_schema()["paths"].items()
        for method in item
    }


def test_the_table_lists_every_operation_once() -> None:
    table = set(role_table())
    operations = schema_operations()
    assert operations - table == set(), "operations missing from docs/api-roles.md"
    assert table - operations == set(), "rows in docs/api-roles.md for operations that do not exist"


def test_no_role_may_call_nothing_and_admin_everything() -> None:
    table = role_table()
    assert not any(row["no role"] for row in table.values())
    assert all(row["admin"] for row in table.values())


# ---------------------------------------------------------------- the world every cell is called in


@dataclass
class World:
    customer: Customer
    duplicate: Customer
    point: ContactPoint
    order_id: int
    ticket_id: int
    other_ticket_id: int
    second_message_id: int
    team_id: int
    segment_id: int

    def path_ids(self) -> dict[str, int]:
        return {
            "customer_id": self.customer.pk,
            "point_id": self.point.pk,
            "order_id": self.order_id,
            "ticket_id": self.ticket_id,
            "message_id": self.second_message_id,
            "segment_id": self.segment_id,
        }


@pytest.fixture
def world(db: None) -> World:
    customer = customer_create(
        data=CustomerInput(
            first_name="Γιώργος",
            last_name="Παπαδόπουλος",
            title="κ.",
            emails=["g.papadopoulos@example.com"],
            phones=["697 123 4567"],
        )
    )
    duplicate = customer_create(data=CustomerInput(first_name="Giorgos", last_name="Papadopoulos"))
    order = order_create(
        customer=customer,
        data=OrderInput(
            reference="ORD-1",
            placed_at=timezone.now(),
            lines=[OrderLineInput(name="Σουίτα", unit_price="90.00")],
        ),
    )
    loyalty_orders_sync(order_ids=[order.pk])  # the test's transaction never commits: earn the 90 points now
    ticket, _first = ticket_open(
        customer=customer,
        subject="Παράπονο για το δωμάτιο",
        mail=InboundMail(body_text="Δεν είχε ζεστό νερό"),
        type="complaint",
    )
    second = message_receive(
        ticket=ticket, mail=InboundMail(body_text="Και το τιμολόγιο;", subject="Τιμολόγιο")
    )
    other, _ = ticket_open(
        customer=customer, subject="Ξανά για το δωμάτιο", mail=InboundMail(body_text="Ξανά")
    )
    CustomerValue.objects.create(customer=customer, orders=1, revenue=90.0, segment="new")
    team = Team.objects.create(name="Υποδοχή")
    segment = Segment.objects.create(
        name="Ελληνόφωνοι",
        definition={"op": "and", "rules": [{"field": "customer.language", "op": "eq", "value": "el"}]},
    )
    return World(
        customer=customer,
        duplicate=duplicate,
        point=customer.contact_points.get(kind="email"),
        order_id=order.pk,
        ticket_id=ticket.pk,
        other_ticket_id=other.pk,
        second_message_id=second.pk,
        team_id=team.pk,
        segment_id=segment.pk,
    )


# A valid request for each operation: (query parameters or JSON body) built from the world.
REQUESTS: dict[str, Callable[[World], dict[str, Any]]] = {
    "POST /api/v1/customers/{customer_id}/consent": lambda w: {
        "purpose": "marketing",
        "channel": "sms",
        "granted": True,
        "wording": "Συμφωνώ να λαμβάνω προσφορές με SMS.",
        "note": "Από το τηλέφωνο",
    },
    "POST /api/v1/segments": lambda w: {
        "name": "Θεσσαλονίκη VIP",
        "definition": {
            "op": "and",
            "rules": [
                {"field": "customer.city", "op": "eq", "value": "Θεσσαλονίκη"},
                {"field": "customer.tags", "op": "any", "value": ["VIP"]},
            ],
        },
    },
    "POST /api/v1/segments/count": lambda w: {
        "definition": {
            "op": "or",
            "rules": [
                {"field": "orders.spend", "op": "gt", "value": "500"},
                {"field": "orders.category", "op": "eq", "value": "Καφές", "within_days": 90},
            ],
        }
    },
    "PUT /api/v1/segments/{segment_id}": lambda w: {
        "name": "Ελληνόφωνοι πελάτες",
        "definition": {"op": "and", "rules": [{"field": "customer.language", "op": "eq", "value": "el"}]},
    },
    "POST /api/v1/loyalty/{customer_id}/redeem": lambda w: {"points": 5, "reason": "Δωρεάν καφές"},
    "POST /api/v1/loyalty/{customer_id}/adjust": lambda w: {
        "points": 10,
        "reason": "Αποζημίωση για την καθυστέρηση",
    },
    "POST /api/v1/customers": lambda w: {"first_name": "Ελένη", "last_name": "Κωνσταντίνου"},
    "PUT /api/v1/customers/{customer_id}": lambda w: {
        "first_name": "Γιώργος",
        "last_name": "Παπαδόπουλος-Νέος",
        "title": "κ.",
        "emails": ["g.papadopoulos@example.com"],
        "phones": ["697 123 4567"],
    },
    "POST /api/v1/customers/{customer_id}/merge": lambda w: {"merged_id": w.duplicate.pk},
    "POST /api/v1/customers/{customer_id}/contact-points": lambda w: {
        "kind": "email",
        "value": "g2@example.com",
    },
    "POST /api/v1/customers/{customer_id}/addresses": lambda w: {"line1": "Ερμού 10", "city": "Αθήνα"},
    "POST /api/v1/orders": lambda w: {
        "customer_id": w.customer.pk,
        "reference": "ORD-2",
        "placed_at": "2026-05-01T10:00:00+03:00",
        "lines": [{"name": "Πρωινό", "unit_price": "12.50"}],
    },
    "POST /api/v1/subscriptions": lambda w: {
        "customer_id": w.customer.pk,
        "product": "Συνδρομή SPA",
        "started_on": "2026-01-01",
    },
    "POST /api/v1/customers/{customer_id}/interactions": lambda w: {
        "channel": "phone",
        "direction": "in",
        "summary": "Ρώτησε για τον Αύγουστο",
    },
    "POST /api/v1/tickets": lambda w: {
        "customer_id": w.customer.pk,
        "subject": "Τηλεφώνημα",
        "body": "Ζητά αλλαγή ημερομηνίας",
    },
    "POST /api/v1/tickets/{ticket_id}/messages": lambda w: {"kind": "note", "body": "Έλεγξα την κράτηση"},
    "POST /api/v1/tickets/{ticket_id}/status": lambda w: {"status": "open"},
    "POST /api/v1/tickets/{ticket_id}/stage": lambda w: {"stage": "acknowledged"},
    "POST /api/v1/tickets/{ticket_id}/assign": lambda w: {"assignee_id": None, "team_id": w.team_id},
    "POST /api/v1/tickets/{ticket_id}/priority": lambda w: {"priority": "high"},
    "POST /api/v1/tickets/{ticket_id}/merge": lambda w: {"merged_id": w.other_ticket_id},
    "POST /api/v1/tickets/{ticket_id}/orders": lambda w: {"order_ids": [w.order_id]},
    "PUT /api/v1/tickets/{ticket_id}/tags": lambda w: {"tags": ["Παράπονο"]},
    "POST /api/v1/messages/{message_id}/split": lambda w: {},
    "POST /api/v1/tone/check": lambda w: {"text": "Καλησπέρα σας, σας ευχαριστούμε."},
    "POST /api/v1/feedback/reviews": lambda w: {
        "platform": "google",
        "external_id": "g-1",
        "rating": 5,
        "text": "Υπέροχη διαμονή",
    },
}


def _call(client: ApiClient, operation: str, world: World) -> Any:
    method, path = operation.split(" ", 1)
    url = path.format(**world.path_ids())
    data = REQUESTS[operation](world) if operation in REQUESTS else {}
    if method == "GET":
        return client.get(url, **data)
    if method == "DELETE":
        return client.delete(url)
    return client.post(url, data) if method == "POST" else client.put(url, data)


def _user_for(role: str) -> Any:
    return _user(f"api-{role.replace(' ', '-')}", None if role == "no role" else role)


def _writes(client: ApiClient, operation: str, world: World) -> tuple[Any, list[str]]:
    with CaptureQueriesContext(connection) as queries:
        response = _call(client, operation, world)
    written = [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
        and "accounts_apitoken" not in q["sql"]
        and "pelatis_cache" not in q["sql"]
    ]
    return response, written


CELLS = [
    (operation, role, allowed)
    for operation, row in sorted(role_table().items())
    for role, allowed in row.items()
]


@pytest.mark.parametrize(
    ("operation", "role", "allowed"), CELLS, ids=[f"{op} as {role}" for op, role, _ in CELLS]
)
def test_role_table_holds(operation: str, role: str, allowed: bool, world: World) -> None:
    method, _path = operation.split(" ", 1)
    assert method == "GET" or operation in REQUESTS or operation.startswith("DELETE"), (
        f"add a valid request for {operation} to REQUESTS"
    )
    client = ApiClient(token_create(user=_user_for(role), scope="admin").secret)
    response, written = _writes(client, operation, world)
    if allowed:
        assert 200 <= response.status_code < 300, (response.status_code, response.content[:500])
    else:
        assert response.status_code == 403, (response.status_code, response.content[:500])
        assert response.json() == {
            "detail": [
                {"loc": [], "msg": "You do not have permission to do this.", "type": "permission_denied"}
            ]
        }
        assert written == [], "a refused request wrote to the database"


@pytest.mark.parametrize("operation", sorted(role_table()))
def test_without_a_token_every_operation_is_401(operation: str, world: World) -> None:
    response = _call(ApiClient(None), operation, world)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Bearer"


# ---------------------------------------------------------------- contact points: managers and admins only


def test_agent_cannot_remove_a_contact_point_by_leaving_it_out_of_a_profile_update(world: World) -> None:
    agent = ApiClient(token_create(user=_user_for("agent"), scope="admin").secret)
    response = agent.put(
        f"/api/v1/customers/{world.customer.pk}",
        {"first_name": "Γιώργος", "last_name": "Παπαδόπουλος", "emails": [], "phones": ["697 123 4567"]},
    )
    assert response.status_code == 403
    assert world.customer.contact_points.filter(kind="email").exists()
    # adding one is fine
    added = agent.put(
        f"/api/v1/customers/{world.customer.pk}",
        {
            "first_name": "Γιώργος",
            "last_name": "Παπαδόπουλος",
            "emails": ["g.papadopoulos@example.com", "g@example.org"],
            "phones": ["697 123 4567"],
        },
    )
    assert added.status_code == 200, added.content
    assert sorted(added.json()["emails"]) == ["g.papadopoulos@example.com", "g@example.org"]


def test_manager_may_remove_a_contact_point_by_leaving_it_out(world: World) -> None:
    manager = ApiClient(token_create(user=_user_for("manager"), scope="admin").secret)
    response = manager.put(
        f"/api/v1/customers/{world.customer.pk}",
        {"first_name": "Γιώργος", "last_name": "Παπαδόπουλος", "emails": [], "phones": ["697 123 4567"]},
    )
    assert response.status_code == 200
    assert not world.customer.contact_points.filter(kind="email").exists()


def test_the_table_is_the_roles_module() -> None:
    """A spot check that the table and pelatis/accounts/roles.py say the same about contact points."""
    from pelatis.accounts.roles import AGENT, MANAGER, READ_ONLY

    row = role_table()["DELETE /api/v1/contact-points/{point_id}"]
    assert row["manager"] == ("customers.delete_contactpoint" in MANAGER.permissions)
    assert row["agent"] == ("customers.delete_contactpoint" in AGENT.permissions)
    assert row["read-only"] == ("customers.delete_contactpoint" in READ_ONLY.permissions)
