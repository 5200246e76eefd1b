"""Campaign and results pages: who may do what, the draft form's field errors, "send at" in the business's
time zone, and labels (statuses, skip reasons) instead of raw keys, in Greek too."""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from decimal import Decimal
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from pelatis.engagement.models import (
    Campaign,
    Journey,
    JourneyStep,
    MessageTemplate,
    Segment,
    Send,
    TemplateVersion,
)
from pelatis.engagement.services.campaigns import CampaignInput, campaign_create

from .journey_fixtures import buy, person

pytestmark = pytest.mark.django_db
ATHENS = zoneinfo.ZoneInfo("Europe/Athens")
# Codes that are never words; the statuses ("draft", "sending"...) are English words, so their badges are
# checked for the label instead.
RAW = ("no_consent", "no_address", "frequency_cap", "no_template", "held_out", "claimed")


def _client(user: Any, language: str = "en") -> Client:
    client = Client()
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


def _text(response: Any) -> str:
    body = re.sub(r"<(script|style|head)\b.*?</\1>", " ", response.content.decode(), flags=re.S)
    return re.sub(r"<[^>]+>", " ", body)


@pytest.fixture
def template() -> MessageTemplate:
    t = MessageTemplate.objects.create(name="Προσφορά χειμώνα", purpose="marketing")
    TemplateVersion.objects.create(
        template=t, language="el", subject="Προσφορά", body="Γεια σας {{ address }}"
    )
    return t


@pytest.fixture
def segment() -> Segment:
    return Segment.objects.create(name="Πελάτες Αθήνας", definition={"op": "and", "rules": []})


@pytest.fixture
def draft(template: MessageTemplate, segment: Segment) -> Campaign:
    data = CampaignInput(name="Χειμερινές εκπτώσεις", segment=segment, template=template, holdout_percent=10)
    return campaign_create(data=data)


def _form(seg: Segment, tpl: MessageTemplate, **changes: Any) -> dict[str, Any]:
    data = {
        "name": "Καλοκαιρινή προσφορά",
        "segment": seg.pk,
        "template": tpl.pk,
        "channel": "email",
        "scheduled_for": "",
        "holdout_percent": "10",
        "conversion_days": "14",
    }
    data.update(changes)
    return data


# ---------------------------------------------------------------- permissions


def test_agent_reads_but_cannot_create_launch_or_cancel(agent: Any, draft: Campaign) -> None:
    client = _client(agent)
    assert client.get(reverse("engagement:campaigns")).status_code == 200
    assert client.get(reverse("engagement:campaign", args=[draft.pk])).status_code == 200
    assert client.get(reverse("engagement:campaign_results", args=[draft.pk])).status_code == 200
    assert client.get(reverse("engagement:campaign_new")).status_code == 403
    assert client.get(reverse("engagement:campaign_edit", args=[draft.pk])).status_code == 403
    assert client.post(reverse("engagement:campaign_launch", args=[draft.pk])).status_code == 403
    assert client.post(reverse("engagement:campaign_cancel", args=[draft.pk])).status_code == 403
    draft.refresh_from_db()
    assert draft.status == Campaign.Status.DRAFT
    assert draft.started_at is None
    page = client.get(reverse("engagement:campaign", args=[draft.pk])).content.decode()
    assert "data-launch" not in page
    assert "data-new-campaign" not in client.get(reverse("engagement:campaigns")).content.decode()


def test_outsider_and_anonymous_are_kept_out(outsider: Any, draft: Campaign) -> None:
    client = _client(outsider)
    for name, args in [
        ("engagement:home", []),
        ("engagement:campaigns", []),
        ("engagement:campaign", [draft.pk]),
        ("engagement:campaign_results", [draft.pk]),
        ("engagement:campaign_results_csv", [draft.pk]),
    ]:
        assert client.get(reverse(name, args=args)).status_code == 403, name
    anonymous = Client().get(reverse("engagement:campaigns"))
    assert anonymous.status_code == 302
    assert "login" in anonymous["Location"]


def test_a_get_never_launches(manager: Any, draft: Campaign) -> None:
    question = _client(manager).get(reverse("engagement:campaign_launch", args=[draft.pk]))
    assert question.status_code == 200  # the question before launching
    assert "data-launch-question" in question.content.decode()
    assert Campaign.objects.get(pk=draft.pk).status == Campaign.Status.DRAFT


# ---------------------------------------------------------------- the form


