"""The 360 page's consent card, the agent's form (source agent, the wording read out) and merges."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import translation

from pelatis.customers.models import Customer
from pelatis.customers.services import customer_merge
from pelatis.privacy.models import ConsentRecord, Purpose
from pelatis.privacy.queries import consent_allows
from pelatis.privacy.services import consent_record

pytestmark = pytest.mark.django_db
READ_OUT = "Συμφωνείτε να σας καλούμε για προσφορές;"


def test_the_card_shows_the_grid_and_the_last_changes(
    papadopoulos: Customer, agent: Any, client_as: Any
) -> None:
    consent_record(
        customer=papadopoulos,
        purpose="marketing",
        channel="phone",
        granted=True,
        source="agent",
        wording=READ_OUT,
        by=agent,
    )
    html = client_as(agent).get(f"/customers/{papadopoulos.pk}/").content.decode()
    assert "data-consent-panel" in html
    assert 'data-consent="marketing.phone" data-granted="yes"' in html
    assert 'data-consent="marketing.email" data-granted="no"' in html
    assert 'data-consent="surveys.email" data-granted="yes"' in html
    assert READ_OUT in html
    assert "data-consent-form" in html


def test_the_card_says_what_holds_where_nothing_is_recorded(
    papadopoulos: Customer, agent: Any, client_as: Any
) -> None:
    """No bare "default" in every cell: a note under the grid says which purposes are allowed until the
    customer objects and which only after their yes."""
    consent_record(customer=papadopoulos, purpose="marketing", channel="email", granted=True, source="form")
    html = client_as(agent).get(f"/customers/{papadopoulos.pk}/").content.decode()
    card = html.split("data-consent-panel", 1)[1].split("</section>", 1)[0]
    assert "προεπιλογή" not in card
    assert ">default<" not in card
    assert 'data-consent="marketing.email" data-granted="yes">' in card  # recorded: no mark
    assert 'data-consent="marketing.sms" data-granted="no" data-unrecorded>' in card
    assert 'data-consent="surveys.email" data-granted="yes" data-unrecorded>' in card
    note = card.split("data-consent-unrecorded>", 1)[1].split("</p>", 1)[0]
    allowed, not_allowed = note.split(": ", 1)[1].split(". ", 1)
    with translation.override(html.split('lang="', 1)[1].split('"', 1)[0]):  # the page's language
        surveys, profiling, offers = (str(Purpose(p).label) for p in ("surveys", "profiling", "marketing"))
    assert surveys in allowed
    assert profiling in allowed
    assert offers not in allowed
    assert offers in not_allowed
    assert 'class="table-wrap"' in card  # a narrow column scrolls the grid instead of cutting it


def test_read_only_staff_see_the_card_without_the_form(
    papadopoulos: Customer, reader: Any, client_as: Any
) -> None:
    html = client_as(reader).get(f"/customers/{papadopoulos.pk}/").content.decode()
    assert "data-consent-panel" in html
    assert "data-consent-form" not in html
    answer = client_as(reader).post(
        f"/privacy/customers/{papadopoulos.pk}/consent/",
        {"purpose": "marketing", "channel": "sms", "granted": "yes", "wording": READ_OUT},
    )
    assert answer.status_code == 403
    assert not ConsentRecord.objects.exists()


def test_an_agent_records_what_the_customer_said(papadopoulos: Customer, agent: Any, client_as: Any) -> None:
    client = client_as(agent)
    answer = client.post(
        f"/privacy/customers/{papadopoulos.pk}/consent/",
        {"purpose": "marketing", "channel": "phone", "granted": "yes", "wording": READ_OUT, "note": "κλήση"},
    )
    assert answer.status_code == 302
    record = ConsentRecord.objects.get()
    assert (record.source, record.wording, record.recorded_by, record.note) == (
        "agent",
        READ_OUT,
        agent,
        "κλήση",
    )
    assert consent_allows(papadopoulos.pk, "marketing", "phone") is True


def test_the_form_names_what_is_missing(papadopoulos: Customer, agent: Any, client_as: Any) -> None:
    answer = client_as(agent).post(
        f"/privacy/customers/{papadopoulos.pk}/consent/", {"purpose": "spam", "channel": "phone"}
    )
    assert answer.status_code == 422
    html = answer.content.decode()
    for field in ("purpose", "granted", "wording"):
        assert f'data-error-for="{field}"' in html
    assert not ConsentRecord.objects.exists()


def test_a_merge_moves_the_history_to_the_customer_kept(
    papadopoulos: Customer, make_customer: Any, manager: Any
) -> None:
    twin = make_customer(first_name="Γιώργος", last_name="Παπαδόπουλος", emails=["gp@example.gr"])
    consent_record(customer=twin, purpose="marketing", channel="email", granted=True, source="form")
    consent_record(customer=papadopoulos, purpose="surveys", channel="email", granted=False, source="link")
    customer_merge(survivor=papadopoulos, merged=twin, by=manager)
    assert set(ConsentRecord.objects.values_list("customer_id", flat=True)) == {papadopoulos.pk}
    assert consent_allows(papadopoulos.pk, "marketing", "email") is True
    assert consent_allows(papadopoulos.pk, "surveys", "email") is False
