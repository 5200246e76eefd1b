"""Every file Pelatis keeps, on object storage: inbound attachments, personal data ZIPs (the customer page
and a data request) and import uploads land in the bucket, come back only through Pelatis's views after
the permission check, and are deleted from the bucket when their time is up (erasure, a finished import,
a message not kept)."""

from __future__ import annotations

import hashlib
import io
import re
import zipfile
from email.message import EmailMessage
from email.utils import make_msgid
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from pelatis.channels.services import mail_ingest
from pelatis.conf.storage import default_storage as storage_config
from pelatis.customers.models import Customer, ImportJob
from pelatis.customers.tasks import import_job_run_task
from pelatis.helpdesk.models import Attachment
from pelatis.privacy.dsr.services import request_file
from pelatis.privacy.rights.erase import customer_erase
from pelatis.privacy.rights.export import customer_export
from pelatis.privacy.tests.test_requests import MANAGER_PERMISSIONS, grant
from tests.s3_fixture import ACCESS_KEY, SECRET_KEY, S3Bucket, s3_server_start

pytestmark = pytest.mark.django_db

INVOICE = b"%PDF-1.4 \xce\xb1\xce\xb2 test"  # not text: the bytes must survive as they are
SENDER = "Γιώργος Παπαδόπουλος <g.papadopoulos@example.gr>"


def _mail(*, sender: str | None = SENDER, message_id: str | None = None) -> bytes:
    msg = EmailMessage()
    if sender:
        msg["From"] = sender
    msg["To"] = "reservations@hotel.example.gr"
    msg["Subject"] = "Τιμολόγιο κράτησης"
    msg["Message-ID"] = message_id or make_msgid(domain="example.gr")
    msg.set_content("Καλησπέρα, σας στέλνω το τιμολόγιο.\n")
    msg.add_attachment(INVOICE, maintype="application", subtype="pdf", filename="τιμολόγιο.pdf")
    msg.add_attachment(b"MZ\x90\x00", maintype="application", subtype="x-dosexec", filename="setup.exe")
    return msg.as_bytes()


