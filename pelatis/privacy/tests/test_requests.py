"""The request log: the deadline is one calendar month from receipt, an extension at most two more with a
reason; closing needs an outcome; the staff pages list, filter, flag overdue requests and let managers
(not agents) handle them; each write is audited."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from pelatis.core.hooks import contributions_by_key
from pelatis.core.models import AuditEvent
from pelatis.customers.models import Customer, Interaction
from pelatis.privacy.dsr.services import (
    due_after,
    request_close,
    request_extend,
    request_file,
    request_identify,
)
from pelatis.privacy.models import DataRequest, ProcessingRestriction

ATHENS = dt.timezone(dt.timedelta(hours=2))
AGENT_PERMISSIONS = ("view_datarequest", "add_datarequest", "view_consentrecord")
MANAGER_PERMISSIONS = (*AGENT_PERMISSIONS, "change_datarequest", "change_processingrestriction")


def grant(user: Any, *codenames: str) -> Any:
    """The request log's permissions (the roles grant them; named here so the test says what it needs)."""
    user.user_permissions.add(
        *Permission.objects.filter(content_type__app_label="privacy", codename__in=codenames)
    )
    return type(user).objects.get(pk=user.pk)


@pytest.fixture
def handler(manager: Any) -> Any:
    return grant(manager, *MANAGER_PERMISSIONS)


@pytest.fixture
def filer(agent: Any) -> Any:
    return grant(agent, *AGENT_PERMISSIONS)


def at(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=ATHENS)


@pytest.mark.parametrize(
    ("received", "due"),
    [
        (at(2027, 1, 15, 9, 30), at(2027, 2, 15, 9, 30)),
        (at(2027, 1, 31, 10), at(2027, 2, 28, 10)),  # no 31 February: the month's last day
        (at(2028, 1, 31, 10), at(2028, 2, 29, 10)),  # a leap year
        (at(2027, 12, 20, 18), at(2028, 1, 20, 18)),
    ],
)
def test_the_answer_is_due_one_calendar_month_after_receipt(received: dt.datetime, due: dt.datetime) -> None:
    assert due_after(received) == due


def test_filing_sets_the_deadline_and_is_audited(papadopoulos: Customer, filer: Any) -> None:
    filed = request_file(
        customer_id=papadopoulos.pk,
        kind="access",
        channel="email",
        details="Ζητώ αντίγραφο των δεδομένων μου.",
        requester_email="G.Papadopoulos@example.gr",
        received_at=at(2025, 1, 31, 10),
        actor=filer,
    )
    assert (filed.status, filed.due_at, filed.deadline) == (
        "received",
        at(2025, 2, 28, 10),
        at(2025, 2, 28, 10),
    )
    assert filed.filed_by == filer
    event = AuditEvent.objects.get(action="request")
    assert (event.customer_id, event.actor_id) == (papadopoulos.pk, filer.pk)
    assert "example.gr" not in event.detail


def test_an_extension_is_at_most_two_more_months_and_needs_a_reason(
    papadopoulos: Customer, handler: Any
) -> None:
    filed = request_file(
        customer_id=papadopoulos.pk, kind="erasure", channel="letter", received_at=at(2025, 1, 31, 10)
    )
    with pytest.raises(ValidationError) as caught:
        request_extend(request=filed, until=at(2025, 5, 1, 9), reason="", actor=handler)
    assert set(caught.value.message_dict) == {"extended_until", "extension_reason"}
    with pytest.raises(ValidationError) as caught:
        request_extend(request=filed, until=at(2025, 2, 20), reason="Πολλά συστήματα", actor=handler)
    assert set(caught.value.message_dict) == {"extended_until"}  # before the first deadline
    filed.refresh_from_db()
    assert filed.extended_until is None

    extended = request_extend(
        request=filed, until=at(2025, 4, 30, 10), reason="Πολλά συστήματα", actor=handler
    )
    assert extended.deadline == at(2025, 4, 30, 10)
    assert extended.handled_by == handler


def test_closing_needs_an_outcome_and_a_closed_request_stays_closed(
    papadopoulos: Customer, handler: Any
) -> None:
    filed = request_file(customer_id=papadopoulos.pk, kind="objection", channel="phone")
    with pytest.raises(ValidationError) as caught:
        request_close(request=filed, status="in_progress", outcome=" ", actor=handler)
    assert set(caught.value.message_dict) == {"status", "outcome"}
    closed = request_close(request=filed, status="done", outcome="Σταματήσαμε τις προσφορές.", actor=handler)
    assert closed.closed_at is not None
    assert closed.is_closed
    assert not closed.is_overdue
    with pytest.raises(ValidationError):
        request_close(request=closed, status="refused", outcome="ξανά", actor=handler)
    with pytest.raises(ValidationError) as caught:
        request_extend(
            request=closed, until=timezone.now() + dt.timedelta(days=40), reason="x", actor=handler
        )
    assert "status" in caught.value.message_dict