def test_manager_creates_a_draft_with_send_at_in_the_business_time_zone(
    manager: Any, segment: Segment, template: MessageTemplate
) -> None:
    later = (
        (timezone.now() + dt.timedelta(days=30))
        .astimezone(ATHENS)
        .replace(hour=10, minute=0, second=0, microsecond=0)
    )
    data = _form(segment, template, scheduled_for=later.strftime("%Y-%m-%dT%H:%M"))
    response = _client(manager).post(reverse("engagement:campaign_new"), data)
    campaign = Campaign.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("engagement:campaign", args=[campaign.pk])
    assert campaign.name == "Καλοκαιρινή προσφορά"
    assert campaign.status == Campaign.Status.DRAFT
    assert campaign.scheduled_for == later  # 10:00 in Athens, whatever the server's clock zone
    assert campaign.created_by == manager
    # and the edit form shows it back as 10:00
    page = _client(manager).get(reverse("engagement:campaign_edit", args=[campaign.pk])).content.decode()
    assert later.strftime("%Y-%m-%dT10:00") in page


def test_form_errors_name_their_fields_and_save_nothing(
    manager: Any, segment: Segment, template: MessageTemplate
) -> None:
    client = _client(manager)
    past = (timezone.now() - dt.timedelta(days=1)).astimezone(ATHENS).strftime("%Y-%m-%dT%H:%M")
    sms = _form(
        segment, template, channel="sms", holdout_percent="80", conversion_days="0", scheduled_for=past
    )
    response = client.post(reverse("engagement:campaign_new"), sms)
    assert response.status_code == 422
    page = response.content.decode()
    for field in ("template", "holdout_percent", "conversion_days", "scheduled_for"):
        assert f'data-error-for="{field}"' in page, field
    assert "written for Email, not SMS" in page
    empty = client.post(
        reverse("engagement:campaign_new"), _form(segment, template, name="", segment="", template="")
    )
    assert empty.status_code == 422
    for field in ("name", "segment", "template"):
        assert f'data-error-for="{field}"' in empty.content.decode(), field
    assert not Campaign.objects.exists()


def test_a_started_campaign_can_no_longer_be_edited(manager: Any, draft: Campaign) -> None:
    Campaign.objects.filter(pk=draft.pk).update(status=Campaign.Status.DONE, started_at=timezone.now())
    client = _client(manager)
    response = client.post(
        reverse("engagement:campaign_edit", args=[draft.pk]),
        _form(draft.segment, draft.template, name="Άλλο όνομα"),
    )
    assert response.status_code == 302
    assert Campaign.objects.get(pk=draft.pk).name == "Χειμερινές εκπτώσεις"


def test_schedule_and_cancel_from_the_page(manager: Any, draft: Campaign) -> None:
    client = _client(manager)
    # without a time: an error, still a draft
    client.post(reverse("engagement:campaign_schedule", args=[draft.pk]))
    assert Campaign.objects.get(pk=draft.pk).status == Campaign.Status.DRAFT
    Campaign.objects.filter(pk=draft.pk).update(scheduled_for=timezone.now() + dt.timedelta(days=2))
    client.post(reverse("engagement:campaign_schedule", args=[draft.pk]))
    assert Campaign.objects.get(pk=draft.pk).status == Campaign.Status.SCHEDULED
    client.post(reverse("engagement:campaign_cancel", args=[draft.pk]))
    assert Campaign.objects.get(pk=draft.pk).status == Campaign.Status.CANCELLED


# ---------------------------------------------------------------- labels, results, download


def _sent_campaign(draft: Campaign) -> Campaign:
    Campaign.objects.filter(pk=draft.pk).update(status=Campaign.Status.DONE, started_at=timezone.now())
    a = person("Μαρία", "Νικολάου", "maria@example.gr")
    b = person("Κώστας", "Ιωάννου", "kostas@example.gr")
    c = person("Άννα", "Γεωργίου", "anna@example.gr")
    now = timezone.now()
    Send.objects.create(key="k1", customer=a, channel="email", campaign=draft, status="sent", sent_at=now)
    Send.objects.create(
        key="k2", customer=b, channel="email", campaign=draft, status="skipped", skip_reason="no_consent"
    )
    Send.objects.create(key="k3", customer=c, channel="email", campaign=draft, status="held_out")
    order = buy(a, "ORD-1", now + dt.timedelta(hours=2), ("S1", "Παλτό", "Ρούχα"))
    assert order.total == Decimal("10.00")
    draft.refresh_from_db()
    return draft


