"""NPS on a schedule: due customers only, never twice in an interval, consent respected, detractors followed up."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.test import Client
from django.utils import timezone

from pelatis.customers.models import Interaction
from pelatis.feedback.jobs import csat_send, job_nps_surveys
from pelatis.feedback.models import CsatSurvey, NpsCampaign, NpsResponse, NpsRun
from pelatis.feedback.services import feedback_opt_out, nps_answer, nps_campaign_create, nps_token
from pelatis.feedback.services.nps import nps_campaign_run, nps_due_customer_ids
from pelatis.helpdesk.models import Message, Ticket
from pelatis.helpdesk.services.tickets import ticket_set_status
from pelatis.privacy.models import ConsentRecord

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _base_url(settings: Any) -> None:
    settings.PELATIS_BASE_URL = "http://testserver"


def _nps_links(message: Any) -> list[str]:
    return re.findall(r"http://testserver(/feedback/n/[^/\s]+/)", message.body)


def _stop_link(message: Any) -> str:
    links: list[str] = re.findall(r"http://testserver(/feedback/optout/[^/\s]+/)", message.body)
    return links[0]


def test_email_asks_in_greek_with_the_vocative_and_eleven_links(papadopoulos: Any) -> None:
    nps_campaign_create(name="Τριμηνιαίο NPS")
    assert job_nps_surveys() == "1 NPS surveys"
    message = mail.outbox[0]
    assert message.to == ["g.papadopoulos@example.gr"]
    assert message.body.startswith("Αγαπητέ κύριε Παπαδόπουλε,")
    assert "Πόσο πιθανό είναι να μας προτείνετε σε έναν φίλο ή συνάδελφο;" in message.body
    assert "Να μη μου ζητάτε πια τη γνώμη μου" in message.body
    assert isinstance(message, EmailMultiAlternatives)
    html = message.alternatives[0][0]
    assert isinstance(html, str)
    assert "Πόσο πιθανό είναι" in html
    assert len(_nps_links(message)) == 11
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert _stop_link(message) in message.extra_headers["List-Unsubscribe"]
    assert Interaction.objects.filter(customer=papadopoulos, source_type="feedback.npsresponse").count() == 1


def test_english_informal_customer_gets_english(make_customer: Any) -> None:
    make_customer(
        first_name="Anna", last_name="Smith", emails=["anna@example.com"], language="en", formal=False
    )
    nps_campaign_create(name="NPS")
    job_nps_surveys()
    body = mail.outbox[0].body
    assert body.startswith("Hi Anna,")
    assert "How likely are you to recommend us to a friend or colleague?" in body
    assert mail.outbox[0].subject == "Would you recommend us? One question, one click"


def test_a_rerun_never_sends_twice_and_runs_are_counted(papadopoulos: Any, make_customer: Any) -> None:
    make_customer(first_name="Ελένη", last_name="Νικολάου", emails=["eleni@example.gr"])
    campaign = nps_campaign_create(name="NPS")
    job_nps_surveys()
    job_nps_surveys()
    assert len(mail.outbox) == 2
    assert NpsResponse.objects.count() == 2
    assert list(NpsRun.objects.filter(campaign=campaign).values_list("sent", flat=True)) == [2]


def test_interval_holds_across_campaigns(papadopoulos: Any) -> None:
    # given: asked by a 90-day campaign 40 days ago
    long = nps_campaign_create(name="Quarterly", interval_days=90)
    short = nps_campaign_create(name="Monthly", interval_days=30, active=False)
    forty_days_ago = timezone.now() - dt.timedelta(days=40)
    assert nps_campaign_run(campaign=long, now=forty_days_ago).sent == 1
    # then: the 30-day campaign may not ask yet (the 90 days of the last ask still run), nor may the first
    assert nps_due_customer_ids(short) == []
    assert nps_due_customer_ids(long) == []
    # when: 91 days have passed, both may
    later = forty_days_ago + dt.timedelta(days=91)
    assert nps_due_customer_ids(short, now=later) == [papadopoulos.pk]
    assert nps_campaign_run(campaign=short, now=later).sent == 1
    assert NpsResponse.objects.filter(customer=papadopoulos).count() == 2


def test_opted_out_and_email_less_customers_are_skipped(papadopoulos: Any, make_customer: Any) -> None:
    make_customer(first_name="Χωρίς", last_name="Email", phones=["6971112233"])
    feedback_opt_out(customer=papadopoulos, source="staff")
    nps_campaign_create(name="NPS")
    assert job_nps_surveys() == "0 NPS surveys"
    assert mail.outbox == []
    assert not NpsResponse.objects.exists()
    assert not NpsRun.objects.exists()


def test_segments_by_tag_and_recent_order(papadopoulos: Any, make_customer: Any, make_order: Any) -> None:
    other = make_customer(first_name="Ελένη", last_name="Νικολάου", emails=["eleni@example.gr"])
    make_order(other, "ORD-1", when=timezone.now() - dt.timedelta(days=5))
    make_order(papadopoulos, "ORD-2", when=timezone.now() - dt.timedelta(days=200))
    vip = papadopoulos.tags.get(name="VIP")
    assert nps_due_customer_ids(nps_campaign_create(name="VIP", segment="tag", tag=vip)) == [papadopoulos.pk]
    recent = nps_campaign_create(name="Buyers", segment="recent_order", order_days=30)
    assert nps_due_customer_ids(recent) == [other.pk]


def test_campaign_settings_are_validated_by_field() -> None:
    with pytest.raises(ValidationError) as caught:
        nps_campaign_create(name="", segment="recent_order")
    assert set(caught.value.message_dict) == {"name", "order_days"}
    assert not NpsCampaign.objects.exists()


def test_a_refused_email_records_nothing_and_the_next_run_retries(
    papadopoulos: Any, monkeypatch: Any
) -> None:
    campaign = nps_campaign_create(name="NPS")

    def refuse(*args: Any, **kwargs: Any) -> None:
        raise ConnectionRefusedError

    monkeypatch.setattr("django.core.mail.EmailMultiAlternatives.send", refuse)
    run = nps_campaign_run(campaign=campaign)
    assert (run.sent, run.failed) == (0, 1)
    assert not NpsResponse.objects.exists()
    monkeypatch.undo()
    assert nps_campaign_run(campaign=campaign).sent == 1


def test_click_records_the_score_a_second_click_changes_it_and_why_is_kept(papadopoulos: Any) -> None:
    nps_campaign_create(name="NPS")
    job_nps_surveys()
    links = _nps_links(mail.outbox[0])
    client = Client()
    assert "data-confirm" in client.get(links[8]).content.decode()
    assert NpsResponse.objects.get().answered_at is None  # a link scanner's fetch records nothing
    page = client.post(links[8])
    assert page.status_code == 200
    assert 'data-nps="8"' in page.content.decode()
    client.post(links[10])
    client.post(links[10], {"comment": "Πολύ καθαρό δωμάτιο και ευγενικό προσωπικό!"})
    response = NpsResponse.objects.get()
    assert (response.score, response.comment) == (10, "Πολύ καθαρό δωμάτιο και ευγενικό προσωπικό!")
    assert response.category == "promoter"
    assert response.sentiment_label == "positive"
    assert response.sentiment_score is not None
    assert response.sentiment_score > 0
    assert response.follow_up_ticket is None
    assert not Ticket.objects.exists()


def test_detractor_opens_one_follow_up_ticket_and_the_why_lands_on_it(papadopoulos: Any) -> None:
    nps_campaign_create(name="NPS")
    job_nps_surveys()
    links = _nps_links(mail.outbox[0])
    client = Client()
    client.post(links[3])
    client.post(links[2])
    client.post(links[2], {"comment": "Απαράδεκτη καθυστέρηση, κανείς δεν απαντούσε."})
    response = NpsResponse.objects.get()
    assert response.score == 2
    assert response.sentiment_label == "negative"
    ticket = response.follow_up_ticket
    assert ticket is not None
    assert ticket.customer_id == papadopoulos.pk
    assert Ticket.objects.count() == 1
    assert Message.objects.filter(ticket=ticket, direction="note", body_text__contains="Απαράδεκτη").exists()


def test_answer_refuses_a_score_out_of_range(papadopoulos: Any) -> None:
    campaign = nps_campaign_create(name="NPS")
    job_nps_surveys()
    response = NpsResponse.objects.get(campaign=campaign)
    with pytest.raises(ValidationError, match="0 to 10"):
        nps_answer(response=response, score=11)
    assert Client().get(f"/feedback/n/{nps_token(response, 11)}/").status_code == 404
    assert Client().get(f"/feedback/n/{nps_token(response, 5)}x/").status_code == 404
    response.refresh_from_db()
    assert response.answered_at is None


def test_stop_link_records_an_opt_out_once_and_stops_csat_too(
    papadopoulos: Any, open_ticket: Any, agent: Any
) -> None:
    nps_campaign_create(name="NPS", interval_days=1)
    job_nps_surveys()
    stop = _stop_link(mail.outbox[0])
    client = Client()
    page = client.get(stop)
    assert page.status_code == 200
    assert b"data-optout-confirm" in page.content
    assert not ConsentRecord.objects.exists()  # a mail filter fetching the link changes nothing
    assert client.post(stop).status_code == 200  # the button, or the mail client's one-click (no CSRF token)
    assert client.post(stop).status_code == 200  # a second one changes nothing
    opt_out = ConsentRecord.objects.get(customer=papadopoulos)  # one record: the second click added nothing
    assert (opt_out.purpose, opt_out.channel, opt_out.granted, opt_out.source) == (
        "surveys",
        "email",
        False,
        "link",
    )
    assert opt_out.wording.startswith("Να μη σας ζητάμε ξανά τη γνώμη σας;")  # the page, in Greek
    # no NPS after the interval
    later = timezone.now() + dt.timedelta(days=5)
    assert nps_campaign_run(campaign=NpsCampaign.objects.get(), now=later).sent == 0
    # nor CSAT after a resolved request
    ticket = open_ticket(papadopoulos, channel="email")
    ticket_set_status(ticket=ticket, status="resolved", by=agent)
    mail.outbox.clear()
    assert csat_send(ticket.pk) is False
    assert mail.outbox == []
    assert not CsatSurvey.objects.filter(ticket=ticket, sent_at__isnull=False).exists()


def test_tampered_stop_link_changes_nothing(papadopoulos: Any) -> None:
    assert Client().get("/feedback/optout/not-a-token/").status_code == 404
    assert Client().post("/feedback/optout/not-a-token/").status_code == 404
    assert not ConsentRecord.objects.exists()


def test_a_merged_customers_stop_link_opts_out_the_customer_kept(
    papadopoulos: Any, make_customer: Any, manager: Any
) -> None:
    from pelatis.customers.services import customer_merge
    from pelatis.feedback.services import optout_token
    from pelatis.privacy.queries import consent_allows

    twin = make_customer(first_name="Γιώργος", last_name="Παπαδόπουλος", emails=["gp@example.gr"])
    stop = f"/feedback/optout/{optout_token(twin)}/"
    customer_merge(survivor=papadopoulos, merged=twin, by=manager)
    assert Client().post(stop).status_code == 200
    assert consent_allows(papadopoulos.pk, "surveys", "email") is False
