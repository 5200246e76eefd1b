"""An NPS campaign aimed at an audience another app offers (NPS_AUDIENCES): exactly its customers who are
otherwise due, nobody once the audience is gone, and the form offers the audiences and refuses others.

The offer here is a stand-in declared by the test (feedback never imports the apps above it)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone

from pelatis.core import hooks
from pelatis.customers.models import Customer
from pelatis.customers.views import ListFilter
from pelatis.feedback import nps_audiences
from pelatis.feedback.models import NpsCampaign, NpsResponse
from pelatis.feedback.services import feedback_opt_out, nps_campaign_create
from pelatis.feedback.services.nps import nps_campaign_run, nps_campaign_update, nps_due_customer_ids

pytestmark = pytest.mark.django_db


def _club_condition(value: str) -> Q:
    # gold and platinum members: a customer with both tags joins two rows
    return Q(tags__name__in=["Gold", "Platinum"]) if value == "gold" else Q(pk__in=[])


CLUB = ListFilter(
    param="club",
    label="Λέσχη πελατών",
    choices=lambda: [("gold", "Χρυσά μέλη"), ("silver", "Ασημένια μέλη")],
    condition=_club_condition,
)


@pytest.fixture(autouse=True)
def _base_url(settings: Any) -> None:
    settings.PELATIS_BASE_URL = "http://testserver"


@pytest.fixture
def offers(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """The NPS_AUDIENCES the apps offer, as the test sets them (the club's by default)."""
    offered: list[Any] = [CLUB]

    def contributions(name: str) -> list[Any]:
        return list(offered) if name == "NPS_AUDIENCES" else hooks.contributions(name)

    monkeypatch.setattr(nps_audiences, "contributions", contributions)
    return offered


@pytest.fixture
def members(make_customer: Any) -> dict[str, Customer]:
    """Gold members in every state a survey cares about, and one customer who is not a member."""
    return {
        "due": make_customer(
            first_name="Ελένη", last_name="Νικολάου", emails=["eleni@example.gr"], tags=["Gold", "Platinum"]
        ),
        "opted_out": make_customer(
            first_name="Νίκος", last_name="Αλεξίου", emails=["n@example.gr"], tags=["Gold"]
        ),
        "asked_lately": make_customer(
            first_name="Μαρία", last_name="Κωνσταντίνου", emails=["m@example.gr"], tags=["Gold"]
        ),
        "no_email": make_customer(
            first_name="Κώστας", last_name="Δήμου", phones=["6971112233"], tags=["Gold"]
        ),
        "not_member": make_customer(first_name="Άννα", last_name="Ιωάννου", emails=["anna@example.gr"]),
    }


def test_the_campaign_asks_exactly_the_audiences_customers_who_are_due(
    offers: list[Any], members: dict[str, Customer]
) -> None:
    # given: one member opted out of surveys, one asked by another campaign a week ago
    feedback_opt_out(customer=members["opted_out"], source="staff")
    everyone = nps_campaign_create(name="Όλοι", active=False)
    assert nps_campaign_run(campaign=everyone, now=timezone.now() - dt.timedelta(days=7), limit=10).sent == 3
    NpsResponse.objects.exclude(customer=members["asked_lately"]).delete()
    mail.outbox.clear()

    # when
    gold = nps_campaign_create(name="Χρυσά μέλη", segment="audience", audience="club:gold")

    # then: the member who is due, once (two tags joined do not count twice), and the run asks only her
    assert gold.audience == "club:gold"
    assert nps_due_customer_ids(gold) == [members["due"].pk]
    assert nps_campaign_run(campaign=gold).sent == 1
    assert [m.to for m in mail.outbox] == [["eleni@example.gr"]]
    assert nps_due_customer_ids(gold) == []  # the once-per-interval rule holds as for any campaign


def test_an_audience_that_is_gone_matches_nobody(offers: list[Any], members: dict[str, Customer]) -> None:
    gold = nps_campaign_create(name="Χρυσά μέλη", segment="audience", audience="club:gold")
    silver = nps_campaign_create(name="Ασημένια μέλη", segment="audience", audience="club:silver")
    with_email = sorted(members[name].pk for name in ("due", "opted_out", "asked_lately"))
    assert nps_due_customer_ids(gold) == with_email  # nobody opted out or asked yet here
    assert nps_due_customer_ids(silver) == []  # the offer's condition for a value with no customers

    # when: the app that offered it is no longer installed
    offers.clear()

    # then: nobody, not everyone
    assert nps_due_customer_ids(gold) == []
    assert nps_campaign_run(campaign=gold).sent == 0
    assert mail.outbox == []
    NpsCampaign.objects.filter(pk=gold.pk).update(audience="nonsense")
    offers.append(CLUB)
    gold.refresh_from_db()
    assert nps_due_customer_ids(gold) == []


def test_the_audience_is_checked_by_field(offers: list[Any]) -> None:
    for audience in ("", "club:bronze", "other:gold", "club", "x" * 200):
        with pytest.raises(ValidationError) as caught:
            nps_campaign_create(name="NPS", segment="audience", audience=audience)
        assert set(caught.value.message_dict) == {"audience"}, audience
    assert not NpsCampaign.objects.exists()

    # an audience given with another segment is not kept (it would mean nothing)
    campaign = nps_campaign_create(name="NPS", segment="all", audience="club:gold")
    assert campaign.audience == ""
    campaign = nps_campaign_update(
        campaign=campaign, name="NPS", segment="audience", audience="club:silver", interval_days=90
    )
    assert (campaign.segment, campaign.audience) == ("audience", "club:silver")
    campaign = nps_campaign_update(campaign=campaign, name="NPS", segment="all", interval_days=90)
    assert (campaign.segment, campaign.audience) == ("all", "")


def test_the_form_offers_the_audiences_grouped_and_refuses_a_tampered_one(
    offers: list[Any], client_as: Any, manager: Any
) -> None:
    client = client_as(manager)
    html = client.get("/feedback/nps/new/").content.decode()
    assert 'value="audience"' in html
    assert '<optgroup label="Λέσχη πελατών">' in html
    assert '<option value="club:gold">Χρυσά μέλη</option>' in html

    # when: a value the list never offered
    form = {"name": "Χρυσά", "segment": "audience", "audience": "club:bronze", "interval_days": "90"}
    page = client.post("/feedback/nps/new/", form)

    # then: an error on the field, nothing saved
    assert page.status_code == 422
    html = page.content.decode()
    assert 'data-error-for="audience"' in html
    assert "club:bronze" in html
    assert not NpsCampaign.objects.exists()

    # when: no segment chosen for "customers of a saved segment"
    page = client.post("/feedback/nps/new/", {**form, "audience": ""})
    assert page.status_code == 422
    assert 'data-error-for="audience"' in page.content.decode()

    # when: one of the list
    page = client.post("/feedback/nps/new/", {**form, "audience": "club:gold", "active": "on"})
    campaign = NpsCampaign.objects.get()
    assert page.status_code == 302
    assert (campaign.segment, campaign.audience) == ("audience", "club:gold")
    assert "Χρυσά μέλη" in client.get(f"/feedback/nps/{campaign.pk}/").content.decode()
    assert "Χρυσά μέλη" in client.get("/feedback/nps/").content.decode()
    edit = client.get(f"/feedback/nps/{campaign.pk}/edit/").content.decode()
    assert '<option value="club:gold" selected>Χρυσά μέλη</option>' in edit

    # when: the audience is gone, the pages say nobody is asked
    offers.clear()
    assert "data-audience-gone" in client.get(f"/feedback/nps/{campaign.pk}/").content.decode()
    assert "data-audience-gone" in client.get("/feedback/nps/").content.decode()


def test_without_any_offer_the_choice_is_not_shown(offers: list[Any], client_as: Any, manager: Any) -> None:
    offers.clear()
    client = client_as(manager)
    html = client.get("/feedback/nps/new/").content.decode()
    assert 'value="audience"' not in html
    assert 'name="audience"' not in html
    page = client.post("/feedback/nps/new/", {"name": "X", "segment": "audience", "interval_days": "90"})
    assert page.status_code == 422
    assert 'data-error-for="segment"' in page.content.decode()