@pytest.mark.parametrize("language", ["en", "el"])
def test_pages_show_labels_never_raw_keys(manager: Any, draft: Campaign, language: str) -> None:
    campaign = _sent_campaign(draft)
    client = _client(manager, language)
    pages = [
        client.get(reverse("engagement:campaigns")),
        client.get(reverse("engagement:campaign", args=[campaign.pk])),
        client.get(reverse("engagement:campaign_results", args=[campaign.pk])),
        client.get(reverse("engagement:home")),
    ]
    with translation.override(language):
        status = str(Campaign.Status.DONE.label)
        reason = str(Send.Skip.NO_CONSENT.label)
    for response in pages:
        assert response.status_code == 200
        text = _text(response)
        for raw in RAW:
            assert not re.search(rf"(?<![\w-]){raw}(?![\w-])", text), (raw, response.request["PATH_INFO"])
    for response in pages[:3]:
        badges = re.findall(r'data-status="done">([^<]+)<', response.content.decode())
        assert badges == [status], response.request["PATH_INFO"]
    assert reason in _text(pages[2])
    money = "10,00\xa0€" if language == "el" else "€10.00"
    assert money in pages[2].content.decode()


def test_results_csv_opens_in_a_greek_excel(manager: Any, draft: Campaign) -> None:
    campaign = _sent_campaign(draft)
    response = _client(manager, "el").get(reverse("engagement:campaign_results_csv", args=[campaign.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    body = response.content
    assert body.startswith(b"\xef\xbb\xbf")  # the BOM: Excel reads UTF-8 (Greek) right
    header, row = body[3:].decode("utf-8").splitlines()
    assert ";" in header
    assert "," not in header.replace("(%)", "")
    cells = row.split(";")
    assert cells[0] == "Χειμερινές εκπτώσεις"
    # audience 3, sent 1, ... conversion 100 % written with a decimal comma, revenue 10,00
    assert cells[1:3] == ["3", "1"]
    assert "100,0" in cells
    assert "10,00" in cells
    machine = _client(manager).get(
        reverse("engagement:campaign_results_csv", args=[campaign.pk]), {"format": "machine"}
    )
    head = machine.content.decode("utf-8-sig").splitlines()[0].split(",")
    assert head[:3] == ["name", "audience", "sent"]
    assert "skipped_no_consent" in head


def test_journey_results_page_has_a_row_per_step(manager: Any, agent: Any, template: MessageTemplate) -> None:
    journey = Journey.objects.create(name="Καλωσόρισμα", trigger="onboarding")
    for position in (1, 2):
        JourneyStep.objects.create(
            journey=journey, position=position, delay_days=position * 3, template=template
        )
    response = _client(agent).get(reverse("engagement:journey_results", args=[journey.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-step="1"' in page
    assert 'data-step="2"' in page
    csv = _client(manager).get(
        reverse("engagement:journey_results_csv", args=[journey.pk]), {"format": "machine"}
    )
    assert len(csv.content.decode("utf-8-sig").splitlines()) == 4  # header, two steps, the whole journey


def test_home_links_the_areas_with_counts(agent: Any, draft: Campaign) -> None:
    page = _client(agent).get(reverse("engagement:home")).content.decode()
    assert 'data-area="campaigns"' in page
    assert f'href="{reverse("engagement:campaigns")}"' in page
    assert re.search(r'data-area="segments".*?data-count="1"', page, flags=re.S)


def _queries(client: Client, url: str) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_list_and_results_pages_do_not_grow_with_campaigns_or_sends(manager: Any, draft: Campaign) -> None:
    _sent_campaign(draft)
    client = _client(manager)
    client.get(reverse("engagement:campaigns"))  # the page frame's cached pieces are filled
    list_before = _queries(client, reverse("engagement:campaigns"))
    results_before = _queries(client, reverse("engagement:campaign_results", args=[draft.pk]))
    # when: more campaigns, and more sends and orders for this one
    for i in range(6):
        campaign_create(
            data=CampaignInput(name=f"Εκστρατεία {i}", segment=draft.segment, template=draft.template)
        )
        customer = person("Πελάτης", f"Νο {i}", f"p{i}@example.gr")
        Send.objects.create(
            key=f"more{i}",
            customer=customer,
            channel="email",
            campaign=draft,
            status="sent",
            sent_at=timezone.now(),
        )
        buy(customer, f"ORD-M{i}", timezone.now(), ("S", "Κάλτσες", "Ρούχα"))
    # then: the same number of queries
    assert _queries(client, reverse("engagement:campaigns")) == list_before
    assert _queries(client, reverse("engagement:campaign_results", args=[draft.pk])) == results_before
