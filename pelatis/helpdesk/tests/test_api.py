from __future__ import annotations

from typing import Any

from pelatis.customers.models import Customer
from pelatis.helpdesk.models import Ticket


def test_log_a_phone_call_reply_and_resolve(papadopoulos: Customer, agent: Any, api_as: Any) -> None:
    api = api_as(agent)
    created = api.post(
        "/api/v1/tickets",
        {
            "customer_id": papadopoulos.pk,
            "subject": "Τηλεφώνημα για ακύρωση",
            "body": "Ζητά ακύρωση της κράτησης της 12ης Μαΐου",
            "channel": "phone",
        },
    )
    assert created.status_code == 201, created.content
    tid = created.json()["id"]
    assert created.json()["first_response_due"] is not None
    assert created.json()["messages"][0]["body_text"].startswith("Ζητά ακύρωση")
    note = api.post(
        f"/api/v1/tickets/{tid}/messages", {"kind": "note", "body": "Έλεγξα την πολιτική ακύρωσης"}
    )
    assert note.status_code == 201
    reply = api.post(f"/api/v1/tickets/{tid}/messages", {"body": "Η ακύρωση έγινε.", "status": "resolved"})
    assert reply.status_code == 201
    assert reply.json()["delivery"] == ""  # a phone ticket is answered by phone, not email
    ticket = api.get(f"/api/v1/tickets/{tid}").json()
    assert ticket["status"] == "resolved"
    assert [m["direction"] for m in ticket["messages"]] == ["in", "note", "out"]


def test_inbox_views(papadopoulos: Customer, open_ticket: Any, agent: Any, api_as: Any) -> None:
    mine, other = open_ticket(papadopoulos), open_ticket(papadopoulos, subject="Άλλο")
    Ticket.objects.filter(pk=mine.pk).update(assignee=agent)
    api = api_as(agent)
    assert [t["id"] for t in api.get("/api/v1/tickets", view="mine").json()["items"]] == [mine.pk]
    assert [t["id"] for t in api.get("/api/v1/tickets", view="unassigned").json()["items"]] == [other.pk]
    assert api.get("/api/v1/tickets", view="nonsense").status_code == 422


def test_errors_name_the_field_and_roles_are_enforced(
    papadopoulos: Customer, open_ticket: Any, agent: Any, reader: Any, outsider: Any, api_as: Any
) -> None:
    ticket = open_ticket(papadopoulos)
    bad = api_as(agent).post(f"/api/v1/tickets/{ticket.pk}/status", {"status": "lost"})
    assert bad.status_code == 422
    assert bad.json()["detail"][0]["loc"][-1] == "status"
    assert api_as(reader).get(f"/api/v1/tickets/{ticket.pk}").status_code == 200
    assert api_as(reader).post(f"/api/v1/tickets/{ticket.pk}/messages", {"body": "x"}).status_code == 403
    assert api_as(outsider).get("/api/v1/tickets").status_code == 403
    assert api_as(None).get("/api/v1/tickets").status_code == 401


def test_split_link_and_tag_over_the_api(
    papadopoulos: Customer, open_ticket: Any, make_order: Any, agent: Any, api_as: Any
) -> None:
    from pelatis.helpdesk.services.messages import InboundMail, message_receive

    ticket = open_ticket(papadopoulos)
    second = message_receive(ticket=ticket, mail=InboundMail(body_text="Άλλο θέμα", subject="Τιμολόγιο"))
    order = make_order(papadopoulos, "ORD-9")
    api = api_as(agent)
    split = api.post(f"/api/v1/messages/{second.pk}/split")
    assert split.status_code == 201
    assert split.json()["subject"] == "Τιμολόγιο"
    assert api.post(f"/api/v1/tickets/{ticket.pk}/orders", {"order_ids": [order.pk]}).status_code == 200
    assert api.post(f"/api/v1/tickets/{ticket.pk}/orders", {"order_ids": [999999]}).status_code == 422
    assert api.put(f"/api/v1/tickets/{ticket.pk}/tags", {"tags": ["Τιμολόγηση"]}).status_code == 200
