"""Restriction of processing (GDPR art. 18): while in force, marketing, surveys and profiling are not
allowed whatever the consent says (one customer and set-based), service messages still are; starting
and lifting are audited and refuse bad input by field."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from pelatis.core.models import AuditEvent
from pelatis.customers.models import Customer
from pelatis.privacy.dsr.services import restriction_lift, restriction_start
from pelatis.privacy.models import ProcessingRestriction, Source
from pelatis.privacy.queries import consent_allows, consent_q, is_restricted
from pelatis.privacy.services import consent_record


@pytest.fixture
def subscribed(papadopoulos: Customer) -> Customer:
    consent_record(
        customer=papadopoulos, purpose="marketing", channel="email", granted=True, source=Source.FORM
    )
    return papadopoulos


def _allowed(purpose: str) -> set[int]:
    return set(Customer.objects.filter(consent_q(purpose, "email")).values_list("pk", flat=True))


def test_a_restriction_stops_marketing_surveys_and_profiling_but_not_service(
    subscribed: Customer, make_customer: Any, manager: Any
) -> None:
    other = make_customer(first_name="Ελένη", last_name="Νικολάου")
    consent_record(customer=other, purpose="marketing", channel="email", granted=True, source=Source.FORM)
    assert consent_allows(subscribed.pk, "marketing", "email") is True

    restriction = restriction_start(
        customer=subscribed, reason="Αμφισβητεί την ακρίβεια των στοιχείων", actor=manager
    )

    assert is_restricted(subscribed.pk) is True
    for purpose in ("marketing", "surveys", "profiling"):
        assert consent_allows(subscribed.pk, purpose, "email") is False
        assert subscribed.pk not in _allowed(purpose)
        assert other.pk in _allowed(purpose)
    assert consent_allows(subscribed.pk, "service", "email") is True
    assert subscribed.pk in _allowed("service")
    # on a model with a customer foreign key too
    assert not ProcessingRestriction.objects.filter(
        consent_q("marketing", "email", prefix="customer__")
    ).exists()

    restriction_lift(restriction=restriction, actor=manager)
    assert is_restricted(subscribed.pk) is False
    assert consent_allows(subscribed.pk, "marketing", "email") is True
    assert subscribed.pk in _allowed("marketing")
    actions = list(AuditEvent.objects.filter(customer_id=subscribed.pk).values_list("action", "detail"))
    assert [a for a, _d in actions].count("restrict") == 2


def test_a_restriction_with_an_end_stops_holding_after_it(subscribed: Customer, manager: Any) -> None:
    restriction = restriction_start(
        customer=subscribed,
        reason="Έως τον έλεγχο",
        until=timezone.now() + dt.timedelta(days=2),
        actor=manager,
    )
    assert is_restricted(subscribed.pk) is True
    ProcessingRestriction.objects.filter(pk=restriction.pk).update(
        until=timezone.now() - dt.timedelta(seconds=1)
    )
    assert is_restricted(subscribed.pk) is False
    assert subscribed.pk in _allowed("marketing")


def test_starting_twice_keeps_one_and_lifting_twice_audits_once(subscribed: Customer, manager: Any) -> None:
    first = restriction_start(customer=subscribed, reason="α", actor=manager)
    again = restriction_start(customer=subscribed, reason="β", actor=manager)
    assert again.pk == first.pk
    restriction_lift(restriction=first, actor=manager)
    restriction_lift(restriction=first, actor=manager)
    assert ProcessingRestriction.objects.count() == 1
    assert AuditEvent.objects.filter(action="restrict").count() == 2


def test_bad_input_names_the_fields_and_writes_nothing(subscribed: Customer) -> None:
    with pytest.raises(ValidationError) as caught:
        restriction_start(customer=subscribed, reason="  ", until=timezone.now() - dt.timedelta(days=1))
    assert set(caught.value.message_dict) == {"reason", "until"}
    assert not ProcessingRestriction.objects.exists()
    assert not AuditEvent.objects.filter(action="restrict").exists()
