"""Staff pages for NPS campaigns: everyone with tickets reads them, managers set them up and run them."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from pelatis.customers.models import Customer, Tag
from pelatis.feedback.models import NpsCampaign, NpsResponse, NpsRun
from pelatis.feedback.services import nps_answer, nps_campaign_create
from pelatis.feedback.services.nps import nps_campaign_run

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _base_url(settings: Any) -> None:
    settings.PELATIS_BASE_URL = "http://testserver"


def _campaign_with_answers(make_customer: Any, tag: str, scores: list[int]) -> NpsCampaign:
    """A campaign for the customers tagged ``tag``, one per score, each of whom answered."""
    for i, _score in enumerate(scores):
        make_customer(
            first_name=f"Πελάτης{i}", last_name=tag, emails=[f"{tag.lower()}{i}@example.gr"], tags=[tag]
        )
    campaign = nps_campaign_create(name=f"NPS {tag}", segment="tag", tag=Tag.objects.get(name=tag))
    nps_campaign_run(campaign=campaign)
    for response, score in zip(campaign.responses.order_by("customer_id"), scores, strict=True):
        nps_answer(response=response, score=score, comment="Καλή εξυπηρέτηση" if score >= 9 else "Άργησε")
    return campaign


def _list(client: Client) -> Any:
    page = client.get("/feedback/nps/")
    assert page.status_code == 200
    return page


def test_list_shows_each_campaigns_nps_in_a_bounded_number_of_queries(
    client_as: Any, manager: Any, make_customer: Any
) -> None:
    # given: 2 promoters, 1 passive, 1 detractor → (2 - 1) / 4 = +25
    first = _campaign_with_answers(make_customer, "Alpha", [10, 9, 8, 3])
    client = client_as(manager)
    _list(client)  # warm the session and permission caches
    with CaptureQueriesContext(connection) as one:
        page = _list(client)
    html = page.content.decode()
    assert f'data-campaign="{first.pk}"' in html
    assert 'data-nps="25"' in html
    assert 'data-answers="4"' in html
    assert "data-last-run" in html

    # when: more campaigns, with more answers
    _campaign_with_answers(make_customer, "Beta", [0, 1])  # -100
    _campaign_with_answers(make_customer, "Gamma", [10])  # +100
    nps_campaign_create(name="Κανείς ακόμη")  # no answers: no score
    with CaptureQueriesContext(connection) as four:
        page = _list(client)

    # then: the same queries, whatever the number of campaigns
    html = page.content.decode()
    assert 'data-nps="-100"' in html
    assert 'data-nps="100"' in html
    assert 'data-nps=""' in html
    assert len(four) == len(one)


def test_reviews_and_nps_pages_link_to_each_other(client_as: Any, reader: Any) -> None:
    client = client_as(reader)
    assert 'href="/feedback/nps/"' in client.get("/feedback/reviews/").content.decode()
    assert 'href="/feedback/reviews/"' in _list(client).content.decode()


def test_reader_reads_but_sees_no_manager_buttons(client_as: Any, reader: Any, papadopoulos: Any) -> None:
    campaign = nps_campaign_create(name="Τριμηνιαίο")
    client = client_as(reader)
    assert "data-new-campaign" not in _list(client).content.decode()
    page = client.get(f"/feedback/nps/{campaign.pk}/")
    assert page.status_code == 200
    assert "data-run-now" not in page.content.decode()


def test_outsider_and_anonymous_see_nothing(client_as: Any, outsider: Any) -> None:
    campaign = nps_campaign_create(name="Τριμηνιαίο")
    anonymous = Client().get("/feedback/nps/")
    assert anonymous.status_code == 302
    assert "login" in anonymous["Location"]
    client = client_as(outsider)
    assert client.get("/feedback/nps/").status_code == 403
    assert client.get(f"/feedback/nps/{campaign.pk}/").status_code == 403


def test_manager_gets_an_error_on_the_tag_field_then_creates_the_campaign(
    client_as: Any, manager: Any, papadopoulos: Any
) -> None:
    client = client_as(manager)
    assert client.get("/feedback/nps/new/").status_code == 200

    # when: "customers with a tag" without a tag, and an interval of zero
    page = client.post(
        "/feedback/nps/new/", {"name": "VIP", "segment": "tag", "interval_days": "0", "active": "on"}
    )

    # then: each error next to its field, and nothing saved
    assert page.status_code == 422
    html = page.content.decode()
    assert 'data-error-for="tag"' in html
    assert 'data-error-for="interval_days"' in html
    assert not NpsCampaign.objects.exists()

    page = client.post(
        "/feedback/nps/new/", {"name": "Πρόσφατοι", "segment": "recent_order", "interval_days": "30"}
    )
    assert page.status_code == 422
    assert 'data-error-for="order_days"' in page.content.decode()
    assert not NpsCampaign.objects.exists()

    # when: a good one
    vip = Tag.objects.get(name="VIP")
    page = client.post(
        "/feedback/nps/new/",
        {
            "name": "  VIP   NPS ",
            "segment": "tag",
            "tag": vip.pk,
            "order_days": "7",
            "interval_days": "60",
            "active": "on",
        },
    )
    campaign = NpsCampaign.objects.get()
    assert page.status_code == 302
    assert page["Location"] == f"/feedback/nps/{campaign.pk}/"
    assert (
        campaign.name,
        campaign.segment,
        campaign.tag,
        campaign.order_days,
        campaign.interval_days,
        campaign.active,
    ) == ("VIP NPS", "tag", vip, None, 60, True)


def test_manager_edits_a_campaign_and_a_bad_change_saves_nothing(client_as: Any, manager: Any) -> None:
    campaign = nps_campaign_create(name="Όλοι")
    client = client_as(manager)
    assert client.get(f"/feedback/nps/{campaign.pk}/edit/").status_code == 200

    page = client.post(
        f"/feedback/nps/{campaign.pk}/edit/",
        {"name": "Όλοι", "segment": "recent_order", "order_days": "", "interval_days": "90"},
    )
    assert page.status_code == 422
    assert 'data-error-for="order_days"' in page.content.decode()
    assert NpsCampaign.objects.get(pk=campaign.pk).segment == "all"

    page = client.post(
        f"/feedback/nps/{campaign.pk}/edit/",
        {"name": "Πρόσφατοι", "segment": "recent_order", "order_days": "14", "interval_days": "45"},
    )
    assert page.status_code == 302
    campaign.refresh_from_db()
    assert (
        campaign.name,
        campaign.segment,
        campaign.order_days,
        campaign.interval_days,
        campaign.active,
    ) == ("Πρόσφατοι", "recent_order", 14, 45, False)


def test_agent_and_reader_may_not_create_edit_or_run(
    client_as: Any, agent: Any, reader: Any, papadopoulos: Any
) -> None:
    campaign = nps_campaign_create(name="Όλοι")
    for user in (agent, reader):
        client = client_as(user)
        assert client.get("/feedback/nps/new/").status_code == 403
        assert (
            client.post(
                "/feedback/nps/new/", {"name": "X", "segment": "all", "interval_days": "9"}
            ).status_code
            == 403
        )
        assert (
            client.post(
                f"/feedback/nps/{campaign.pk}/edit/", {"name": "X", "segment": "all", "interval_days": "9"}
            ).status_code
            == 403
        )
        assert client.post(f"/feedback/nps/{campaign.pk}/run/").status_code == 403
    assert NpsCampaign.objects.get().name == "Όλοι"
    assert len(mail.outbox) == 0
    assert not NpsResponse.objects.exists()
    assert not NpsRun.objects.exists()


def test_run_now_sends_to_the_eligible_customer_and_says_how_many(
    client_as: Any, manager: Any, papadopoulos: Any, make_customer: Any
) -> None:
    # given: one customer with an email, one without
    make_customer(first_name="Χωρίς", last_name="Email", phones=["697 000 0000"])
    campaign = nps_campaign_create(name="Όλοι")
    client = client_as(manager)

    # when
    page = client.post(f"/feedback/nps/{campaign.pk}/run/", follow=True)

    # then
    assert [m.to for m in mail.outbox] == [["g.papadopoulos@example.gr"]]
    assert list(NpsResponse.objects.values_list("customer_id", flat=True)) == [papadopoulos.pk]
    assert NpsRun.objects.get(campaign=campaign).sent == 1
    assert [str(m) for m in page.context["messages"]] == ["1 sent, 0 failed."]

    # when: again at once: nobody is due, nothing more is sent
    page = client.post(f"/feedback/nps/{campaign.pk}/run/", follow=True)
    assert len(mail.outbox) == 1
    assert "0 sent, 0 failed." in [str(m) for m in page.context["messages"]][0]


def test_a_paused_campaign_is_not_run(client_as: Any, manager: Any, papadopoulos: Any) -> None:
    campaign = nps_campaign_create(name="Σε παύση", active=False)
    page = client_as(manager).post(f"/feedback/nps/{campaign.pk}/run/", follow=True)
    assert page.status_code == 200
    assert len(mail.outbox) == 0
    assert not NpsRun.objects.exists()


def test_detail_lists_the_answers_with_the_follow_up_ticket(
    client_as: Any, reader: Any, make_customer: Any
) -> None:
    campaign = _campaign_with_answers(make_customer, "Delta", [10, 2])
    promoter, detractor = campaign.responses.order_by("customer_id")
    NpsResponse.objects.create(  # asked, not answered: not listed
        campaign=campaign,
        customer=Customer.objects.get(last_name="Delta", first_name="Πελάτης0"),
        sent_at=promoter.sent_at,
        ask_again_after=promoter.ask_again_after,
    )
    detractor.refresh_from_db()
    assert detractor.follow_up_ticket_id is not None

    page = client_as(reader).get(f"/feedback/nps/{campaign.pk}/")

    assert page.status_code == 200
    html = page.content.decode()
    assert [a.pk for a in page.context["answers"]] == [detractor.pk, promoter.pk]
    assert 'data-score="10"' in html
    assert 'data-score="2"' in html
    assert "Άργησε" in html
    assert f'data-follow-up="{detractor.follow_up_ticket_id}"' in html
    assert 'data-nps="0"' in html
    assert len(page.context["runs"]) == 1


def test_detail_pages_answers_25_at_a_time(client_as: Any, reader: Any, make_customer: Any) -> None:
    campaign = _campaign_with_answers(make_customer, "Epsilon", [9] * 27)
    client = client_as(reader)
    assert len(client.get(f"/feedback/nps/{campaign.pk}/").context["answers"]) == 25
    assert len(client.get(f"/feedback/nps/{campaign.pk}/?page=2").context["answers"]) == 2
