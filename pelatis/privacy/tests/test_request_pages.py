"""What a staff member meets on the request pages: date inputs a browser can read (ISO values, whatever
the language), a header that says the status once, the staff form refusing a request nobody could be
answered for or one received in the future, and the erasure's reason limited to what the trail keeps."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from pelatis.core.models import AuditEvent
from pelatis.customers.models import Customer
from pelatis.privacy.dsr.forms import RequestExtendForm, RestrictionForm
from pelatis.privacy.dsr.services import request_file
from pelatis.privacy.models import DataRequest, RequestStatus
from pelatis.privacy.rights.erase import REASON_MAX
from pelatis.privacy.rights.forms import EraseForm
from pelatis.privacy.tests.test_requests import AGENT_PERMISSIONS, MANAGER_PERMISSIONS, grant

pytestmark = pytest.mark.django_db


@pytest.fixture
def handler(manager: Any) -> Any:
    return grant(manager, *MANAGER_PERMISSIONS)


@pytest.fixture
def filer(agent: Any) -> Any:
    return grant(agent, *AGENT_PERMISSIONS)


def _input(html: str, name: str) -> str:
    match = re.search(rf'<input[^>]*name="{name}"[^>]*>', html)
    assert match, name
    return match.group(0)


@pytest.mark.parametrize("language", ["el", "en"])
def test_date_inputs_carry_iso_values_a_browser_reads(language: str) -> None:
    """<input type="date"> shows nothing for "06/02/2027": the value is yyyy-mm-dd in every language."""
    day = dt.date(2027, 2, 6)
    with translation.override(language):
        for form in (RequestExtendForm(initial={"until": day}), RestrictionForm(initial={"until": day})):
            tag = _input(str(form["until"]), "until")
            assert 'type="date"' in tag
            assert 'value="2027-02-06"' in tag


def test_the_extension_is_prefilled_as_iso_and_posting_it_back_works(
    client: Any, papadopoulos: Customer, handler: Any, settings: Any
) -> None:
    filed = request_file(customer_id=papadopoulos.pk, kind="access", channel="email")
    client.force_login(handler)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "el"
    page = client.get(reverse("privacy:request", args=[filed.pk])).content
    assert b'lang="el"' in page
    tag = _input(page.decode(), "until")
    value = re.search(r'value="([^"]*)"', tag)
    assert value
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", value.group(1))
    # what the browser sends back is what it was given
    answer = client.post(
        reverse("privacy:request_action", args=[filed.pk, "extend"]),
        {"until": value.group(1), "reason": "Τρία συστήματα"},
    )
    assert answer.status_code == 302
    filed.refresh_from_db()
    assert filed.extended_until is not None


def test_the_header_says_the_status_once(
    client: Any, papadopoulos: Customer, handler: Any, settings: Any
) -> None:
    filed = request_file(customer_id=papadopoulos.pk, kind="access", channel="email")
    client.force_login(handler)
    for language in ("el", "en"):
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        page = client.get(reverse("privacy:request", args=[filed.pk])).content.decode()
        assert f'lang="{language}"' in page
        header = page.split("data-request-status>", 1)[1].split("</p>", 1)[0]
        with translation.override(page.split('lang="', 1)[1].split('"', 1)[0]):
            status = str(RequestStatus.RECEIVED.label)
        assert header.lower().count(status.lower()) == 1, header
        assert "data-received>" in page  # the date of receipt is among the facts, labelled once


def test_the_staff_form_refuses_a_request_nobody_could_be_answered_for(client: Any, filer: Any) -> None:
    client.force_login(filer)
    answer = client.post(reverse("privacy:request_new"), {"kind": "access", "channel": "phone"})
    assert answer.status_code == 422
    page = answer.content.decode()
    for name in ("customer", "requester_email", "details"):
        assert f'data-error-for="{name}"' in page, name
    assert not DataRequest.objects.exists()
    # any one of them is enough: a letter's details say where to answer
    filed = request_file(customer_id=None, kind="access", channel="letter", details="Οδός Ερμού 1, Αθήνα")
    assert filed.customer_id is None


def test_a_received_date_in_the_future_is_named_and_one_in_the_past_is_fine(
    client: Any, filer: Any, papadopoulos: Customer
) -> None:
    client.force_login(filer)
    later = timezone.localtime() + dt.timedelta(days=2)
    answer = client.post(
        reverse("privacy:request_new"),
        {
            "customer": papadopoulos.pk,
            "kind": "access",
            "channel": "letter",
            "received_at": later.strftime("%Y-%m-%dT%H:%M"),
        },
    )
    assert answer.status_code == 422
    assert 'data-error-for="received_at"' in answer.content.decode()
    assert not DataRequest.objects.exists()
    long_ago = timezone.localtime() - dt.timedelta(days=400)
    answer = client.post(
        reverse("privacy:request_new"),
        {
            "customer": papadopoulos.pk,
            "kind": "access",
            "channel": "letter",
            "received_at": long_ago.strftime("%Y-%m-%dT%H:%M"),
        },
    )
    assert answer.status_code == 302
    assert DataRequest.objects.get().received_at.date() == long_ago.date()


def test_the_erasure_reason_takes_no_more_than_the_trail_keeps(papadopoulos: Customer) -> None:
    assert REASON_MAX == 300
    form = EraseForm({"reason": "α" * 20_000, "confirm": str(papadopoulos.pk)}, customer=papadopoulos)
    assert not form.is_valid()
    assert list(form.errors) == ["reason"]
    assert "300" in form.errors["reason"][0]
    assert "300" in str(form.fields["reason"].help_text)
    assert 'maxlength="300"' in str(form["reason"])
    ok = EraseForm({"reason": "α" * 300, "confirm": str(papadopoulos.pk)}, customer=papadopoulos)
    assert ok.is_valid(), ok.errors


def test_request_and_restriction_entries_keep_the_ip_address(
    client: Any, papadopoulos: Customer, handler: Any
) -> None:
    client.force_login(handler)
    ip = {"REMOTE_ADDR": "192.0.2.17"}
    client.post(
        reverse("privacy:request_new"),
        {"customer": papadopoulos.pk, "kind": "restriction", "channel": "phone"},
        **ip,
    )
    filed = DataRequest.objects.get()
    action = reverse("privacy:request_action", args=[filed.pk, "extend"])
    until = (timezone.localdate() + dt.timedelta(days=45)).isoformat()
    assert client.post(action, {"until": until, "reason": "Τρία συστήματα"}, **ip).status_code == 302
    action = reverse("privacy:request_action", args=[filed.pk, "restrict"])
    assert client.post(action, {"reason": "Αμφισβητεί τα στοιχεία"}, **ip).status_code == 302
    restriction = filed.restrictions.get()
    lift = reverse("privacy:restriction", args=[papadopoulos.pk])
    assert client.post(lift, {"lift": restriction.pk}, **ip).status_code == 302
    action = reverse("privacy:request_action", args=[filed.pk, "close"])
    assert client.post(action, {"status": "done", "outcome": "Έγινε."}, **ip).status_code == 302

    entries = AuditEvent.objects.filter(action__in=["request", "restrict"]).order_by("pk")
    assert entries.count() == 5  # filed, extended, restricted, lifted, closed
    assert {(e.ip, e.actor_id) for e in entries} == {("192.0.2.17", handler.pk)}
    # the services still work without a web request (command line, worker): no IP then
    request_file(customer_id=papadopoulos.pk, kind="access", channel="email")
    assert AuditEvent.objects.filter(action="request").latest("pk").ip is None
