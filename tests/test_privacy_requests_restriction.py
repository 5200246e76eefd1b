"""A restricted customer is left out of what restriction stops, in every app that contacts customers: a
campaign's audience, a journey's message (recorded as not sent, «Processing restricted»), the CSAT and
NPS surveys; service messages still go. Lifting the restriction lets them back in."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

import pytest
from django.core import mail as outbox
from django.utils import timezone

from pelatis.channels.tests.test_ingest import ingested, mail
from pelatis.customers.models import Customer
from pelatis.engagement.models import Campaign, Journey, MessageTemplate, Segment, Send, TemplateVersion
from pelatis.engagement.services.campaigns import CampaignInput, campaign_create, campaign_launch
from pelatis.engagement.services.journey_run import journeys_run
from pelatis.engagement.services.sending import message_send
from pelatis.engagement.tests.journey_fixtures import journey_with_steps, person
from pelatis.feedback.jobs import job_csat_surveys, job_nps_surveys
from pelatis.feedback.services import nps_campaign_create
from pelatis.helpdesk.models import Ticket
from pelatis.helpdesk.services.tickets import reply_send
from pelatis.privacy.dsr.services import restriction_lift, restriction_start
from pelatis.privacy.services import consent_record

pytestmark = pytest.mark.django_db(transaction=True)
_numbers = itertools.count(1)
LAZARUS_DAY = dt.datetime(2026, 4, 4, 7, tzinfo=dt.UTC)  # a name day, 10:00 in Athens


@pytest.fixture(autouse=True)
def _no_quiet_hours(settings: Any) -> None:
    settings.PELATIS_QUIET_HOURS = "off"


def _subscribed(first: str, last: str, email: str) -> Customer:
    customer = person(first, last, email, title="κ.")
    consent_record(customer=customer, purpose="marketing", channel="email", granted=True, source="form")
    return customer


def _template(purpose: str = "marketing") -> MessageTemplate:
    template = MessageTemplate.objects.create(
        name=f"Μήνυμα {purpose} {next(_numbers)}", purpose=purpose, fallback_language="el"
    )
    TemplateVersion.objects.create(
        template=template, language="el", subject="Νέα", body="{{ address }}, γεια!"
    )
    return template


def test_a_campaign_leaves_a_restricted_customer_out(smtp_server: Any, manager: Any) -> None:
    kept = _subscribed("Ελένη", "Νικολάου", "eleni@example.gr")
    restricted = _subscribed("Γιώργος", "Παπαδόπουλος", "giorgos@example.gr")
    restriction_start(customer=restricted, reason="Αμφισβητεί τα στοιχεία του", actor=manager)
    segment = Segment.objects.create(name="Όλοι", definition={"op": "and", "rules": []})
    campaign = campaign_create(
        data=CampaignInput(name="Προσφορές", segment=segment, template=_template()), by=manager
    )

    assert campaign_launch(campaign_id=campaign.pk)

    assert [str(m["To"]) for m in smtp_server.messages] == ["eleni@example.gr"]
    assert set(Send.objects.filter(campaign=campaign).values_list("customer_id", flat=True)) == {kept.pk}
    assert Campaign.objects.get(pk=campaign.pk).status == Campaign.Status.DONE


def test_a_journey_records_the_restricted_customer_as_not_sent(smtp_server: Any, manager: Any) -> None:
    journey_with_steps(Journey.Trigger.NAME_DAY, 0)
    _subscribed("Λάζαρος", "Παπαδόπουλος", "lazaros1@example.gr")
    restricted = _subscribed("Λάζαρος", "Νικολάου", "lazaros2@example.gr")
    restriction_start(customer=restricted, reason="Εναντίωση", actor=manager)

    summary = journeys_run(now=LAZARUS_DAY)

    assert summary.sent == 1
    assert [str(m["To"]) for m in smtp_server.messages] == ["lazaros1@example.gr"]
    skipped = Send.objects.get(customer=restricted)
    assert (skipped.status, skipped.skip_reason) == (Send.Status.SKIPPED, Send.Skip.RESTRICTED)
    assert skipped.get_skip_reason_display() == "Processing restricted"


def test_service_messages_still_reach_a_restricted_customer(smtp_server: Any, manager: Any) -> None:
    restricted = _subscribed("Γιώργος", "Παπαδόπουλος", "giorgos@example.gr")
    restriction = restriction_start(customer=restricted, reason="Εναντίωση", actor=manager)
    service = message_send(
        key="t:service", customer_id=restricted.pk, template=_template("service"), channel="email"
    )
    offer = message_send(key="t:offer", customer_id=restricted.pk, template=_template(), channel="email")
    assert service.status == Send.Status.SENT
    assert (offer.status, offer.skip_reason) == (Send.Status.SKIPPED, Send.Skip.RESTRICTED)

    restriction_lift(restriction=restriction, actor=manager)
    again = message_send(key="t:offer:2", customer_id=restricted.pk, template=_template(), channel="email")
    assert again.status == Send.Status.SENT
    assert len(smtp_server.messages) == 2


def _resolved_ticket(agent: Any) -> Ticket:
    ticket = ingested(mail())
    reply_send(ticket=ticket, body_text="Ναι, έχουμε δίκλινο.", by=agent, status="resolved")
    Ticket.objects.filter(pk=ticket.pk).update(resolved_at=timezone.now() - dt.timedelta(days=2))
    return Ticket.objects.select_related("customer").get(pk=ticket.pk)


def test_surveys_skip_a_restricted_customer_until_it_is_lifted(
    settings: Any, agent: Any, manager: Any
) -> None:
    settings.PELATIS_BASE_URL = "http://testserver"
    ticket = _resolved_ticket(agent)
    restriction = restriction_start(customer=ticket.customer, reason="Αμφισβητεί τα στοιχεία", actor=manager)
    nps_campaign_create(name="NPS")
    outbox.outbox.clear()

    assert job_csat_surveys() == "0 CSAT surveys"
    assert job_nps_surveys() == "0 NPS surveys"
    assert outbox.outbox == []

    restriction_lift(restriction=restriction, actor=manager)
    assert job_csat_surveys() == "1 CSAT surveys"
    assert job_nps_surveys() == "1 NPS surveys"
    assert len(outbox.outbox) == 2
