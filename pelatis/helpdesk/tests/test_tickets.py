from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from pelatis.customers.models import Customer, Interaction
from pelatis.customers.services import customer_merge
from pelatis.helpdesk.models import Message, SlaPause, Ticket, TicketEvent
from pelatis.helpdesk.services import sla
from pelatis.helpdesk.services.lifecycle import ticket_set_stage, ticket_set_status
from pelatis.helpdesk.services.merge import ticket_merge
from pelatis.helpdesk.services.messages import InboundMail, message_receive, note_add, reply_send
from pelatis.helpdesk.services.tickets import ticket_open

ATHENS = zoneinfo.ZoneInfo("Europe/Athens")


def test_friday_evening_request_before_clean_monday_is_due_tuesday(papadopoulos: Customer) -> None:
    # given: Friday 20 Feb 2026, 19:00 in Athens; Monday 23 Feb is Clean Monday (a public holiday)
    friday = dt.datetime(2026, 2, 20, 19, 0, tzinfo=ATHENS)
    # when
    ticket, _m = ticket_open(
        customer=papadopoulos,
        subject="Κράτηση για Πάσχα",
        mail=InboundMail(body_text="Καλησπέρα σας", received_at=friday),
    )
    # then: the normal policy gives 4 business hours: Tuesday 09:00 + 4 h
    assert ticket.sla_policy is not None
    assert ticket.sla_policy.priority == "normal"
    assert ticket.first_response_due == dt.datetime(2026, 2, 24, 13, 0, tzinfo=ATHENS)
    assert ticket.resolution_due is not None
    assert ticket.resolution_due > ticket.first_response_due


def test_open_writes_message_history_and_timeline(papadopoulos: Customer, open_ticket: Any) -> None:
    ticket = open_ticket(papadopoulos)
    assert ticket.status == Ticket.Status.NEW
    assert ticket.messages.get().direction == Message.Direction.INBOUND
    assert TicketEvent.objects.filter(ticket=ticket, kind="opened").exists()
    entry = Interaction.objects.get(customer=papadopoulos, source_type="helpdesk.ticket")
    assert entry.source_id == str(ticket.pk)
    assert "Ερώτηση για κράτηση" in entry.summary


def test_empty_request_is_refused(papadopoulos: Customer) -> None:
    with pytest.raises(ValidationError):
        ticket_open(customer=papadopoulos, subject="x", mail=InboundMail(body_text="  "))
    assert Ticket.objects.count() == 0


def test_reply_pauses_the_clock_and_the_customer_reply_restarts_it(
    papadopoulos: Customer, open_ticket: Any, agent: Any
) -> None:
    ticket = open_ticket(papadopoulos)
    reply = reply_send(ticket=ticket, body_text="Καλησπέρα σας, ναι, υπάρχει διαθεσιμότητα.", by=agent)
    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.PENDING
    assert ticket.first_responded_at == reply.created_at
    assert ticket.agent_replies == 1
    assert SlaPause.objects.filter(ticket=ticket, ended_at__isnull=True, reason="pending").count() == 1
    # the customer answers
    message_receive(ticket=ticket, mail=InboundMail(body_text="Ευχαριστώ, κλείστε το."))
    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.OPEN
    assert not SlaPause.objects.filter(ticket=ticket, ended_at__isnull=True).exists()
    assert ticket.awaiting_reply_since is not None
    assert ticket.next_response_due is not None


def test_reply_to_a_resolved_ticket_reopens_it(papadopoulos: Customer, open_ticket: Any, agent: Any) -> None:
    ticket = open_ticket(papadopoulos)
    reply_send(ticket=ticket, body_text="Έγινε η κράτηση.", by=agent, status=Ticket.Status.RESOLVED)
    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.RESOLVED
    assert ticket.follow_up_due is not None
    assert ticket.first_contact_resolution
    message_receive(ticket=ticket, mail=InboundMail(body_text="Δεν ήρθε η επιβεβαίωση."))
    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.OPEN
    assert ticket.reopened_count == 1
    assert ticket.resolved_at is None
    assert not ticket.first_contact_resolution


