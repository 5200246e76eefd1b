"""The reply box: tone hints, canned replies rendered for the ticket, a reply over a real SMTP server in
Greek, an empty reply refused next to the field, and notes that are never sent."""

from __future__ import annotations

import html as html_lib
import re
from typing import Any

import pytest

from pelatis.customers.models import Customer
from pelatis.helpdesk.models import CannedReply, Message, TicketEvent
from pelatis.helpdesk.tests.pages import HTMX, url

# ---------------------------------------------------------------- reply, tone, canned replies, notes


def test_tone_hint_endpoint_flags_owe_and_suggests(
    client_as: Any, agent: Any, papadopoulos: Customer, open_ticket: Any
) -> None:
    ticket = open_ticket(papadopoulos)
    text = "Καλησπέρα σας,\r\nμας χρωστάτε ακόμη 50 ευρώ."
    response = client_as(agent).post(url("tone", ticket.pk), {"body": text}, headers=HTMX)
    assert response.status_code == 200
    html = response.content.decode()
    assert '<mark class="tone-match">μας χρωστάτε ακόμη</mark>' in html  # the clause the suggestion rewrites
    assert "Τα αρχεία μας δείχνουν ακόμη υπόλοιπο" in html
    # offsets as the textarea counts them: LF line breaks
    lf = text.replace("\r\n", "\n")
    start = lf.index("μας χρωστάτε")
    assert f'data-start="{start}" data-end="{start + len("μας χρωστάτε ακόμη")}"' in html
    assert 'data-replacement="Τα αρχεία μας δείχνουν ακόμη υπόλοιπο"' in html


def test_tone_offsets_are_utf16_and_clean_text_says_so(
    client_as: Any, agent: Any, papadopoulos: Customer, open_ticket: Any
) -> None:
    ticket = open_ticket(papadopoulos)
    c = client_as(agent)
    html = c.post(url("tone", ticket.pk), {"body": "🙂 Χρωστάτε 10 ευρώ"}).content.decode()
    assert 'data-start="3" data-end="11"' in html  # the emoji is two UTF-16 units
    assert (
        'data-replacement="Τα αρχεία μας δείχνουν υπόλοιπο"' in html
    )  # capitalised like the words it replaces
    clean = c.post(url("tone", ticket.pk), {"body": "Σας ευχαριστούμε για το μήνυμά σας."}).content.decode()
    assert "tone-hint" not in clean
    assert "tone-ok" in clean


def test_canned_reply_is_rendered_for_this_ticket(
    client_as: Any, agent: Any, papadopoulos: Customer, open_ticket: Any
) -> None:
    ticket = open_ticket(papadopoulos)
    canned = CannedReply.objects.get(name="Διαθεσιμότητα", language="el")
    c = client_as(agent)
    page = c.get(url("ticket", ticket.pk)).content.decode()
    assert f'<option value="{canned.pk}" data-language="el">Διαθεσιμότητα</option>' in page
    html = c.post(url("canned", ticket.pk), {"canned": canned.pk, "body": ""}, headers=HTMX).content.decode()
    assert html.lstrip().startswith('<div class="reply-editor" id="reply-editor">')
    assert "Αγαπητέ κύριε Παπαδόπουλε,\n\nσας ευχαριστούμε για το ενδιαφέρον σας." in html
    assert "{greeting}" not in html
    # what was typed stays, the canned text follows it
    kept = c.post(url("canned", ticket.pk), {"canned": canned.pk, "body": "Πρώτη γραμμή"}).content.decode()
    assert "Πρώτη γραμμή\n\nΑγαπητέ κύριε" in kept


@pytest.mark.django_db(transaction=True)
def test_reply_with_canned_text_goes_out_over_smtp_in_greek(
    client_as: Any, agent: Any, papadopoulos: Customer, open_ticket: Any, smtp_server: Any
) -> None:
    # given: an email ticket
    ticket = open_ticket(papadopoulos, subject="Διαθεσιμότητα Αυγούστου")
    canned = CannedReply.objects.get(name="Διαθεσιμότητα", language="el")
    c = client_as(agent)
    editor = c.post(
        url("canned", ticket.pk), {"canned": canned.pk, "body": ""}, headers=HTMX
    ).content.decode()
    typed = re.search(r'<textarea name="body" id="reply_body"[^>]*>(.*?)</textarea>', editor, re.S)
    assert typed is not None
    body = html_lib.unescape(typed.group(1)) + "\nΤο πρωινό περιλαμβάνεται."
    # when
    response = c.post(
        url("reply", ticket.pk), {"body": body.replace("\n", "\r\n"), "status": "resolved"}, headers=HTMX
    )
    # then
    sent_message = Message.objects.get(ticket=ticket, direction="out")
    assert response["HX-Redirect"] == url("ticket", ticket.pk) + f"?at=m{sent_message.pk}#m{sent_message.pk}"
    [email] = smtp_server.messages
    assert email["To"] == "g.papadopoulos@example.gr"
    assert "Διαθεσιμότητα Αυγούστου" in str(email["Subject"])
    text = email.get_body(("plain",)).get_content()
    assert "σας ευχαριστούμε για το ενδιαφέρον σας" in text
    assert "Το πρωινό περιλαμβάνεται." in text
    assert "\r\r" not in text
    ticket.refresh_from_db()
    assert ticket.status == "resolved"
    sent_message.refresh_from_db()
    assert sent_message.delivery == "sent"
    assert sent_message.body_text.endswith("Το πρωινό περιλαμβάνεται.")


def test_empty_reply_is_422_next_to_the_field_and_writes_nothing(
    client_as: Any, agent: Any, papadopoulos: Customer, open_ticket: Any
) -> None:
    ticket = open_ticket(papadopoulos)
    c = client_as(agent)
    events = TicketEvent.objects.count()
    response = c.post(url("reply", ticket.pk), {"body": "   \r\n ", "status": "resolved"}, headers=HTMX)
    assert response.status_code == 422
    html = response.content.decode()
    assert html.lstrip().startswith('<section class="card composer" id="composer"')
    assert re.search(r'<p class="error" id="reply-error" data-error-for="body">The reply is empty.</p>', html)
    assert ticket.messages.count() == 1
    assert TicketEvent.objects.count() == events
    ticket.refresh_from_db()
    assert ticket.status == "new"
    # without htmx: the whole page, still 422
    page = c.post(url("reply", ticket.pk), {"body": "", "status": "pending"})
    assert page.status_code == 422
    assert "<html" in page.content.decode()
    assert "The reply is empty." in page.content.decode()


@pytest.mark.django_db(transaction=True)
def test_note_is_never_sent(
    client_as: Any, agent: Any, papadopoulos: Customer, open_ticket: Any, smtp_server: Any
) -> None:
    ticket = open_ticket(papadopoulos)
    c = client_as(agent)
    response = c.post(url("note", ticket.pk), {"body": "Να του κάνουμε έκπτωση 10%"}, headers=HTMX)
    assert response.status_code == 200
    note = Message.objects.get(ticket=ticket, direction="note")
    assert note.body_text == "Να του κάνουμε έκπτωση 10%"
    assert note.delivery == ""
    assert smtp_server.messages == []
    ticket.refresh_from_db()
    assert ticket.status == "new"
    assert ticket.first_responded_at is None
    empty = c.post(url("note", ticket.pk), {"body": " "}, headers=HTMX)
    assert empty.status_code == 422
    assert 'id="tab-note" class="tab-radio" checked' in empty.content.decode()
    assert Message.objects.filter(ticket=ticket, direction="note").count() == 1
