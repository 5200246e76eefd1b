"""The request log with the other areas: an access request's export button runs the rights' export and
keeps the ZIP's name and checksum as evidence (managers download it from the request); the request log
is part of a data-subject export and its addresses go with an erasure; the customer's request page in
the portal points to the data-request page."""

from __future__ import annotations

import hashlib
import io
import json
import re
import zipfile
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.urls import reverse

from pelatis.channels.web import portal_url
from pelatis.core.files import StoredObject
from pelatis.customers.models import Customer
from pelatis.privacy.dsr.services import request_file, restriction_start
from pelatis.privacy.models import DataRequest, ProcessingRestriction
from pelatis.privacy.rights.erase import customer_erase
from pelatis.privacy.rights.export import customer_export
from pelatis.privacy.tests.test_requests import MANAGER_PERMISSIONS, grant

pytestmark = pytest.mark.django_db


@pytest.fixture
def data_dir(settings: Any, tmp_path: Path) -> Path:
    settings.DATA_DIR = tmp_path
    settings.MEDIA_ROOT = tmp_path / "media"
    return tmp_path


def test_the_export_button_keeps_the_zip_as_evidence_and_managers_download_it(
    client: Any, data_dir: Path, papadopoulos: Customer, manager: Any
) -> None:
    handler = grant(manager, *MANAGER_PERMISSIONS)
    filed = request_file(customer_id=papadopoulos.pk, kind="access", channel="email")
    client.force_login(handler)

    response = client.post(reverse("privacy:request_action", args=[filed.pk, "export"]))

    assert response.status_code == 302
    filed.refresh_from_db()
    (name,) = re.findall(r"customer-\d+-\S+\.zip", filed.evidence)
    kept = StoredObject(f"exports/privacy/{name}").read_bytes()
    assert hashlib.sha256(kept).hexdigest() in filed.evidence
    assert f"({len(kept)} bytes," in filed.evidence
    assert filed.status == "in_progress"
    page = client.get(reverse("privacy:request", args=[filed.pk])).content.decode()
    link = reverse("privacy:request_export_file", args=[filed.pk, name])
    assert link in page
    download = client.get(link)
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == kept
    # only a ZIP this request names, of this customer
    other = request_file(customer_id=papadopoulos.pk, kind="access", channel="phone")
    assert client.get(reverse("privacy:request_export_file", args=[other.pk, name])).status_code == 404
    assert (
        client.get(reverse("privacy:request_export_file", args=[filed.pk, "..%2Fsecret.zip"])).status_code
        == 404
    )


def test_requests_are_in_the_export_and_their_addresses_go_with_the_erasure(
    data_dir: Path, papadopoulos: Customer, manager: Any
) -> None:
    filed = request_file(
        customer_id=papadopoulos.pk,
        kind="erasure",
        channel="email",
        details="Είμαι ο Γιώργος Παπαδόπουλος, διαγράψτε με.",
        requester_email="g.papadopoulos@example.gr",
    )
    unidentified = request_file(
        customer_id=None, kind="access", channel="email", requester_email="g.papadopoulos@example.gr"
    )
    restriction_start(customer=papadopoulos, reason="Ο Γιώργος Παπαδόπουλος αμφισβητεί", actor=manager)

    archive = zipfile.ZipFile(io.BytesIO(customer_export(papadopoulos.pk).read_bytes()))
    rows = json.loads(archive.read("data_requests.json"))
    assert [(r["number"], r["request_code"]) for r in rows] == [(filed.pk, "erasure")]
    assert json.loads(archive.read("processing_restrictions.json"))[0]["reason"].startswith("Ο Γιώργος")

    summary = customer_erase(papadopoulos.pk, reason="his request", actor=manager)

    assert summary.counts["privacy"]["requester_emails_cleared"] == 2
    for request in DataRequest.objects.filter(pk__in=[filed.pk, unidentified.pk]):
        assert request.requester_email == ""
        assert "Παπαδόπουλος" not in request.details
    assert DataRequest.objects.count() == 2  # kept: proof the request was answered
    assert "Παπαδόπουλος" not in ProcessingRestriction.objects.get().reason


def test_the_portal_request_page_points_to_the_data_request_page(
    client: Any, open_ticket: Any, papadopoulos: Customer
) -> None:
    ticket = open_ticket(papadopoulos)
    page = client.get(urlsplit(portal_url(ticket)).path).content.decode()
    assert "data-dsr-portal-card" in page
    assert reverse("privacy:portal_request") in page


def test_an_erasure_request_of_an_erased_customer_offers_to_close_with_the_erasure_as_evidence(
    client: Any, data_dir: Path, papadopoulos: Customer, manager: Any
) -> None:
    handler = grant(manager, *MANAGER_PERMISSIONS)
    filed = request_file(customer_id=papadopoulos.pk, kind="erasure", channel="email")
    client.force_login(handler)
    assert "audit entry" not in client.get(reverse("privacy:request", args=[filed.pk])).content.decode()

    customer_erase(papadopoulos.pk, reason="the customer's request", actor=handler)

    page = client.get(reverse("privacy:request", args=[filed.pk])).content.decode()
    start = page.index("data-close-form")
    form = page[start : page.index("</form>", start)]
    assert "Erased on" in form
    assert "audit entry" in form
    assert re.search(r'value="done"[^>]*checked', form)
