"""Searching the inbox: by ticket number, by words of the subject and of what the customer wrote (Greek
without accents, Greeklish), and by the customer's name, email or phone; the query stays in the page links."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.urls import reverse

from pelatis.customers.models import Customer
from pelatis.helpdesk import search
from pelatis.helpdesk.models import Ticket, TicketSearch
from pelatis.helpdesk.queries import ticket_search
from pelatis.helpdesk.services.merge import message_split, ticket_merge
from pelatis.helpdesk.services.messages import InboundMail, message_receive
from pelatis.helpdesk.tests.pages import rows

INBOX = reverse("helpdesk:inbox")


def found(q: str) -> set[int]:
    """Tickets the query finds (a bare number is also taken as a ticket number, when one exists)."""
    result = ticket_search(q)
    ids = result.ids if result is not None else []
    return set(Ticket.objects.filter(pk__in=ids).values_list("pk", flat=True))


@pytest.fixture
def desk(papadopoulos: Customer, make_customer: Any, open_ticket: Any) -> dict[str, Any]:
    maria = make_customer(
        first_name="Μαρία", last_name="Νικολάου", emails=["maria.n@example.gr"], phones=["210 555 0101"]
    )
    anna = make_customer(first_name="Anna", last_name="Schmidt", language="de", emails=["anna@example.de"])
    return {
        "booking": open_ticket(
            papadopoulos, subject="Αλλαγή κράτησης", body="Θέλω να αλλάξω τις ημερομηνίες στο δωμάτιο 204."
        ),
        "water": open_ticket(maria, subject="Κρύο νερό", body="Δεν έχουμε ζεστό νερό στο μπάνιο από χθες."),
        "taxi": open_ticket(
            anna, subject="Airport transfer", body="Can you book a taxi for Friday?", language="en"
        ),
    }


def test_accentless_and_capital_greek_find_the_accented_words(desk: dict[str, Any]) -> None:
    assert found("κρατηση") == {desk["booking"].pk}
    assert found("ΚΡΑΤΗΣΗΣ") == {desk["booking"].pk}
    assert found("ζεστο νερο") == {desk["water"].pk}  # every word must match: subject and body together
    assert found("ζεστο ταξι") == set()


def test_word_prefixes_and_words_of_the_body(desk: dict[str, Any]) -> None:
    assert found("ημερομ") == {desk["booking"].pk}
    assert found("μπανιο") == {desk["water"].pk}
    assert found("taxi") == {desk["taxi"].pk}


def test_greeklish_finds_greek_words_and_names(desk: dict[str, Any]) -> None:
    assert found("kratisi") == {desk["booking"].pk}
    assert found("zesto nero") == {desk["water"].pk}
    assert found("papadopoulos") == {desk["booking"].pk}
    assert found("Nikolaou") == {desk["water"].pk}


def test_number_hash_is_that_ticket_alone_and_bare_number_also_searches_text(desk: dict[str, Any]) -> None:
    booking = desk["booking"]
    assert found(f"#{booking.pk}") == {booking.pk}
    assert booking.pk in found(str(booking.pk))
    assert found("204") == {desk["booking"].pk}  # "δωμάτιο 204" in the message


def test_customer_name_email_and_phone(desk: dict[str, Any]) -> None:
    assert found("Γιώργος Παπαδόπουλος") == {desk["booking"].pk}
    assert found("maria.n@example.gr") == {desk["water"].pk}
    assert found("2105550101") == {desk["water"].pk}
    assert found("697 123 4567") == {desk["booking"].pk}
    assert found("+30 6971234567") == {desk["booking"].pk}


def test_a_later_message_of_the_customer_is_searchable(desk: dict[str, Any]) -> None:
    taxi = desk["taxi"]
    message_receive(ticket=taxi, mail=InboundMail(body_text="We land at 14:30, flight A3 601."))
    assert found("flight") == {taxi.pk}


def test_a_split_message_is_found_on_its_new_ticket_and_merge_keeps_the_survivor_searchable(
    desk: dict[str, Any], open_ticket: Any, papadopoulos: Customer
) -> None:
    booking = desk["booking"]
    second = message_receive(ticket=booking, mail=InboundMail(body_text="Επίσης, έχετε πάρκινγκ;"))
    new = message_split(message=second)
    assert found("παρκινγκ") == {new.pk}
    other = open_ticket(papadopoulos, subject="Πρωινό", body="Τι ώρα σερβίρεται το πρωινό;")
    ticket_merge(survivor=booking, merged=other)
    assert booking.pk in found("πρωινο")


def test_search_documents_fold_and_key_greek_words() -> None:
    doc = search.doc_of(subject="Αλλαγή ΚΡΑΤΗΣΗΣ", customer_name="Γιώργος", texts=["Ευχαριστώ!"])
    words = doc.split()
    assert "αλλαγη" in words
    assert "κρατησησ" in words
    assert "ευχαριστω" in words
    assert "kratisis" in words  # the Greeklish key


def test_every_new_ticket_gets_a_search_document(desk: dict[str, Any]) -> None:
    assert TicketSearch.objects.filter(ticket_id__in=[t.pk for t in desk.values()]).count() == 3


def test_inbox_page_searches_and_keeps_the_query_in_links(
    client_as: Any, agent: Any, desk: dict[str, Any], open_ticket: Any, papadopoulos: Customer
) -> None:
    for i in range(26):
        open_ticket(papadopoulos, subject=f"Ερώτηση για κράτηση {i}")
    c = client_as(agent)
    html = c.get(INBOX, {"q": "κρατηση"}).content.decode()
    assert len(rows(html)) == 25
    assert 'value="κρατηση"' in html
    assert "q=%CE%BA%CF%81%CE%B1%CF%84%CE%B7%CF%83%CE%B7&amp;page=2" in html  # the pager keeps the query
    assert "27 tickets match" in html
    second = c.get(INBOX, {"q": "κρατηση", "page": 2}).content.decode()
    assert len(rows(second)) == 2
    nothing = c.get(INBOX, {"q": "ανύπαρκτο"}).content.decode()
    assert rows(nothing) == []
    assert "No ticket matches the search" in nothing


def test_search_narrows_the_tab_counts(client_as: Any, agent: Any, desk: dict[str, Any]) -> None:
    html = client_as(agent).get(INBOX, {"q": "nero"}).content.decode()
    counts = {k: int(v) for k, v in re.findall(r'data-count="(\w+)">(\d+)<', html)}
    assert counts["all"] == 1
    assert counts["unassigned"] == 1
    assert rows(html) == [desk["water"].pk]