def test_auto_reply_does_not_reopen(papadopoulos: Customer, open_ticket: Any, agent: Any) -> None:
    ticket = open_ticket(papadopoulos)
    reply_send(ticket=ticket, body_text="Έγινε.", by=agent, status=Ticket.Status.RESOLVED)
    message_receive(ticket=ticket, mail=InboundMail(body_text="Out of office", is_auto=True))
    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.RESOLVED
    assert ticket.reopened_count == 0


def test_paused_time_does_not_count(papadopoulos: Customer, agent: Any) -> None:
    # Monday 2 March 2026 09:00; the normal policy's 4-hour first response is due 13:00
    monday = dt.datetime(2026, 3, 2, 9, 0, tzinfo=ATHENS)
    ticket, _m = ticket_open(
        customer=papadopoulos, subject="Ερώτηση", mail=InboundMail(body_text="x", received_at=monday)
    )
    assert ticket.first_response_due == dt.datetime(2026, 3, 2, 13, 0, tzinfo=ATHENS)
    # on hold from 10:00 to 11:30: the clock stops for 90 minutes
    SlaPause.objects.create(
        ticket=ticket,
        reason="on_hold",
        started_at=monday + dt.timedelta(hours=1),
        ended_at=monday + dt.timedelta(hours=2, minutes=30),
    )
    sla.sla_refresh(ticket=ticket, now=monday + dt.timedelta(hours=3))
    assert ticket.first_response_due == dt.datetime(2026, 3, 2, 14, 30, tzinfo=ATHENS)


def test_note_is_internal_and_stops_nothing(papadopoulos: Customer, open_ticket: Any, agent: Any) -> None:
    ticket = open_ticket(papadopoulos)
    note_add(ticket=ticket, body_text="Να ελέγξουμε τη διαθεσιμότητα", by=agent)
    ticket.refresh_from_db()
    assert ticket.first_responded_at is None
    assert ticket.status == Ticket.Status.NEW


def test_complaint_stages_move_forward_only(papadopoulos: Customer, open_ticket: Any, agent: Any) -> None:
    ticket = open_ticket(papadopoulos, subject="Παράπονο για θόρυβο", type=Ticket.Type.COMPLAINT)
    assert ticket.stage == Ticket.Stage.RECEIVED
    reply_send(ticket=ticket, body_text="Λυπούμαστε πολύ, το εξετάζουμε.", by=agent)
    ticket.refresh_from_db()
    assert ticket.stage == Ticket.Stage.ACKNOWLEDGED
    ticket_set_stage(ticket=ticket, stage=Ticket.Stage.INVESTIGATING, by=agent)
    with pytest.raises(ValidationError):
        ticket_set_stage(ticket=ticket, stage=Ticket.Stage.RECEIVED, by=agent)
    ticket = ticket_set_stage(
        ticket=ticket, stage=Ticket.Stage.RESOLVED, by=agent, note="Αλλαγή δωματίου και έκπτωση"
    )
    assert ticket.status == Ticket.Status.RESOLVED
    stages = list(TicketEvent.objects.filter(ticket=ticket, kind="stage").values_list("new", flat=True))
    assert stages == ["received", "acknowledged", "investigating", "resolved"]


def test_stages_are_for_complaints_only(papadopoulos: Customer, open_ticket: Any) -> None:
    with pytest.raises(ValidationError):
        ticket_set_stage(ticket=open_ticket(papadopoulos), stage=Ticket.Stage.INVESTIGATING)


def test_unknown_status_and_going_back_to_new_are_refused(papadopoulos: Customer, open_ticket: Any) -> None:
    ticket = open_ticket(papadopoulos)
    with pytest.raises(ValidationError):
        ticket_set_status(ticket=ticket, status="lost")
    ticket_set_status(ticket=ticket, status=Ticket.Status.OPEN)
    with pytest.raises(ValidationError):
        ticket_set_status(ticket=ticket, status=Ticket.Status.NEW)


