"""CSAT after resolution: one email, one-click signed ratings, one answer per ticket, unhappy → follow-up."""

from __future__ import annotations

import datetime as dt
import io
import re
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from pelatis.channels.services import mail_ingest
from pelatis.channels.tests.test_ingest import mail
from pelatis.customers.models import Interaction
from pelatis.feedback.models import CsatSurvey
from pelatis.feedback.services import csat_token
from pelatis.helpdesk.models import Ticket
from pelatis.helpdesk.services.tickets import reply_send

pytestmark = pytest.mark.django_db(transaction=True)


def _resolved_ticket(agent: Any) -> Ticket:
    ticket_id = mail_ingest(mail()).ticket_id
    assert ticket_id is not None
    ticket = Ticket.objects.get(pk=ticket_id)
    reply_send(ticket=ticket, body_text="Έγινε η κράτηση.", by=agent, status="resolved")
    Ticket.objects.filter(pk=ticket.pk).update(resolved_at=timezone.now() - dt.timedelta(hours=2))
    return ticket


def _links(message: Any) -> list[str]:
    return re.findall(r"http://testserver(/feedback/r/[^/\s]+/)", message.get_body(("plain",)).get_content())


def test_rating_email_is_sent_once_in_greek_and_a_click_records_it(
    smtp_server: Any, agent: Any, settings: Any
) -> None:
    settings.PELATIS_BASE_URL = "http://testserver"
    ticket = _resolved_ticket(agent)
    before = len(smtp_server.messages)
    call_command("worker", "--once", stdout=io.StringIO())
    call_command("worker", "--once", stdout=io.StringIO())
    surveys = [m for m in smtp_server.messages[before:] if _links(m)]
    assert len(surveys) == 1
    text = surveys[0].get_body(("plain",)).get_content()
    assert "Πολύ ικανοποιημένος" in text
    assert f"[#{ticket.pk}]" in str(surveys[0]["Subject"])
    # automatic mail that a vacation reply leaves alone, and that one click on the list header stops
    assert surveys[0]["Auto-Submitted"] == "auto-generated"
    assert surveys[0]["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "/feedback/" in str(surveys[0]["List-Unsubscribe"])
    links = _links(surveys[0])
    assert len(links) == 5
    # the customer clicks "4": the page posts it back; then they change their mind to "5" and add a comment
    client = Client()
    page = client.get(links[3])
    assert page.status_code == 200
    assert "data-confirm" in page.content.decode()
    assert CsatSurvey.objects.get(ticket=ticket).answered_at is None  # a link scanner's fetch records nothing
    assert client.post(links[3]).status_code == 200
    assert CsatSurvey.objects.get(ticket=ticket).score == 4
    page = client.post(links[4])
    assert 'data-rated="5"' in page.content.decode()
    assert 'data-rated="5"' in client.get(links[4]).content.decode()  # a reload shows the answer
    client.post(links[4], {"comment": "Πολύ γρήγορη εξυπηρέτηση!"})
    survey = CsatSurvey.objects.get(ticket=ticket)
    assert (survey.score, survey.comment) == (5, "Πολύ γρήγορη εξυπηρέτηση!")
    assert CsatSurvey.objects.count() == 1
    assert Interaction.objects.filter(source_type="feedback.csatsurvey", customer=ticket.customer).exists()


def test_unhappy_rating_opens_one_follow_up_ticket(smtp_server: Any, agent: Any) -> None:
    ticket = _resolved_ticket(agent)
    survey = CsatSurvey.objects.create(ticket=ticket, customer=ticket.customer)
    client = Client()
    client.post(f"/feedback/r/{csat_token(survey, 1)}/")
    client.post(f"/feedback/r/{csat_token(survey, 2)}/")
    survey.refresh_from_db()
    assert survey.score == 2
    follow_up = survey.follow_up_ticket
    assert follow_up is not None
    assert follow_up.type == "complaint"
    assert follow_up.priority == "high"
    assert Ticket.objects.filter(type="complaint", customer=ticket.customer).count() == 1


def test_tampered_or_out_of_range_links_change_nothing(smtp_server: Any, agent: Any) -> None:
    ticket = _resolved_ticket(agent)
    survey = CsatSurvey.objects.create(ticket=ticket, customer=ticket.customer)
    client = Client()
    assert client.get(f"/feedback/r/{csat_token(survey, 5)}x/").status_code == 404
    assert client.get(f"/feedback/r/{csat_token(survey, 9)}/").status_code == 404
    assert CsatSurvey.objects.get(pk=survey.pk).answered_at is None


def test_rating_links_are_rate_limited_per_client(smtp_server: Any, agent: Any) -> None:
    from django.core.cache import cache

    from pelatis.feedback.views.public import RATE_LIMIT

    cache.clear()
    ticket = _resolved_ticket(agent)
    survey = CsatSurvey.objects.create(ticket=ticket, customer=ticket.customer)
    client = Client()
    url = f"/feedback/r/{csat_token(survey, 4)}/"
    codes = [client.post(url).status_code for _ in range(RATE_LIMIT + 1)]
    assert codes[:RATE_LIMIT] == [200] * RATE_LIMIT
    assert codes[-1] == 429
    cache.clear()