def test_unknown_kind_channel_and_customer_are_named(db: None) -> None:
    with pytest.raises(ValidationError) as caught:
        request_file(customer_id=999_999, kind="copy", channel="fax", requester_email="not an address")
    assert set(caught.value.message_dict) == {"kind", "channel", "customer_id", "requester_email"}
    assert not DataRequest.objects.exists()


# --- pages ---------------------------------------------------------------------------------------------


def _overdue(customer: Customer) -> DataRequest:
    return request_file(
        customer_id=customer.pk,
        kind="access",
        channel="email",
        received_at=timezone.now() - dt.timedelta(days=40),
    )


def test_the_list_flags_overdue_requests_and_counts_them_for_managers(
    client: Any, papadopoulos: Customer, handler: Any, filer: Any
) -> None:
    late = _overdue(papadopoulos)
    fresh = request_file(customer_id=papadopoulos.pk, kind="erasure", channel="phone")
    client.force_login(handler)
    page = client.get(reverse("privacy:requests")).content.decode()
    assert f'data-request="{late.pk}" data-overdue' in page
    assert f'data-request="{fresh.pk}">' in page
    assert 'data-overdue-banner="1"' in page

    only_late = client.get(reverse("privacy:requests"), {"overdue": "1"}).content.decode()
    assert f'data-request="{late.pk}"' in only_late
    assert f'data-request="{fresh.pk}"' not in only_late
    only_erasure = client.get(reverse("privacy:requests"), {"kind": "erasure"}).content.decode()
    assert f'data-request="{fresh.pk}"' in only_erasure
    assert f'data-request="{late.pk}"' not in only_erasure

    client.force_login(filer)  # agents see the list, not the managers' banner
    page = client.get(reverse("privacy:requests")).content.decode()
    assert f'data-request="{late.pk}"' in page
    assert "data-overdue-banner" not in page


def test_the_list_costs_the_same_queries_for_2_or_12_requests(
    client: Any, make_customer: Any, handler: Any
) -> None:
    def filed(n: int) -> None:
        for i in range(n):
            customer = make_customer(first_name=f"Πελάτης{i}", last_name="Δοκιμή")
            request_file(customer_id=customer.pk, kind="access", channel="email")

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(reverse("privacy:requests"))
        assert response.status_code == 200
        return len(captured.captured_queries)

    client.force_login(handler)
    filed(2)
    queries()  # a first page warms the caches the site's frame uses
    few = queries()
    filed(10)
    assert queries() == few
    assert client.get(reverse("privacy:requests")).content.decode().count("data-request=") == 12


def test_agents_file_and_view_but_only_managers_handle(
    client: Any, papadopoulos: Customer, filer: Any, handler: Any
) -> None:
    client.force_login(filer)
    response = client.post(
        reverse("privacy:request_new"),
        {
            "customer": papadopoulos.pk,
            "kind": "rectification",
            "channel": "phone",
            "details": "Λάθος διεύθυνση",
        },
    )
    filed = DataRequest.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("privacy:request", args=[filed.pk])
    page = client.get(reverse("privacy:request", args=[filed.pk])).content.decode()
    assert "data-close-form" not in page
    refused = client.post(
        reverse("privacy:request_action", args=[filed.pk, "close"]), {"status": "done", "outcome": "x"}
    )
    assert refused.status_code == 403

    client.force_login(handler)
    page = client.get(reverse("privacy:request", args=[filed.pk])).content.decode()
    assert reverse("customers:edit", args=[papadopoulos.pk]) in page  # rectification: the edit page
    bad = client.post(reverse("privacy:request_action", args=[filed.pk, "close"]), {"status": "done"})
    assert bad.status_code == 422
    assert 'data-error-for="outcome"' in bad.content.decode()
    done = client.post(
        reverse("privacy:request_action", args=[filed.pk, "close"]),
        {"status": "done", "outcome": "Διορθώθηκε η διεύθυνση.", "evidence": "Email 12/3"},
    )
    assert done.status_code == 302
    filed.refresh_from_db()
    assert (filed.status, filed.handled_by, filed.evidence) == ("done", handler, "Email 12/3")


def test_an_outsider_sees_nothing(client: Any, outsider: Any, papadopoulos: Customer) -> None:
    filed = _overdue(papadopoulos)
    client.force_login(outsider)
    assert client.get(reverse("privacy:requests")).status_code == 403
    assert client.get(reverse("privacy:request", args=[filed.pk])).status_code == 403
    client.logout()
    assert client.get(reverse("privacy:requests")).status_code == 302  # to the log-in


