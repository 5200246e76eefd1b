"""The managers' audit log: who may read it, its filters (customer, user, action, period), its labels in
the reader's language, the CSV export (itself recorded), the customer page's card, and no way to change
or delete an entry."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone

from pelatis.accounts import roles
from pelatis.core.audit import audit_record
from pelatis.core.models import AuditEvent
from pelatis.customers.models import Customer

pytestmark = pytest.mark.django_db

LIST = "privacy:audit"
EXPORT = "privacy:audit_export"


@pytest.fixture
def auditor(manager: Any) -> Any:
    """A manager who reads the audit log (the role grants core.view_auditevent: see the role test)."""
    if not manager.has_perm("core.view_auditevent"):
        manager.user_permissions.add(Permission.objects.get(codename="view_auditevent"))
        manager = type(manager).objects.get(pk=manager.pk)
    return manager


@pytest.fixture
def log(papadopoulos: Customer, agent: Any, make_customer: Any) -> dict[str, Any]:
    """A few entries: a view and a change of Παπαδόπουλος by the agent, an import by the system, an old export."""
    other = make_customer(first_name="Μαρία", last_name="Ιωάννου")  # its creation is an entry (by the system)
    old = AuditEvent(
        action="export", actor=agent, actor_name="agent", detail="customers CSV: rows=3", at=_at(2026, 3, 1)
    )
    old.save()
    return {
        "view": audit_record("view", actor=agent, customer_id=papadopoulos.pk),
        "change": audit_record(
            "change",
            actor=agent,
            customer_id=papadopoulos.pk,
            fields={"language": ("el", "en"), "emails": (1, 2)},
        ),
        "import": audit_record("import", detail="customers import #4: rows=2 new=2"),
        "other": audit_record("view", actor=agent, customer_id=other.pk),
        "old": old,
    }


def _at(y: int, m: int, d: int, hour: int = 12) -> dt.datetime:
    return dt.datetime(y, m, d, hour, tzinfo=timezone.get_current_timezone())


def _shown(response: Any) -> list[int]:
    return [r.entry.pk for r in response.context["rows"]]


# ---------------------------------------------------------------- who may read it


@pytest.mark.xfail(
    "core.view_auditevent" not in roles.MANAGER.permissions,
    reason="the manager role gains core.view_auditevent in pelatis/accounts/roles.py (lead's file)",
    strict=True,
)
def test_the_manager_and_admin_roles_read_the_log_and_the_others_do_not() -> None:
    assert "core.view_auditevent" in roles.MANAGER.permissions
    assert "core.view_auditevent" in roles.ADMIN.permissions
    assert "core.view_auditevent" not in roles.AGENT.permissions
    assert "core.view_auditevent" not in roles.READ_ONLY.permissions


@pytest.mark.parametrize("who", ["agent", "reader", "outsider"])
def test_agents_and_others_get_403(client_as: Any, request: Any, who: str, log: dict[str, Any]) -> None:
    c = client_as(request.getfixturevalue(who))
    assert c.get(reverse(LIST)).status_code == 403
    assert c.get(reverse(EXPORT)).status_code == 403
    assert not AuditEvent.objects.filter(detail="audit log").exists()


def test_anonymous_is_sent_to_log_in(client: Any) -> None:
    assert client.get(reverse(LIST)).status_code == 302


# ---------------------------------------------------------------- the list


def test_the_list_shows_newest_first_with_labels_and_links(
    client_as: Any, auditor: Any, log: dict[str, Any], papadopoulos: Customer
) -> None:
    response = client_as(auditor).get(reverse(LIST))
    assert response.status_code == 200
    order = [(r.entry.at, r.entry.pk) for r in response.context["rows"]]
    assert order == sorted(order, reverse=True)
    assert order[-1][1] == log["old"].pk  # the March export is the oldest
    html = response.content.decode()
    assert "viewed the customer page" in html
    assert "changed personal data" in html
    assert "Language: Greek → English" in html  # the languages by name, not their codes
    assert "Emails" in html
    assert f'href="{reverse("customers:detail", args=[papadopoulos.pk])}"' in html
    assert "the system" in html


def test_the_list_speaks_the_readers_language(
    client_as: Any, auditor: Any, log: dict[str, Any], settings: Any
) -> None:
    from django.utils import translation

    from pelatis.core.audit import Action

    c = client_as(auditor)
    c.cookies[settings.LANGUAGE_COOKIE_NAME] = "el"
    html = c.get(reverse(LIST), {"customer": str(log["change"].customer_id)}).content.decode()
    with translation.override("el"):
        labels = [str(Action.VIEW.label), str(Action.CHANGE.label), "Πελάτης"]
    for label in labels:  # as the Greek catalogue has them (English until a string is translated)
        assert label in html


def test_filters_by_customer_number_user_action_and_period(
    client_as: Any, auditor: Any, agent: Any, log: dict[str, Any], papadopoulos: Customer
) -> None:
    c = client_as(auditor)
    by_customer = _shown(c.get(reverse(LIST), {"customer": f"#{papadopoulos.pk}"}))
    assert {log["view"].pk, log["change"].pk} <= set(by_customer)
    assert not {log["other"].pk, log["import"].pk} & set(by_customer)
    by_user = _shown(c.get(reverse(LIST), {"user": str(agent.pk)}))
    assert set(by_user) == {log["view"].pk, log["change"].pk, log["other"].pk, log["old"].pk}
    system = _shown(c.get(reverse(LIST), {"user": "system", "action": "import"}))
    assert system == [log["import"].pk]
    exports = _shown(c.get(reverse(LIST), {"action": "export"}))
    assert exports == [log["old"].pk]
    march = _shown(c.get(reverse(LIST), {"date_from": "2026-03-01", "date_to": "2026-03-01"}))
    assert march == [log["old"].pk]
    since_april = _shown(c.get(reverse(LIST), {"date_from": "2026-04-01"}))
    assert log["old"].pk not in since_april
    assert log["view"].pk in since_april


def test_filter_by_customer_name_finds_their_entries(
    client_as: Any, auditor: Any, log: dict[str, Any]
) -> None:
    shown = _shown(client_as(auditor).get(reverse(LIST), {"customer": "Ιωαννου"}))
    assert log["other"].pk in shown
    assert log["view"].pk not in shown


def test_a_merged_customer_number_finds_the_merge(
    client_as: Any, auditor: Any, papadopoulos: Customer
) -> None:
    merge = audit_record("merge", customer_id=papadopoulos.pk, detail="merged #987654")
    shown = _shown(client_as(auditor).get(reverse(LIST), {"customer": "987654"}))
    assert shown == [merge.pk]


def test_bad_filters_are_named_and_do_not_narrow(client_as: Any, auditor: Any, log: dict[str, Any]) -> None:
    response = client_as(auditor).get(
        reverse(LIST), {"date_from": "2026-05-01", "date_to": "2026-04-01", "action": "rewrite"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-error-for="date_to"' in html
    assert 'data-error-for="action"' in html
    assert log["old"].pk in _shown(response)


def test_an_erased_or_merged_customer_is_shown_by_number(
    client_as: Any, auditor: Any, papadopoulos: Customer, make_customer: Any
) -> None:
    twin = make_customer(first_name="Γιώργος", last_name="Παπαδόπουλος")
    Customer.objects.filter(pk=twin.pk).update(merged_into=papadopoulos)
    entry = audit_record("view", customer_id=twin.pk)
    html = client_as(auditor).get(reverse(LIST), {"customer": str(twin.pk)}).content.decode()
    assert f'<tr data-entry="{entry.pk}"' in html
    assert f"<span data-gone>#{twin.pk}</span>" in html
    assert f'href="{reverse("customers:detail", args=[twin.pk])}"' not in html


def test_the_list_takes_a_bounded_number_of_queries(
    client_as: Any, auditor: Any, agent: Any, make_customer: Any, django_assert_max_num_queries: Any
) -> None:
    c = client_as(auditor)
    c.get(reverse(LIST))  # warm up the session and permission caches
    for i in range(5):
        customer = make_customer(first_name="Πελάτης", last_name=f"Αρ{i}")
        audit_record("view", actor=agent, customer_id=customer.pk)
    with django_assert_max_num_queries(12) as few:
        assert c.get(reverse(LIST)).status_code == 200
    for i in range(40):
        customer = make_customer(first_name="Πελάτης", last_name=f"Β{i}")
        audit_record("change", actor=agent, customer_id=customer.pk, fields=["emails"])
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert c.get(reverse(LIST)).status_code == 200


# ---------------------------------------------------------------- the export


def test_the_export_is_the_filtered_list_as_csv_and_is_recorded(
    client_as: Any, auditor: Any, log: dict[str, Any], papadopoulos: Customer
) -> None:
    response = client_as(auditor).get(
        reverse(EXPORT), {"customer": str(papadopoulos.pk)}, REMOTE_ADDR="192.0.2.9"
    )
    assert response.status_code == 200
    body = b"".join(response.streaming_content)
    assert body.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM: a Greek Excel opens it
    text = body.decode("utf-8-sig")
    lines = text.strip().splitlines()
    assert len(lines) == 1 + 3  # header, the change, the view, and the customer's creation
    assert "changed personal data" in text
    assert "Language: Greek → English" in text
    assert "Ιωάννου" not in text
    (recorded,) = AuditEvent.objects.filter(action="export", detail="audit log")
    assert (recorded.actor_id, recorded.customer_id, recorded.ip) == (auditor.pk, None, "192.0.2.9")


def test_the_machine_export_keeps_codes(client_as: Any, auditor: Any, log: dict[str, Any]) -> None:
    response = client_as(auditor).get(reverse(EXPORT), {"action": "change", "format": "machine"})
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    header, row = text.strip().splitlines()
    assert header == "at,user,action,customer_id,ip,fields,detail"
    assert ",change," in row
    assert "emails; language: el → en" in row


# ---------------------------------------------------------------- the customer page's card


def test_the_card_lists_the_latest_ten_for_managers_only(
    client_as: Any, auditor: Any, agent: Any, papadopoulos: Customer
) -> None:
    for _ in range(12):
        audit_record("change", actor=agent, customer_id=papadopoulos.pk, fields=["phones"])
    url = reverse("customers:detail", args=[papadopoulos.pk])
    html = client_as(auditor).get(url).content.decode()
    assert "data-audit-panel" in html
    card = html[html.index("data-audit-panel") :]
    card = card[: card.index("</section>")]
    assert card.count("data-entry=") == 10
    assert f"{reverse(LIST)}?customer={papadopoulos.pk}" in card
    assert "data-audit-panel" not in client_as(agent).get(url).content.decode()


def test_the_card_takes_one_query(
    auditor: Any, agent: Any, papadopoulos: Customer, django_assert_num_queries: Any
) -> None:
    from django.test import RequestFactory

    from pelatis.privacy.audit.panels import audit_panel

    for _ in range(15):
        audit_record("view", actor=agent, customer_id=papadopoulos.pk)
    request = RequestFactory().get("/")
    request.user = auditor
    assert auditor.has_perm("core.view_auditevent")  # the permissions are loaded once per request
    with django_assert_num_queries(1):
        html = audit_panel(request, papadopoulos)
    assert html.count("data-entry=") == 10