def _zip(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def test_an_attachment_is_kept_in_the_bucket_and_downloaded_only_through_the_permission_check(
    s3_storage: S3Bucket, client_as: Any, agent: Any, outsider: Any
) -> None:
    # when: a mail with a kept and a blocked file comes in
    result = mail_ingest(_mail())
    assert result.ticket_id is not None

    # then: the kept file is in the bucket under attachments/, the blocked one nowhere
    kept = Attachment.objects.get(message__ticket_id=result.ticket_id, rejected="")
    blocked = Attachment.objects.exclude(rejected="").get()
    [key] = s3_storage.names()
    assert key == kept.file.name
    assert re.fullmatch(r"attachments/\d{4}/\d{2}/\S+\.pdf", key)
    assert s3_storage.read(key) == INVOICE
    assert not blocked.file
    # an agent downloads it through Pelatis, as an attachment, never as a page of ours
    url = reverse("helpdesk:attachment", args=[kept.pk])
    response = client_as(agent).get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == INVOICE
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Content-Security-Policy"] == "sandbox"
    assert s3_storage.endpoint_url not in response.serialize_headers().decode()  # no bucket URL
    # nobody else gets it
    assert Client().get(url).status_code == 302
    assert client_as(outsider).get(url).status_code == 403


def test_a_mail_not_kept_leaves_no_file_in_the_bucket(s3_storage: S3Bucket) -> None:
    message_id = make_msgid(domain="example.gr")
    assert mail_ingest(_mail(message_id=message_id)).outcome == "ticket"
    first = s3_storage.names()
    assert len(first) == 1

    # when: the same mail is delivered again, and a mail without a sender is refused
    assert mail_ingest(_mail(message_id=message_id)).outcome == "duplicate"
    assert mail_ingest(_mail(sender=None)).outcome == "quarantined"

    # then: their files were stored before the transaction and deleted again
    assert s3_storage.names() == first
    assert Attachment.objects.count() == 2  # the first mail's kept and blocked files only


def test_the_personal_data_zip_is_kept_in_the_bucket_and_the_erasure_deletes_it_with_the_attachments(
    s3_storage: S3Bucket,
    client_as: Any,
    manager: Any,
    agent: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    result = mail_ingest(_mail())
    assert result.ticket_id is not None
    ticket_customer = Customer.objects.get(tickets__pk=result.ticket_id)
    url = reverse("privacy:rights_export", args=[ticket_customer.pk])

    # an agent may not export; nothing is written to the bucket for them
    assert client_as(agent).post(url).status_code == 403
    assert len(s3_storage.names()) == 1

    # when: a manager exports the customer's data
    response = client_as(manager).post(url)

    # then: the ZIP is in the bucket, and the download is that ZIP, with the attachment read from the bucket
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    body = b"".join(response.streaming_content)
    [zip_key] = [k for k in s3_storage.names() if k.startswith("exports/privacy/")]
    assert re.fullmatch(
        rf"exports/privacy/customer-{ticket_customer.pk}-\d{{8}}T\d{{6}}-[0-9a-f]+\.zip", zip_key
    )
    assert s3_storage.read(zip_key) == body
    assert INVOICE in _zip(body).values()

    # when: the customer is erased
    with django_capture_on_commit_callbacks(execute=True):
        customer_erase(ticket_customer.pk, reason="Αίτημα διαγραφής")

    # then: neither the ZIP nor the attachment is left in the bucket
    assert s3_storage.names() == []


def test_a_data_requests_zip_is_evidence_of_what_the_bucket_keeps_and_is_downloaded_from_it(
    s3_storage: S3Bucket, client: Any, papadopoulos: Customer, manager: Any, agent: Any
) -> None:
    handler = grant(manager, *MANAGER_PERMISSIONS)
    filed = request_file(customer_id=papadopoulos.pk, kind="access", channel="email")
    client.force_login(handler)

    assert client.post(reverse("privacy:request_action", args=[filed.pk, "export"])).status_code == 302

    filed.refresh_from_db()
    [key] = s3_storage.names()
    kept = s3_storage.read(key)
    name = key.removeprefix("exports/privacy/")
    assert f"{name} ({len(kept)} bytes, SHA-256 {hashlib.sha256(kept).hexdigest()})" in filed.evidence
    link = reverse("privacy:request_export_file", args=[filed.pk, name])
    download = client.get(link)
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == kept
    # someone without the permission to handle requests gets nothing
    client.force_login(agent)
    assert client.get(link).status_code == 403
    # once the file is gone from the bucket, the link says so instead of failing
    s3_storage.client.delete_object(Bucket=s3_storage.bucket, Key=key)
    client.force_login(handler)
    assert client.get(link).status_code == 404


def test_an_import_upload_waits_in_the_bucket_and_is_deleted_once_imported(
    s3_storage: S3Bucket, client_as: Any, manager: Any
) -> None:
    data = "first_name,last_name,email\nΣοφία,Δημητρίου,sofia@example.com\n".encode("utf-8-sig")
    upload = io.BytesIO(data)
    upload.name = "πελάτες.csv"

    client_as(manager).post(reverse("customers:import"), {"file": upload, "kind": "customers"})

    job = ImportJob.objects.get()
    [key] = s3_storage.names()
    assert key == job.source.name
    assert key.startswith("imports/")
    assert "πελάτες" not in key
    assert s3_storage.read(key) == data
    # the preview reads the file from the bucket and keeps it; the confirmed import deletes it
    import_job_run_task.call(job_id=job.pk)
    job.refresh_from_db()
    assert (job.status, job.rows_created) == ("preview", 1)
    assert s3_storage.names() == [key]
    client_as(manager).post(reverse("customers:import_confirm", args=[job.pk]))
    import_job_run_task.call(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == "done"
    assert Customer.objects.get().last_name == "Δημητρίου"
    assert s3_storage.names() == []


def test_the_erasure_stands_when_the_object_store_is_down_after_its_commit(
    settings: Any, papadopoulos: Customer, django_capture_on_commit_callbacks: Any, caplog: Any
) -> None:
    server = s3_server_start()
    settings.STORAGES = {
        **settings.STORAGES,
        "default": storage_config(server.storage_url(), access_key=ACCESS_KEY, secret_key=SECRET_KEY),
    }
    assert customer_export(papadopoulos.pk).exists()
    server.stop()

    with django_capture_on_commit_callbacks(execute=True):
        customer_erase(papadopoulos.pk, reason="Αίτημα διαγραφής")

    papadopoulos.refresh_from_db()
    assert papadopoulos.erased_at is not None
    assert "could not list the export ZIPs of an erased customer" in caplog.text
