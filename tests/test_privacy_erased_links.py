"""After an erasure the person's old links open nothing: a survey link cannot write a new score or
comment, the preferences and opt-out links show no page, and the request page is gone."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from pelatis.channels.portal import portal_link
from pelatis.customers.models import Customer
from pelatis.feedback.models import CsatSurvey
from pelatis.feedback.services.consent import optout_token
from pelatis.feedback.services.csat import csat_survey_for, csat_token
from pelatis.helpdesk.services.tickets import InboundMail, ticket_open
from pelatis.privacy.links import preferences_path, unsubscribe_path
from pelatis.privacy.rights.erase import customer_erase

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def data_dir(settings: Any, tmp_path: Any) -> None:
    settings.DATA_DIR = tmp_path


def test_an_erased_customers_links_open_nothing(client: Client, papadopoulos: Customer) -> None:
    ticket, _message = ticket_open(
        customer=papadopoulos, subject="Κράτηση", mail=InboundMail(body_text="Γεια")
    )
    survey = csat_survey_for(ticket=ticket)
    links = {
        "survey": reverse("feedback:rate", args=[csat_token(survey, 5)]),
        "opt-out": reverse("feedback:optout", args=[optout_token(papadopoulos)]),
        "preferences": preferences_path(papadopoulos),
        "unsubscribe": unsubscribe_path(papadopoulos),
        "request page": portal_link(ticket, mailbox=True),
    }
    assert {name: client.get(url).status_code for name, url in links.items()} == dict.fromkeys(links, 200)

    customer_erase(papadopoulos.pk, reason="Αίτημα διαγραφής")

    assert {name: client.get(url).status_code for name, url in links.items()} == dict.fromkeys(links, 404)
    client.post(links["survey"], {"comment": "νέο σχόλιο"})
    survey.refresh_from_db()
    assert survey.score is None
    assert not CsatSurvey.objects.filter(comment__contains="νέο").exists()


def test_an_order_after_the_erasure_does_not_make_the_customer_findable(papadopoulos: Customer) -> None:
    import datetime as dt

    from django.utils import timezone

    from pelatis.customers.inputs import OrderInput, OrderLineInput
    from pelatis.customers.queries import customer_search
    from pelatis.customers.services.orders import order_create

    customer_erase(papadopoulos.pk, reason="Αίτημα διαγραφής")
    papadopoulos.refresh_from_db()

    order_create(
        customer=papadopoulos,
        data=OrderInput(
            reference="WEB-777",
            placed_at=timezone.now() - dt.timedelta(hours=1),
            lines=[OrderLineInput(name="Σέλα", unit_price="40.00")],
        ),
    )

    for term in ("erased", "[erased]"):
        assert not customer_search(term).customers, term
    # the order itself is still found by its reference (the books need it), on the anonymous record
    assert [c.pk for c in customer_search("WEB-777").customers] == [papadopoulos.pk]


def test_survey_links_close_after_the_retention_period(
    client: Client, papadopoulos: Customer, settings: Any
) -> None:
    import datetime as dt

    from django.utils import timezone

    settings.PELATIS_RETENTION_SURVEY_TOKEN_DAYS = 10
    ticket, _message = ticket_open(
        customer=papadopoulos, subject="Κράτηση", mail=InboundMail(body_text="Γεια")
    )
    survey = csat_survey_for(ticket=ticket)
    url = reverse("feedback:rate", args=[csat_token(survey, 4)])
    CsatSurvey.objects.filter(pk=survey.pk).update(sent_at=timezone.now() - dt.timedelta(days=9))
    assert client.get(url).status_code == 200

    CsatSurvey.objects.filter(pk=survey.pk).update(sent_at=timezone.now() - dt.timedelta(days=11))
    assert client.get(url).status_code == 404
    client.post(url)
    survey.refresh_from_db()
    assert survey.score is None


def test_an_erased_customer_cannot_be_edited_back_into_a_person(
    client_as: Any, manager: Any, papadopoulos: Customer
) -> None:
    from django.core.exceptions import ValidationError

    from pelatis.customers.inputs import CustomerInput
    from pelatis.customers.services import customer_update

    customer_erase(papadopoulos.pk, reason="Αίτημα διαγραφής")
    papadopoulos.refresh_from_db()
    client = client_as(manager)

    page = client.get(reverse("customers:detail", args=[papadopoulos.pk])).content.decode()
    assert reverse("customers:edit", args=[papadopoulos.pk]) not in page
    assert client.get(reverse("customers:edit", args=[papadopoulos.pk])).status_code == 302
    with pytest.raises(ValidationError, match="erased"):
        customer_update(
            customer=papadopoulos,
            data=CustomerInput(first_name="Γιώργος", last_name="Παπαδόπουλος", emails=["g@example.gr"]),
        )
    papadopoulos.refresh_from_db()
    assert papadopoulos.first_name == "[erased]"


def test_nothing_new_is_recorded_about_an_erased_customer(
    api_as: Any, client_as: Any, manager: Any, papadopoulos: Customer
) -> None:
    from pelatis.customers.models import Address, ContactPoint, Interaction
    from pelatis.helpdesk.models import Ticket

    customer_erase(papadopoulos.pk, reason="Αίτημα διαγραφής")
    before = (Interaction.objects.count(), Ticket.objects.count())
    api = api_as(manager)
    pk = papadopoulos.pk
    attempts = {
        "email": api.post(
            f"/api/v1/customers/{pk}/contact-points", {"kind": "email", "value": "g@example.gr"}
        ),
        "address": api.post(f"/api/v1/customers/{pk}/addresses", {"line1": "Ερμού 10", "city": "Αθήνα"}),
        "note": api.post(
            f"/api/v1/customers/{pk}/interactions",
            {"channel": "phone", "direction": "in", "summary": "Ο κ. Παπαδόπουλος τηλεφώνησε"},
        ),
        "ticket": api.post(
            "/api/v1/tickets", {"customer_id": pk, "subject": "Κλήση", "body": "Γιώργος, 6971234567"}
        ),
    }
    assert {what: r.status_code for what, r in attempts.items()} == dict.fromkeys(attempts, 422)
    assert all("erased" in r.content.decode() for r in attempts.values())

    web = client_as(manager)
    web.post(
        reverse("customers:note_add", args=[pk]), {"body": "Γιώργος Παπαδόπουλος, νέο email g@example.gr"}
    )
    web.post(
        reverse("customers:ticket_new", args=[pk]),
        {"subject": "Κλήση", "body": "Γιώργος", "channel": "phone", "type": "question", "priority": "normal"},
    )

    assert not ContactPoint.objects.filter(customer_id=pk).exists()
    assert not Address.objects.filter(customer_id=pk).exists()
    assert (Interaction.objects.count(), Ticket.objects.count()) == before
