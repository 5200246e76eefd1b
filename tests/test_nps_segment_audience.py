"""An NPS campaign aimed at a saved engagement segment (NPS_AUDIENCES): the manager picks the segment on the
campaign form, the run asks exactly the segment's customers who are otherwise due (an email, consent to
surveys, not asked lately), and once the segment is deleted the campaign asks nobody."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from pelatis.customers.models import Customer
from pelatis.customers.services import address_add
from pelatis.engagement.models import Segment
from pelatis.engagement.segments.services import segment_create, segment_delete
from pelatis.feedback.models import NpsCampaign
from pelatis.feedback.services import feedback_opt_out, nps_campaign_create
from pelatis.feedback.services.nps import nps_campaign_run, nps_due_customer_ids

pytestmark = pytest.mark.django_db

GREEK_IN_THESSALONIKI = {
    "op": "and",
    "rules": [
        {"field": "customer.language", "op": "eq", "value": "el"},
        {"field": "customer.city", "op": "eq", "value": "Θεσσαλονίκη"},
    ],
}


@pytest.fixture(autouse=True)
def _base_url(settings: Any) -> None:
    settings.PELATIS_BASE_URL = "http://testserver"


def _customer(make_customer: Any, first_name: str, city: str, **fields: Any) -> Customer:
    fields.setdefault("emails", [f"{first_name.lower()}@example.gr"])
    customer: Customer = make_customer(first_name=first_name, last_name="Πελάτης", **fields)
    address_add(customer=customer, line1="Οδός 1", city=city)
    return customer


def test_a_segment_chosen_on_the_form_is_asked_and_a_deleted_one_asks_nobody(
    client_as: Any, manager: Any, make_customer: Any
) -> None:
    # given: Greek speakers in Thessaloniki in every state a survey cares about, and others who are not
    due = _customer(make_customer, "Giorgos", "Θεσσαλονίκη")
    opted_out = _customer(make_customer, "Eleni", "Θεσσαλονίκη")
    asked_lately = _customer(make_customer, "Maria", "Θεσσαλονίκη")
    _customer(make_customer, "Kostas", "Θεσσαλονίκη", emails=[], phones=["6971112233"])
    _customer(make_customer, "John", "Θεσσαλονίκη", language="en")
    _customer(make_customer, "Nikos", "Αθήνα")
    feedback_opt_out(customer=opted_out, source="staff")
    earlier = nps_campaign_create(name="Παλιά", active=False)
    nps_campaign_run(
        campaign=earlier, now=timezone.now() - dt.timedelta(days=10), limit=10
    )  # Maria stays asked
    earlier.responses.exclude(customer=asked_lately).delete()
    assert list(earlier.responses.values_list("customer_id", flat=True)) == [asked_lately.pk]
    mail.outbox.clear()
    segment = segment_create(name="Θεσσαλονικείς", definition=GREEK_IN_THESSALONIKI)

    # when: the manager picks the segment on the campaign form
    client = client_as(manager)
    html = client.get("/feedback/nps/new/").content.decode()
    assert f'<option value="segment:{segment.pk}">Θεσσαλονικείς</option>' in html
    form = {"name": "Βόρεια", "segment": "audience", "interval_days": "90", "active": "on"}
    tampered = client.post("/feedback/nps/new/", {**form, "audience": f"segment:{segment.pk + 1000}"})
    assert tampered.status_code == 422
    assert 'data-error-for="audience"' in tampered.content.decode()
    page = client.post("/feedback/nps/new/", {**form, "audience": f"segment:{segment.pk}"})
    campaign = NpsCampaign.objects.get(name="Βόρεια")
    assert page.status_code == 302
    assert "Θεσσαλονικείς" in client.get(f"/feedback/nps/{campaign.pk}/").content.decode()

    # then: exactly the segment's customer who is due, asked once
    assert nps_due_customer_ids(campaign) == [due.pk]
    assert nps_campaign_run(campaign=campaign).sent == 1
    assert [m.to for m in mail.outbox] == [["giorgos@example.gr"]]

    # when: deleting the segment is refused while the survey uses it, naming the survey
    anna = _customer(make_customer, "Anna", "Θεσσαλονίκη")
    assert nps_due_customer_ids(campaign) == [anna.pk]
    with pytest.raises(ValidationError) as refused:
        segment_delete(segment=segment)
    assert campaign.name in refused.value.message_dict["segment"][0]
    assert Segment.objects.filter(pk=segment.pk).exists()
    # ... and when it goes all the same (e.g. from the admin), the survey asks nobody
    Segment.objects.filter(pk=segment.pk).delete()

    # then: the campaign asks nobody, and its page says so
    assert nps_due_customer_ids(campaign) == []
    assert nps_campaign_run(campaign=campaign).sent == 0
    assert len(mail.outbox) == 1
    assert "data-audience-gone" in client.get(f"/feedback/nps/{campaign.pk}/").content.decode()