def test_a_restriction_request_restricts_from_its_page_and_the_customer_card_lifts_it(
    client: Any, papadopoulos: Customer, handler: Any
) -> None:
    filed = request_file(customer_id=papadopoulos.pk, kind="restriction", channel="email")
    client.force_login(handler)
    response = client.post(
        reverse("privacy:request_action", args=[filed.pk, "restrict"]), {"reason": "Αμφισβητεί τα στοιχεία"}
    )
    assert response.status_code == 302
    restriction = ProcessingRestriction.objects.get()
    assert (restriction.customer_id, restriction.request_id) == (papadopoulos.pk, filed.pk)

    card = client.get(reverse("customers:detail", args=[papadopoulos.pk])).content.decode()
    assert f'data-restricted="{restriction.pk}"' in card
    client.post(reverse("privacy:restriction", args=[papadopoulos.pk]), {"lift": restriction.pk})
    restriction.refresh_from_db()
    assert restriction.lifted_at is not None
    assert restriction.lifted_by == handler
    assert (
        "data-not-restricted"
        in client.get(reverse("customers:detail", args=[papadopoulos.pk])).content.decode()
    )


def test_the_export_button_says_so_when_the_export_is_missing(
    client: Any, papadopoulos: Customer, handler: Any, monkeypatch: Any
) -> None:
    from pelatis.privacy.dsr import views

    monkeypatch.setattr(views, "EXPORT_MODULE", "pelatis.privacy.no_such_module")
    filed = request_file(customer_id=papadopoulos.pk, kind="access", channel="email")
    client.force_login(handler)
    response = client.post(reverse("privacy:request_action", args=[filed.pk, "export"]), follow=True)
    assert "not available in this installation" in response.content.decode()
    filed.refresh_from_db()
    assert filed.evidence == ""


def test_an_erasure_request_leads_to_the_erasure_page(
    client: Any, papadopoulos: Customer, handler: Any
) -> None:
    filed = request_file(customer_id=papadopoulos.pk, kind="erasure", channel="letter")
    client.force_login(handler)
    page = client.get(reverse("privacy:request", args=[filed.pk])).content.decode()
    assert f'href="/privacy/customers/{papadopoulos.pk}/erase/" data-erase-link' in page


def test_a_request_filed_before_identification_is_linked_later(
    client: Any, papadopoulos: Customer, handler: Any
) -> None:
    filed = request_file(
        customer_id=None, kind="access", channel="email", requester_email="someone@example.gr"
    )
    client.force_login(handler)
    assert "data-export" not in client.get(reverse("privacy:request", args=[filed.pk])).content.decode()
    response = client.post(
        reverse("privacy:request_action", args=[filed.pk, "identify"]), {"customer": papadopoulos.pk}
    )
    assert response.status_code == 302
    filed.refresh_from_db()
    assert filed.customer_id == papadopoulos.pk
    assert "data-export" in client.get(reverse("privacy:request", args=[filed.pk])).content.decode()


def test_a_request_lands_on_the_customers_timeline_as_theirs(papadopoulos: Customer, filer: Any) -> None:
    filed = request_file(
        customer_id=papadopoulos.pk,
        kind="access",
        channel="phone",
        details="Ο κ. Παπαδόπουλος τηλεφώνησε",
        actor=filer,
    )
    entry = Interaction.objects.get(source_type="privacy.datarequest")
    assert (entry.customer_id, entry.direction, entry.channel, entry.source_id) == (
        papadopoulos.pk,
        "in",
        "phone",
        str(filed.pk),
    )
    assert entry.summary == f"Data-subject request #{filed.pk}: Access (a copy of their data)"
    assert entry.body == ""  # the details stay on the request
    links = contributions_by_key("CUSTOMER_TIMELINE_LINKS")["privacy.datarequest"]([entry.source_id])
    assert links == {str(filed.pk): reverse("privacy:request", args=[filed.pk])}


def test_identifying_a_request_puts_it_on_the_timeline_once(papadopoulos: Customer, handler: Any) -> None:
    filed = request_file(
        customer_id=None, kind="erasure", channel="email", requester_email="g.papadopoulos@example.gr"
    )
    assert not Interaction.objects.filter(source_type="privacy.datarequest").exists()
    request_identify(request=filed, customer_id=papadopoulos.pk, actor=handler)
    request_identify(request=filed, customer_id=papadopoulos.pk, actor=handler)
    assert Interaction.objects.filter(source_type="privacy.datarequest", customer=papadopoulos).count() == 1
