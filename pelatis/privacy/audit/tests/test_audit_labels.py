"""The audit log speaks the reader's language, never its keys: an erasure's counts by app and item, a
request's status by its label and its deadline by name, the details as sentences (request filed, extended,
closed; restriction started, lifted; the export of personal data with its number of parts); in the list,
the customer page's card and the CSV export, while the machine export keeps the stored codes."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone, translation

from pelatis.core.audit import audit_record
from pelatis.core.models import AuditEvent
from pelatis.customers.models import Customer
from pelatis.privacy.audit.labels import detail_text, field_label
from pelatis.privacy.dsr.services import request_close, request_extend, request_file, restriction_start
from pelatis.privacy.models import RequestChannel, RequestKind, RequestStatus
from pelatis.privacy.rights.export import customer_export
from pelatis.privacy.rights.labels import app_label, item_label

pytestmark = pytest.mark.django_db

RAW = re.compile(
    r"\b[a-z]{3,}\.[a-z_]{3,}\b|\b[a-z]+_[a-z_]+\b"
)  # "channels.outbox_emails", "extended_until"


@pytest.fixture
def auditor(manager: Any) -> Any:
    if not manager.has_perm("core.view_auditevent"):
        manager.user_permissions.add(Permission.objects.get(codename="view_auditevent"))
        manager = type(manager).objects.get(pk=manager.pk)
    return manager


@pytest.fixture
def story(papadopoulos: Customer, manager: Any, settings: Any, tmp_path: Path) -> dict[str, Any]:
    """A request filed, extended and closed, a restriction, an export and an erasure's counts."""
    settings.DATA_DIR = tmp_path
    settings.MEDIA_ROOT = tmp_path / "media"
    filed = request_file(customer_id=papadopoulos.pk, kind="rectification", channel="portal", actor=manager)
    request_extend(
        request=filed, until=timezone.now() + dt.timedelta(days=45), reason="Τρία συστήματα", actor=manager
    )
    request_close(request=filed, status="done", outcome="Διορθώθηκε.", actor=manager)
    restriction = restriction_start(customer=papadopoulos, reason="Αμφισβητεί", actor=manager)
    customer_export(papadopoulos.pk, actor=manager)
    audit_record(
        "erase",
        actor=manager,
        customer_id=papadopoulos.pk,
        fields=["channels.outbox_emails", "customers.contact_points"],
        detail="request by email of 12/03",
    )
    return {"request": filed, "restriction": restriction}


def _rows(html: str) -> list[str]:
    table = html.split("data-audit-table", 1)[1].split("</table>", 1)[0]
    return [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", row)) for row in table.split("<tr data-entry=")[1:]]


@pytest.mark.parametrize("language", ["el", "en"])
def test_the_list_shows_labels_and_sentences_not_keys(
    client: Any, auditor: Any, story: dict[str, Any], language: str, papadopoulos: Customer, settings: Any
) -> None:
    client.force_login(auditor)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    html = client.get(reverse("privacy:audit"), {"customer": papadopoulos.pk}).content.decode()
    assert f'lang="{language}"' in html
    number = story["request"].pk
    with translation.override(language):
        expected = [
            f"{app_label('channels')}: {item_label('outbox_emails')}",
            f"{app_label('customers')}: {item_label('contact_points')}",
            f"— → {RequestStatus.RECEIVED.label}",
            f"{RequestStatus.RECEIVED.label} → {RequestStatus.DONE.label}",
            str(detail_text(f"request #{number} filed: rectification by portal")),
            str(detail_text(f"request #{number} extended")),
            str(detail_text(f"request #{number} closed")),
            str(detail_text(f"restriction #{story['restriction'].pk} started")),
            field_label("extended_until", action="request"),
        ]
        kind, channel = str(RequestKind.RECTIFICATION.label), str(RequestChannel.PORTAL.label)
    text = " ".join(_rows(html))
    for words in expected:
        assert words in text, words
    assert kind in text
    assert channel in text
    assert f"#{number}" in text
    assert RAW.findall(text) == []  # no stored key in the text people read
    for stored in ("by portal", "→ received", "received →", "personal data export (ZIP)"):
        assert stored not in text  # the stored line's codes
    assert "request by email of 12/03" in text  # an erasure's reason is the staff's own words


def test_the_export_of_personal_data_is_counted_not_listed(story: dict[str, Any]) -> None:
    entry = AuditEvent.objects.get(action="export")
    assert entry.fields == []
    count = int(entry.detail.rsplit("=", 1)[1])
    assert count > 3
    with translation.override("en"):
        assert detail_text(entry.detail) == f"Personal data export (ZIP), {count} sections"


def test_the_card_and_the_csv_use_the_same_labels(
    client: Any, auditor: Any, story: dict[str, Any], papadopoulos: Customer
) -> None:
    client.force_login(auditor)
    page = client.get(reverse("customers:detail", args=[papadopoulos.pk])).content.decode()
    card = page.split("data-audit-panel", 1)[1].split("</section>", 1)[0]
    card_text = re.sub(r"<[^>]+>", " ", card)
    assert f"{app_label('channels')}: {item_label('outbox_emails')}" in card_text
    assert RAW.findall(card_text) == []
    csv = b"".join(
        client.get(reverse("privacy:audit_export"), {"customer": papadopoulos.pk}).streaming_content
    ).decode("utf-8-sig")
    assert f"{RequestStatus.RECEIVED.label} → {RequestStatus.DONE.label}" in csv
    assert f"Request #{story['request'].pk} closed" in csv
    assert "channels.outbox_emails" not in csv
    machine = b"".join(
        client.get(
            reverse("privacy:audit_export"), {"customer": papadopoulos.pk, "format": "machine"}
        ).streaming_content
    ).decode("utf-8-sig")
    assert "channels.outbox_emails" in machine  # programs get the stored codes
    assert "status: received → done" in machine
    assert f"request #{story['request'].pk} closed" in machine


def test_an_unknown_detail_is_shown_as_stored() -> None:
    assert detail_text("something new #3") == "something new #3"
    assert detail_text("") == ""
