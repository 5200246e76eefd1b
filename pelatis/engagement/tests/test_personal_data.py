"""Engagement's part in a data-subject export and erasure: a message really sent over SMTP (loopback) and
a journey enrolment are exported with labels and codes; an erasure removes the address and the rendered
subject, scrubs errors and ends journeys in progress, while every status, time and count stays."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone

from pelatis.customers.models import Customer
from pelatis.privacy.tests.erasure_scan import erase, hits, participant, person_terms

from ..models import Enrollment, Send
from ..services.sending import message_send
from .journey_fixtures import journey_with_steps
from .test_send import message_template, opted_in

pytestmark = pytest.mark.django_db
OLD_NUMBER = "+306940000001"
KEPT = (
    "pk",
    "status",
    "skip_reason",
    "channel",
    "claimed_at",
    "sent_at",
    "opened_at",
    "clicks",
    "template_id",
)


@pytest.fixture
def messages(papadopoulos: Customer, smtp_server: Any) -> dict[str, Any]:
    opted_in(papadopoulos)
    sent = message_send(
        key="test:pd:1", customer_id=papadopoulos.pk, template=message_template(), channel="email"
    )
    Send.objects.filter(pk=sent.pk).update(opened_at=timezone.now(), clicks=2)
    failed = Send.objects.create(
        key="test:pd:2",
        customer=papadopoulos,
        channel="sms",
        status=Send.Status.FAILED,
        to_address=OLD_NUMBER,
        subject="",
        error=f"gateway refused {OLD_NUMBER}: unknown subscriber",
    )
    journey = journey_with_steps("check_in", 0, 7)
    enrolled = Enrollment.objects.create(
        journey=journey,
        customer=papadopoulos,
        occurrence="2026",
        anchor_at=timezone.now(),
        next_position=2,
        next_due_at=timezone.now(),
    )
    return {"sent": sent, "failed": failed, "enrolled": enrolled, "smtp": smtp_server}


def test_the_export_holds_messages_and_journeys(
    papadopoulos: Customer, messages: dict[str, Any], django_assert_max_num_queries: Any
) -> None:
    assert len(messages["smtp"].messages) == 1  # really sent
    with django_assert_max_num_queries(2):  # one per section, whatever the number of rows
        sections = {s.key: s for s in participant("engagement").export(papadopoulos.pk, "el")}
    sent, failed = sections["messages_sent"].rows
    assert (sent["status_code"], sent["channel"], sent["to"]) == (
        "sent",
        "Email",
        "g.papadopoulos@example.gr",
    )
    assert sent["subject"] == "Χρόνια πολλά, κύριε Παπαδόπουλε! Δώρο 50 πόντοι"
    assert sent["clicks"] == 2
    assert sent["opened_at"] is not None
    assert sent["language"] == "Ελληνικά"
    assert (failed["status_code"], failed["channel_code"], failed["status"]) == ("failed", "sms", "Απέτυχε")
    [journey] = sections["journeys"].rows
    assert (journey["trigger_code"], journey["status_code"], journey["next_step"]) == (
        "check_in",
        "active",
        2,
    )
    for section in sections.values():
        assert set(section.fields) == set(section.rows[0])


def test_the_terms_hold_every_address_a_message_went_to(
    papadopoulos: Customer, messages: dict[str, Any]
) -> None:
    terms = participant("engagement").terms
    assert terms is not None
    assert terms(papadopoulos.pk) == {"g.papadopoulos@example.gr", OLD_NUMBER}


def test_erasure_removes_copies_and_keeps_every_figure(
    papadopoulos: Customer, messages: dict[str, Any]
) -> None:
    terms = person_terms(papadopoulos)
    assert OLD_NUMBER in terms  # engagement's own term, gathered before the erasure
    assert hits("engagement", terms)
    kept = list(Send.objects.order_by("pk").values_list(*KEPT))

    report = erase("engagement", papadopoulos, terms)

    assert hits("engagement", terms) == []
    assert report.counts == {
        "sent_message_addresses": 2,
        "sent_message_subjects": 1,
        "sent_message_errors": 1,
        "journeys_ended": 1,
    }
    assert list(Send.objects.order_by("pk").values_list(*KEPT)) == kept
    sent = Send.objects.get(pk=messages["sent"].pk)
    assert (sent.to_address, sent.subject) == ("[erased]", "[erased]")  # the vocative went with the subject
    assert Send.objects.get(pk=messages["failed"].pk).error == "gateway refused [erased]: unknown subscriber"
    enrolled = Enrollment.objects.get(pk=messages["enrolled"].pk)
    assert (enrolled.status, enrolled.exit_reason, enrolled.next_due_at) == ("exited", "erased", None)