def test_merge_moves_messages_and_points_to_the_survivor(
    papadopoulos: Customer, open_ticket: Any, agent: Any
) -> None:
    first, second = open_ticket(papadopoulos), open_ticket(papadopoulos, subject="Ξανά για την κράτηση")
    ticket_merge(survivor=first, merged=second, by=agent)
    second.refresh_from_db()
    assert second.merged_into == first
    assert second.status == Ticket.Status.CLOSED
    assert first.messages.count() == 2
    with pytest.raises(ValidationError):
        reply_send(ticket=second, body_text="x", by=agent)


def test_customer_merge_carries_tickets(papadopoulos: Customer, make_customer: Any, open_ticket: Any) -> None:
    dup = make_customer(first_name="Giorgos", last_name="Papadopoulos")
    ticket = open_ticket(dup)
    record = customer_merge(survivor=papadopoulos, merged=dup)
    ticket.refresh_from_db()
    assert ticket.customer == papadopoulos
    assert record.moved["tickets"] == 1


def test_split_a_second_question_into_its_own_ticket(
    papadopoulos: Customer, open_ticket: Any, agent: Any
) -> None:
    from pelatis.helpdesk.services.merge import message_split

    ticket = open_ticket(papadopoulos)
    second = message_receive(
        ticket=ticket,
        mail=InboundMail(body_text="Και κάτι άλλο: χάσατε το τιμολόγιό μου.", subject="Τιμολόγιο"),
    )
    new = message_split(message=second, by=agent)
    assert new.customer == papadopoulos
    assert new.subject == "Τιμολόγιο"
    assert list(new.messages.all()) == [second]
    assert ticket.messages.count() == 1
    assert new.first_response_due is not None
    with pytest.raises(ValidationError):
        message_split(message=ticket.messages.get(), by=agent)  # the only message stays


def test_link_orders_of_the_customer_only(
    papadopoulos: Customer, make_customer: Any, make_order: Any, open_ticket: Any
) -> None:
    from pelatis.helpdesk.services.tickets import ticket_link_orders, ticket_set_tags

    mine, theirs = make_order(papadopoulos, "ORD-1"), make_order(make_customer(last_name="Άλλος"), "ORD-2")
    ticket = open_ticket(papadopoulos, type=Ticket.Type.RETURN)
    ticket_link_orders(ticket=ticket, order_ids=[mine.pk])
    with pytest.raises(ValidationError) as exc:
        ticket_link_orders(ticket=ticket, order_ids=[theirs.pk])
    assert "ORD-2" in str(exc.value)
    assert list(ticket.orders.all()) == [mine]
    ticket_set_tags(ticket=ticket, names=["Επιστροφή", "VIP", "επιστροφή"])
    assert sorted(ticket.tags.values_list("name", flat=True)) == ["VIP", "Επιστροφή"]


def test_priority_change_reapplies_the_policy_and_stage_notes_stay_on_their_line(
    papadopoulos: Customer, open_ticket: Any, agent: Any
) -> None:
    from pelatis.helpdesk.services.tickets import ticket_set_priority

    ticket = open_ticket(papadopoulos, type=Ticket.Type.COMPLAINT)
    normal_due = ticket.first_response_due
    ticket = ticket_set_priority(ticket=ticket, priority="urgent", by=agent)
    assert ticket.sla_policy is not None
    assert ticket.sla_policy.priority == "urgent"
    assert ticket.first_response_due < normal_due
    ticket_set_stage(
        ticket=ticket, stage=Ticket.Stage.INVESTIGATING, by=agent, note="Ελέγχουμε με την κουζίνα"
    )
    notes = list(TicketEvent.objects.filter(ticket=ticket, kind="stage").values_list("new", "note"))
    assert notes == [("received", ""), ("investigating", "Ελέγχουμε με την κουζίνα")]
