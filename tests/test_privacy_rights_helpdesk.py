"""The help desk's part in the rights: another customer's request that quotes the person is scrubbed of
them (and no longer found by their name), the person's tickets keep their SLA figures and statuses, and
an export reads the same number of queries however many tickets and orders there are."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from pelatis.channels.models import JobRun
from pelatis.customers.models import Customer
from pelatis.helpdesk.models import Message, Ticket
from pelatis.helpdesk.search import matching_ids, parse
from pelatis.helpdesk.services.tickets import InboundMail, ticket_open
from pelatis.privacy.rights.erase import customer_erase
from pelatis.privacy.rights.export import customer_export

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def data_dir(settings: Any, tmp_path: Any) -> None:
    settings.DATA_DIR = tmp_path
    settings.MEDIA_ROOT = tmp_path / "media"


def _open(customer: Customer, text: str, subject: str = "Ερώτηση") -> Ticket:
    ticket, _message = ticket_open(customer=customer, subject=subject, mail=InboundMail(body_text=text))
    return ticket


def test_a_quote_in_another_customers_request_is_scrubbed_and_no_longer_found(
    papadopoulos: Customer, make_customer: Any
) -> None:
    other = make_customer(first_name="Μαρία", last_name="Ιωάννου", emails=["maria@example.gr"])
    quoting = _open(other, "Ο Γιώργος Παπαδόπουλος (g.papadopoulos@example.gr) μου είπε για εσάς.")
    unrelated = _open(other, "Θέλω να αλλάξω την κράτησή μου.")
    assert quoting.pk in matching_ids(parse("Παπαδόπουλος"), limit=10)

    summary = customer_erase(papadopoulos.pk, reason="Αίτημα")

    body = Message.objects.get(ticket=quoting).body_text
    assert "Παπαδόπουλος" not in body
    assert "g.papadopoulos@example.gr" not in body
    assert "μου είπε για εσάς" in body  # the rest of the other customer's words stay
    assert Message.objects.get(ticket=unrelated).body_text == "Θέλω να αλλάξω την κράτησή μου."
    assert summary.counts["helpdesk"]["quotes_elsewhere"] == 1
    assert quoting.pk not in matching_ids(parse("Παπαδόπουλος"), limit=10)


def test_the_persons_tickets_keep_their_figures(papadopoulos: Customer) -> None:
    ticket = _open(papadopoulos, "Δεν ήρθε η παραγγελία μου, τηλ. 6971234567", subject="Παραγγελία WEB-9")
    Ticket.objects.filter(pk=ticket.pk).update(
        first_response_minutes=42.0, resolution_minutes=300.0, status="resolved"
    )
    before = (
        Ticket.objects.filter(pk=ticket.pk)
        .values("status", "priority", "created_at", "first_response_due")
        .get()
    )

    customer_erase(papadopoulos.pk, reason="Αίτημα")

    ticket.refresh_from_db()
    assert ticket.subject == "[erased]"
    assert (ticket.first_response_minutes, ticket.resolution_minutes) == (42.0, 300.0)
    assert (
        Ticket.objects.filter(pk=ticket.pk)
        .values("status", "priority", "created_at", "first_response_due")
        .get()
        == before
    )
    message = ticket.messages.get()
    assert (message.body_text, message.from_email) == ("[erased]", "")


def _export_queries(customer: Customer) -> int:
    with CaptureQueriesContext(connection) as captured:
        customer_export(customer.pk)
    return len(captured)


def test_an_export_reads_as_many_queries_for_many_tickets_and_orders(
    papadopoulos: Customer, make_order: Any
) -> None:
    _open(papadopoulos, "Πρώτο")
    make_order(papadopoulos, "WEB-100")
    few = _export_queries(papadopoulos)
    for i in range(5):
        _open(papadopoulos, f"Αίτημα {i}")
        make_order(papadopoulos, f"WEB-20{i}")

    assert _export_queries(papadopoulos) == few


def test_a_workers_last_error_quoting_the_address_is_scrubbed(papadopoulos: Customer) -> None:
    JobRun.objects.create(name="outbound_retry", last_error="550 mailbox g.papadopoulos@example.gr unknown")

    customer_erase(papadopoulos.pk, reason="Αίτημα")

    assert JobRun.objects.get(name="outbound_retry").last_error == "550 mailbox [erased] unknown"
