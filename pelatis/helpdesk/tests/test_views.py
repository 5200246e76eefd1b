"""The help desk's staff UI through Django's test client: who may do what, the
inbox views and their query count, the reply box (canned replies, tone hints,
email over a real SMTP server), notes, status, stages, merge, attachments."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from pelatis.customers.models import Customer
from pelatis.helpdesk.models import Attachment, CannedReply, Message, Team, Ticket, TicketEvent
from pelatis.helpdesk.services.tickets import (
    InboundMail,
    message_receive,
    reply_send,
    ticket_assign,
    ticket_open,
    ticket_set_status,
)
from pelatis.helpdesk.templatetags.helpdesk_ui import sla_state_of

HTMX = {"HX-Request": "true"}


def url(name: str, *args: Any) -> str:
    return reverse(f"helpdesk:{name}", args=args)


def rows(html: str) -> list[int]:
    """Ticket ids of the inbox rows, in order."""
    return [int(i) for i in re.findall(r'<tr data-ticket="(\d+)"', html)]


def tab_counts(html: str) -> dict[str, int]:
    return {k: int(v) for k, v in re.findall(r'data-count="(\w+)">(\d+)<', html)}


# ---------------------------------------------------------------- access


@pytest.mark.parametrize("name", ["inbox"])
def test_anonymous_is_sent_to_login(client: Client, db: None, name: str) -> None:
    response = client.get(url(name))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_anonymous_ticket_page_is_sent_to_login(
    client: Client, papadopoulos: Customer, open_ticket: Any
) -> None:
    ticket = open_ticket(papadopoulos)
    response = client.get(url("ticket", ticket.pk))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert client.post(url("reply", ticket.pk), {"body": "x"}).status_code == 302
    assert not Message.objects.filter(direction="out").exists()


def test_outsider_gets_403_everywhere(
    client_as: Any, outsider: Any, papadopoulos: Customer, open_ticket: Any
) -> None:
    ticket = open_ticket(papadopoulos)
    c = client_as(outsider)
    assert c.get(url("inbox")).status_code == 403
    assert c.get(url("ticket", ticket.pk)).status_code == 403
    for name in ("reply", "note", "status", "tone", "canned", "merge"):
        assert c.post(url(name, ticket.pk), {"body": "Καλησπέρα", "status": "resolved"}).status_code == 403, (
            name
        )
    assert (
        c.post(url("bulk"), {"ids": [ticket.pk], "action": "status", "status": "closed"}).status_code == 403
    )
    ticket.refresh_from_db()
    assert ticket.status == "new"
    assert ticket.messages.count() == 1


def test_reader_sees_but_cannot_reply(
    client_as: Any, reader: Any, papadopoulos: Customer, open_ticket: Any
) -> None:
    ticket = open_ticket(papadopoulos, body="Θέλω να αλλάξω την ημερομηνία.")
    c = client_as(reader)
    inbox = c.get(url("inbox")).content.decode()
    assert rows(inbox) == [ticket.pk]
    assert 'name="ids"' not in inbox  # no bulk selection
    page = c.get(url("ticket", ticket.pk))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Θέλω να αλλάξω την ημερομηνία." in html
    assert 'id="composer"' not in html
    assert url("reply", ticket.pk) not in html
    assert c.post(url("reply", ticket.pk), {"body": "Γεια σας", "status": "resolved"}).status_code == 403
    assert c.post(url("note", ticket.pk), {"body": "σημείωση"}).status_code == 403
    assert c.post(url("status", ticket.pk), {"status": "closed"}).status_code == 403
    assert ticket.messages.count() == 1
    ticket.refresh_from_db()
    assert ticket.status == "new"


def test_missing_ticket_is_404(client_as: Any, agent: Any) -> None:
    assert client_as(agent).get(url("ticket", 999_999)).status_code == 404


def test_navigation_shows_tickets_with_open_count(
    client_as: Any, agent: Any, papadopoulos: Customer, open_ticket: Any
) -> None:
    open_ticket(papadopoulos)
    open_ticket(papadopoulos, subject="Δεύτερο")
    html = client_as(agent).get(reverse("customers:list")).content.decode()
    assert f'href="{url("inbox")}"' in html
    assert re.search(r'class="nav-badge"[^>]*>2<', html)


# ---------------------------------------------------------------- inbox


def test_inbox_views_and_counts(
    client_as: Any, agent: Any, manager: Any, papadopoulos: Customer, open_ticket: Any
) -> None:
    # given: one of each
    team = Team.objects.create(name="Κρατήσεις")
    team.members.add(agent)
    mine = open_ticket(papadopoulos, subject="Δικό μου")
    ticket_assign(ticket=mine, agent=agent)
    teams = open_ticket(papadopoulos, subject="Της ομάδας")
    ticket_assign(ticket=teams, agent=manager, team_id=team.pk)
    loose = open_ticket(papadopoulos, subject="Χωρίς ανάθεση")
    waiting = open_ticket(papadopoulos, subject="Περιμένουμε τον πελάτη")
    reply_send(ticket=waiting, body_text="Μας στέλνετε τον αριθμό κράτησης;", by=manager, send_email=False)
    done = open_ticket(papadopoulos, subject="Λύθηκε")
    ticket_set_status(ticket=done, status="resolved")
    late = open_ticket(papadopoulos, subject="Αργεί")
    Ticket.objects.filter(pk=late.pk).update(first_response_due=timezone.now() - dt.timedelta(hours=1))
    c = client_as(agent)

    # when
    html = c.get(url("inbox")).content.decode()

    # then: every tab counts its view; "all" is the default and includes the resolved one
    # (the manager's reply made the waiting ticket the manager's)
    assert tab_counts(html) == {"mine": 1, "team": 1, "unassigned": 2, "breaching": 1, "pending": 1, "all": 6}
    assert set(rows(html)) == {mine.pk, teams.pk, loose.pk, waiting.pk, done.pk, late.pk}
    assert rows(c.get(url("inbox"), {"view": "mine"}).content.decode()) == [mine.pk]
    assert rows(c.get(url("inbox"), {"view": "team"}).content.decode()) == [teams.pk]
    assert set(rows(c.get(url("inbox"), {"view": "unassigned"}).content.decode())) == {loose.pk, late.pk}
    assert rows(c.get(url("inbox"), {"view": "breaching"}).content.decode()) == [late.pk]
    assert rows(c.get(url("inbox"), {"view": "pending"}).content.decode()) == [waiting.pk]
    assert rows(c.get(url("inbox"), {"status": "resolved"}).content.decode()) == [done.pk]
    # an unknown view falls back to all instead of failing
    assert len(rows(c.get(url("inbox"), {"view": "nonsense"}).content.decode())) == 6


def test_inbox_rows_show_customer_link_status_sla_and_assignee(
    client_as: Any, agent: Any, papadopoulos: Customer, open_ticket: Any
) -> None:
    ticket = open_ticket(papadopoulos, subject="Παράπονο για το δωμάτιο", type="complaint")
    ticket_assign(ticket=ticket, agent=agent)
    Ticket.objects.filter(pk=ticket.pk).update(
        first_response_due=timezone.now() - dt.timedelta(hours=2, minutes=5)
    )
    html = client_as(agent).get(url("inbox")).content.decode()
    row = html[html.index(f'<tr data-ticket="{ticket.pk}"') :]
    row = row[: row.index("</tr>")]
    assert f"#{ticket.pk}" in row
    assert "Παράπονο για το δωμάτιο" in row
    assert f'href="{reverse("customers:detail", args=[papadopoulos.pk])}"' in row
    assert 'data-status="new"' in row
    assert "Complaint" in row
    assert "Normal" in row
    assert 'data-sla="overdue"' in row
    assert "overdue by 2" in row
    assert "agent" in row


def test_inbox_is_paginated_by_25(
    client_as: Any, agent: Any, papadopoulos: Customer, open_ticket: Any
) -> None:
    for i in range(30):
        open_ticket(papadopoulos, subject=f"Αίτημα {i}")
    c = client_as(agent)
    first = c.get(url("inbox")).content.decode()
    second = c.get(url("inbox"), {"page": 2}).content.decode()
    assert len(rows(first)) == 25
    assert len(rows(second)) == 5
    assert not set(rows(first)) & set(rows(second))
    # htmx gets the inbox fragment only
    fragment = c.get(url("inbox"), {"page": 2}, headers=HTMX).content.decode()
    assert fragment.lstrip().startswith('<div id="inbox"')
    assert len(rows(fragment)) == 5


def test_inbox_query_count_does_not_grow_with_rows(
    client_as: Any, agent: Any, manager: Any, make_customer: Any, django_assert_max_num_queries: Any
) -> None:
    team = Team.objects.create(name="Υποδοχή")

    def add(n: int, start: int) -> None:
        for i in range(start, start + n):
            customer = make_customer(first_name="Όνομα", last_name=f"Επώνυμο{i}", emails=[f"p{i}@example.gr"])
            ticket, _m = ticket_open(
                customer=customer, subject=f"Αίτημα {i}", mail=InboundMail(body_text="Καλησπέρα")
            )
            ticket_assign(ticket=ticket, agent=agent if i % 2 else manager, team_id=team.pk)

    c = client_as(agent)
    add(5, 0)
    c.get(url("inbox"))  # warm up session and permission caches
    with django_assert_max_num_queries(20) as few:
        assert len(rows(c.get(url("inbox")).content.decode())) == 5
    add(25, 5)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(rows(c.get(url("inbox")).content.decode())) == 25


def test_bulk_assign_to_me_and_set_status(
    client_as: Any, agent: Any, papadopoulos: Customer, open_ticket: Any
) -> None:
    a, b, untouched = open_ticket(papadopoulos), open_ticket(papadopoulos), open_ticket(papadopoulos)
    c = client_as(agent)
    back = url("inbox") + "?view=unassigned"
    response = c.post(url("bulk"), {"ids": [a.pk, b.pk], "action": "assign_me", "next": back})
    assert response.status_code == 302
    assert response["Location"] == back
    assert set(Ticket.objects.filter(assignee=agent).values_list("pk", flat=True)) == {a.pk, b.pk}
    c.post(url("bulk"), {"ids": [a.pk, b.pk], "action": "status", "status": "on_hold"})
    assert set(Ticket.objects.filter(status="on_hold").values_list("pk", flat=True)) == {a.pk, b.pk}
    # each through the service: history written, and the service's refusal reported per ticket
    assert TicketEvent.objects.filter(ticket=a, kind="status", new="on_hold").exists()
    page = c.post(
        url("bulk"), {"ids": [a.pk, untouched.pk], "action": "status", "status": "new"}, follow=True
    )
    assert f"#{a.pk}: A ticket cannot go back to new." in page.content.decode()
    untouched.refresh_from_db()
    assert untouched.status == "new"
    assert untouched.assignee_id is None
    # an off-site "next" is ignored
    assert c.post(url("bulk"), {"ids": [a.pk], "action": "assign_me", "next": "https://evil.example/"})[
        "Location"
    ] == url("inbox")


def test_bulk_by_reader_is_refused_and_changes_nothing(
    client_as: Any, reader: Any, papadopoulos: Customer, open_ticket: Any
) -> None:
    ticket = open_ticket(papadopoulos)
    assert client_as(reader).post(url("bulk"), {"ids": [ticket.pk], "action": "assign_me"}).status_code == 403
    ticket.refresh_from_db()
    assert ticket.assignee_id is None


# ---------------------------------------------------------------- the ticket page


def test_ticket_page_shows_conversation_history_sla_and_customer(
    client_as: Any, agent: Any, papadopoulos: Customer, make_order: Any
) -> None:
    make_order(papadopoulos, "ORD-5501", total="120.00")
    ticket, _m = ticket_open(
        customer=papadopoulos,
        subject="Κράτηση Αυγούστου",
        mail=InboundMail(
            body_text="Έχετε δίκλινο;\n\n> Στις 3/8 γράψατε:\n> παλιό κείμενο",
            visible_text="Έχετε δίκλινο;",
            from_email="g.papadopoulos@example.gr",
        ),
    )
    reply_send(ticket=ticket, body_text="Ναι, έχουμε.", by=agent, send_email=False)
    from pelatis.helpdesk.services.tickets import note_add

    note_add(ticket=ticket, body_text="Πελάτης VIP, προσοχή", by=agent)
    ticket_assign(ticket=ticket, agent=agent)
    html = client_as(agent).get(url("ticket", ticket.pk)).content.decode()
    # the three kinds of message look different
    assert 'class="msg msg-in"' in html
    assert 'class="msg msg-out"' in html
    assert 'class="msg msg-note"' in html
    # the visible text, with the full text folded away
    assert "Έχετε δίκλινο;" in html
    assert '<details class="msg-full">' in html
    assert "παλιό κείμενο" in html
    # history names the people
    assert "Assigned to agent" in html
    assert "Status: New → Pending customer" in html
    # SLA due times and the policy
    assert 'id="sla-card"' in html
    assert ticket.sla_policy.name in html
    # the customer panel: form of address, contact points, orders, full-page link
    assert "κ. Παπαδόπουλος" in html
    assert "g.papadopoulos@" in html
    assert "+30 697 123 4567" in html
    assert "ORD-5501" in html
    assert f'href="{reverse("customers:detail", args=[papadopoulos.pk])}"' in html


def test_complaint_stages_timeline_and_advance(
    client_as: Any, agent: Any, papadopoulos: Customer, open_ticket: Any
) -> None:
    ticket = open_ticket(papadopoulos, subject="Κρύο νερό", type="complaint")
    c = client_as(agent)
    html = c.get(url("ticket", ticket.pk)).content.decode()
    assert 'data-stage="received"' in html
    assert 'class="step step-current" data-stage="received"' in html
    response = c.post(url("stage", ticket.pk), {"stage": "investigating", "note": "Ελέγχει ο τεχνικός"})
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert ticket.stage == "investigating"
    html = c.get(url("ticket", ticket.pk)).content.decode()
    assert 'class="step step-done" data-stage="received"' in html
    assert 'class="step step-current" data-stage="investigating"' in html
    assert "Ελέγχει ο τεχνικός" in html
    # backwards is refused by the service, shown next to the field
    back = c.post(url("stage", ticket.pk), {"stage": "received"}, headers=HTMX)
    assert back.status_code == 422
    assert 'data-error-for="stage"' in back.content.decode()
    ticket.refresh_from_db()
    assert ticket.stage == "investigating"


def test_status_and_assignment_forms(
    client_as: Any, agent: Any, manager: Any, papadopoulos: Customer, open_ticket: Any
) -> None:
    ticket = open_ticket(papadopoulos)
    team = Team.objects.create(name="Λογιστήριο")
    c = client_as(agent)
    assert c.post(url("status", ticket.pk), {"status": "on_hold"}, headers=HTMX)["HX-Redirect"] == url(
        "ticket", ticket.pk
    )
    ticket.refresh_from_db()
    assert ticket.status == "on_hold"
    bad = c.post(url("status", ticket.pk), {"status": "new"}, headers=HTMX)
    assert bad.status_code == 422
    body = bad.content.decode()
    assert body.lstrip().startswith('<section class="card" id="props-card"')
    assert "A ticket cannot go back to new." in body
    assert c.post(url("assign", ticket.pk), {"assignee": manager.pk, "team": team.pk}).status_code == 302
    ticket.refresh_from_db()
    assert (ticket.assignee_id, ticket.team_id) == (manager.pk, team.pk)
    # only staff who may work on tickets can be chosen
    outsider_like = type(agent).objects.create_user("visitor", password="x")
    refused = c.post(url("assign", ticket.pk), {"assignee": outsider_like.pk}, headers=HTMX)
    assert refused.status_code == 422
    assert 'data-error-for="assignee"' in refused.content.decode()


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
    body = re.search(r'<textarea name="body" id="reply_body"[^>]*>(.*?)</textarea>', editor, re.S).group(1)
    import html as html_lib

    body = html_lib.unescape(body) + "\nΤο πρωινό περιλαμβάνεται."
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


# ---------------------------------------------------------------- merge


def test_merge_flow(client_as: Any, agent: Any, papadopoulos: Customer, open_ticket: Any) -> None:
    first = open_ticket(papadopoulos, subject="Κράτηση", body="Θέλω δωμάτιο")
    duplicate = open_ticket(papadopoulos, subject="Κράτηση (ξανά)", body="Το ξαναστέλνω")
    c = client_as(agent)
    # the confirmation page shows both tickets and changes nothing
    confirm = c.get(url("merge", duplicate.pk), {"into": first.pk})
    assert confirm.status_code == 200
    html = confirm.content.decode()
    assert "Κράτηση (ξανά)" in html
    assert f"Merge #{duplicate.pk} into #{first.pk}" in html
    duplicate.refresh_from_db()
    assert duplicate.merged_into_id is None
    # bad targets are named next to the field
    assert c.get(url("merge", duplicate.pk), {"into": duplicate.pk}).status_code == 422
    missing = c.post(url("merge", duplicate.pk), {"into": 999_999})
    assert missing.status_code == 422
    assert "There is no ticket #999999." in missing.content.decode()
    # when: confirmed
    done = c.post(url("merge", duplicate.pk), {"into": first.pk})
    # then
    assert done.status_code == 302
    assert done["Location"] == url("ticket", first.pk)
    duplicate.refresh_from_db()
    assert duplicate.merged_into_id == first.pk
    assert first.messages.count() == 2
    merged_page = c.get(url("ticket", duplicate.pk)).content.decode()
    assert "data-merged" in merged_page
    assert f'Merged into <a href="{url("ticket", first.pk)}">#{first.pk}</a>' in merged_page
    assert 'id="composer"' not in merged_page
    survivor_page = c.get(url("ticket", first.pk)).content.decode()
    assert "Το ξαναστέλνω" in survivor_page
    assert f"Ticket #{duplicate.pk} was merged into this one" in survivor_page
    # merged tickets leave the inbox
    assert duplicate.pk not in rows(c.get(url("inbox")).content.decode())


# ---------------------------------------------------------------- attachments


@pytest.fixture
def media(settings: Any, tmp_path: Any) -> Any:
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def test_attachment_download_checks_permission(
    client_as: Any,
    client: Client,
    agent: Any,
    outsider: Any,
    papadopoulos: Customer,
    open_ticket: Any,
    media: Any,
) -> None:
    ticket = open_ticket(papadopoulos)
    message = ticket.messages.get()
    kept = Attachment(message=message, filename="τιμολόγιο.pdf", content_type="application/pdf", size=13)
    kept.file.save("invoice.pdf", ContentFile(b"%PDF-1.4 test"), save=True)
    blocked = Attachment.objects.create(
        message=message,
        filename="setup.exe",
        content_type="application/x-dosexec",
        size=5,
        rejected="blocked file type application/x-dosexec",
    )
    # anonymous and outsiders get nothing
    assert client.get(url("attachment", kept.pk)).status_code == 302
    assert client_as(outsider).get(url("attachment", kept.pk)).status_code == 403
    # the agent gets the file as a download with its stored type and Greek name
    response = client_as(agent).get(url("attachment", kept.pk))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "filename*=utf-8''%cf%84%ce%b9%ce%bc" in response["Content-Disposition"].lower()
    assert b"".join(response.streaming_content) == b"%PDF-1.4 test"
    # a rejected file cannot be downloaded; the page says why
    assert client_as(agent).get(url("attachment", blocked.pk)).status_code == 404
    html = client_as(agent).get(url("ticket", ticket.pk)).content.decode()
    assert url("attachment", kept.pk) in html
    assert url("attachment", blocked.pk) not in html
    assert "setup.exe" in html
    assert "blocked file type application/x-dosexec" in html


# ---------------------------------------------------------------- SLA state


def test_sla_state_due_overdue_paused(papadopoulos: Customer, open_ticket: Any, agent: Any) -> None:
    now = timezone.now()
    ticket = open_ticket(papadopoulos)
    ticket.first_response_due = now + dt.timedelta(hours=3, minutes=10)
    ticket.resolution_due = now + dt.timedelta(days=2)
    state = sla_state_of(ticket, now)
    assert (state.kind, state.label) == ("due", "due in 3\xa0hours, 10\xa0minutes")
    ticket.first_response_due = now + dt.timedelta(minutes=20)
    assert sla_state_of(ticket, now).kind == "soon"
    ticket.first_response_due = now - dt.timedelta(minutes=45)
    assert sla_state_of(ticket, now).label == "overdue by 45\xa0minutes"
    reply_send(ticket=ticket, body_text="Σας απαντάμε σύντομα.", by=agent, send_email=False)
    ticket.refresh_from_db()
    assert sla_state_of(ticket, now).kind == "paused"  # pending customer stops the clock
    message_receive(ticket=ticket, mail=InboundMail(body_text="Ευχαριστώ"))
    ticket.refresh_from_db()
    assert sla_state_of(ticket).kind in ("due", "soon", "overdue")
