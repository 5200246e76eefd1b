"""Consent records: defaults without a record, the latest record in force, nothing added for a repeat,
set-based filtering, the paged history, bulk records for imports and their dating rules."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from pelatis.customers.models import Customer, Interaction
from pelatis.privacy.models import ConsentRecord
from pelatis.privacy.queries import consent_allows, consent_current, consent_history, consent_q
from pelatis.privacy.services import ConsentEntry, consent_record, consent_record_many

WORDING = "Θέλω να λαμβάνω προσφορές και νέα με email."


@pytest.fixture
def eleni(make_customer: Any) -> Customer:
    customer: Customer = make_customer(first_name="Ελένη", last_name="Νικολάου", emails=["eleni@example.gr"])
    return customer


def test_defaults_without_a_record(papadopoulos: Customer) -> None:
    pk = papadopoulos.pk
    assert consent_allows(pk, "service", "email") is True
    assert consent_allows(pk, "surveys", "sms") is True
    assert consent_allows(pk, "profiling", "email") is True
    assert consent_allows(pk, "marketing", "email") is False


def test_the_latest_record_is_in_force_and_a_repeat_adds_nothing(papadopoulos: Customer, agent: Any) -> None:
    first = consent_record(
        customer=papadopoulos,
        purpose="marketing",
        channel="email",
        granted=True,
        source="agent",
        wording=WORDING,
        by=agent,
    )
    again = consent_record(
        customer=papadopoulos, purpose="marketing", channel="email", granted=True, source="link"
    )
    assert again.pk == first.pk
    assert ConsentRecord.objects.filter(customer=papadopoulos).count() == 1
    assert consent_allows(papadopoulos.pk, "marketing", "email") is True
    assert consent_allows(papadopoulos.pk, "marketing", "sms") is False  # per channel
    consent_record(customer=papadopoulos, purpose="marketing", channel="email", granted=False, source="link")
    assert consent_allows(papadopoulos.pk, "marketing", "email") is False
    stored = ConsentRecord.objects.get(pk=first.pk)
    assert (stored.wording, stored.recorded_by, stored.source) == (WORDING, agent, "agent")


def test_a_record_is_on_the_timeline_with_the_greek_wording(
    papadopoulos: Customer, agent: Any, settings: Any
) -> None:
    settings.LANGUAGE_CODE = "en"
    record = consent_record(
        customer=papadopoulos,
        purpose="surveys",
        channel="email",
        granted=False,
        source="agent",
        wording=WORDING,
        by=agent,
    )
    entry = Interaction.objects.get(source_type="privacy.consentrecord", source_id=str(record.pk))
    assert entry.actor == agent
    assert entry.body == WORDING
    assert entry.summary == "Consent withdrawn: Surveys by email"


def test_bad_input_names_the_field_and_writes_nothing(papadopoulos: Customer) -> None:
    with pytest.raises(ValidationError) as caught:
        consent_record(
            customer=papadopoulos, purpose="spam", channel="fax", granted=True, source="magic", note="x" * 301
        )
    assert set(caught.value.message_dict) == {"purpose", "channel", "source", "note"}
    assert not ConsentRecord.objects.exists()
    assert not Interaction.objects.filter(source_type="privacy.consentrecord").exists()


def test_consent_q_keeps_those_allowed_with_defaults(
    papadopoulos: Customer, eleni: Customer, make_customer: Any, django_assert_max_num_queries: Any
) -> None:
    nobody = make_customer(first_name="Νίκος", last_name="Δήμου")
    consent_record(customer=papadopoulos, purpose="marketing", channel="email", granted=True, source="form")
    consent_record(customer=eleni, purpose="marketing", channel="email", granted=True, source="form")
    consent_record(customer=eleni, purpose="marketing", channel="email", granted=False, source="link")
    consent_record(customer=eleni, purpose="surveys", channel="email", granted=False, source="link")
    with django_assert_max_num_queries(1):
        marketing = set(Customer.objects.filter(consent_q("marketing", "email")).values_list("pk", flat=True))
    assert marketing == {papadopoulos.pk}
    surveys = set(Customer.objects.filter(consent_q("surveys", "email")).values_list("pk", flat=True))
    assert surveys == {papadopoulos.pk, nobody.pk}
    not_allowed = set(Customer.objects.exclude(consent_q("surveys", "email")).values_list("pk", flat=True))
    assert not_allowed == {eleni.pk}


def test_consent_q_through_a_customer_foreign_key(papadopoulos: Customer, eleni: Customer) -> None:
    consent_record(customer=eleni, purpose="marketing", channel="sms", granted=True, source="form")
    rows = Interaction.objects.filter(consent_q("marketing", "sms", prefix="customer__"))
    assert {i.customer_id for i in rows} == {eleni.pk}


def test_ties_on_the_moment_are_broken_by_the_later_record(papadopoulos: Customer) -> None:
    at = timezone.now()
    for granted in (True, False, True):
        consent_record(
            customer=papadopoulos,
            purpose="marketing",
            channel="phone",
            granted=granted,
            source="agent",
            at=at,
        )
    assert consent_allows(papadopoulos.pk, "marketing", "phone") is True
    assert Customer.objects.filter(consent_q("marketing", "phone")).count() == 1


def test_current_state_and_paged_history(papadopoulos: Customer, eleni: Customer) -> None:
    consent_record(customer=eleni, purpose="marketing", channel="email", granted=True, source="form")
    for granted in (True, False, True):
        consent_record(
            customer=papadopoulos, purpose="marketing", channel="sms", granted=granted, source="api"
        )
    state = {(s.purpose, s.channel): s for s in consent_current(papadopoulos.pk)}
    assert len(state) == 12
    assert state[("marketing", "sms")].granted is True
    assert state[("marketing", "sms")].record is not None
    assert state[("marketing", "email")].granted is False
    assert state[("marketing", "email")].record is None
    page, more = consent_history(papadopoulos.pk, limit=2)
    assert [r.granted for r in page] == [True, False]
    assert more
    page, more = consent_history(papadopoulos.pk, limit=2, offset=2)
    assert [r.granted for r in page] == [True]
    assert not more


def test_bulk_records_skip_repeats_and_keep_older_statements_as_history(papadopoulos: Customer) -> None:
    now = timezone.now()
    consent_record(customer=papadopoulos, purpose="marketing", channel="email", granted=False, source="link")
    entries = [
        # older than the customer's own withdrawal: history only
        ConsentEntry(
            papadopoulos.pk, "marketing", "email", True, at=now - dt.timedelta(days=300), note="shopify"
        ),
        # undated grant over the customer's withdrawal: never re-subscribes them
        ConsentEntry(papadopoulos.pk, "marketing", "email", True, note="mailchimp"),
        ConsentEntry(papadopoulos.pk, "marketing", "sms", True, note="shopify"),
        ConsentEntry(papadopoulos.pk, "marketing", "sms", True, note="shopify"),  # a repeat
    ]
    assert consent_record_many(entries=entries, source="import") == 2
    assert consent_allows(papadopoulos.pk, "marketing", "email") is False
    assert consent_allows(papadopoulos.pk, "marketing", "sms") is True
    assert consent_record_many(entries=entries, source="import") == 0  # the same file again adds nothing


def test_bulk_bad_entry_names_it(papadopoulos: Customer) -> None:
    with pytest.raises(ValidationError) as caught:
        consent_record_many(
            entries=[
                ConsentEntry(papadopoulos.pk, "marketing", "email", True),
                ConsentEntry(papadopoulos.pk, "marketing", "fax", True),
            ],
            source="import",
        )
    assert "entries.1.channel" in caught.value.message_dict
    assert not ConsentRecord.objects.exists()
