"""Imports from the web: the request stores the file and queues a job; a task imports it; a page
follows its progress and then shows the row-level report."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from pelatis.accounts.services import user_set_role
from pelatis.core.files import StoredObject, storage_walk
from pelatis.customers.importing import import_job_run
from pelatis.customers.models import Customer, ImportJob
from pelatis.customers.tasks import import_job_run_task

GOOD = (
    "first_name,last_name,email,phone\n"
    "Νίκος,Αλεξίου,nikos@example.com,6971112233\n"
    "Σοφία,Δημητρίου,sofia@example.com,2101234567\n"
).encode("utf-8-sig")
BAD = (
    "first_name,last_name,email,phone\n"
    "Νίκος,Αλεξίου,nikos@example.com,6971112233\n"
    "Άννα,Βλάχου,not-an-email,6971112234\n"
    "Πέτρος,Γεωργίου,petros@example.com,12\n"
).encode("utf-8-sig")


@pytest.fixture(autouse=True)
def media(settings: Any, fresh_storage: None) -> Path:
    return Path(settings.MEDIA_ROOT)


def upload(data: bytes, name: str = "πελάτες.csv") -> io.BytesIO:
    f = io.BytesIO(data)
    f.name = name
    return f


def stored_files(media: Path) -> list[StoredObject]:
    """The uploads kept in the file storage (the media folder, or the bucket when files go to S3)."""
    return [StoredObject(name) for name in storage_walk("imports/")]


def test_upload_returns_at_once_with_a_queued_job_and_imports_nothing_in_the_request(
    client_as: Any, manager: Any, media: Path
) -> None:
    # when the file is posted (the task is not run: its enqueue waits for a commit that tests never make)
    response = client_as(manager).post(
        reverse("customers:import"), {"file": upload(GOOD), "kind": "customers"}
    )
    # then the browser is sent to the job's page, the file is stored, and nothing is imported yet
    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("customers:import_job", args=[job.pk])
    assert (job.status, job.file_name, job.kind, job.created_by) == (
        "queued",
        "πελάτες.csv",
        "customers",
        manager,
    )
    assert not Customer.objects.exists()
    [stored] = stored_files(media)
    assert stored.read_bytes() == GOOD
    assert "πελάτες" not in stored.name  # the stored name is the server's, not the uploader's
    page = client_as(manager).get(response["Location"]).content.decode()
    assert 'data-status="queued"' in page
    assert 'hx-trigger="every 1s"' in page  # the page polls while the job waits or runs
    assert "Waiting for the background worker" in page


def test_the_task_previews_then_the_confirmed_import_writes_and_deletes_the_upload(
    client_as: Any, manager: Any, media: Path
) -> None:
    client_as(manager).post(reverse("customers:import"), {"file": upload(GOOD), "kind": "customers"})
    job = ImportJob.objects.get()
    # the first run is a preview: counted, nothing written, the file kept for the confirmation
    import_job_run_task.call(job_id=job.pk)
    job.refresh_from_db()
    assert (job.status, job.rows_total, job.rows_created, job.rows_updated) == ("preview", 2, 2, 0)
    assert not Customer.objects.exists()
    assert len(stored_files(media)) == 1
    page = client_as(manager).get(reverse("customers:import_job", args=[job.pk])).content.decode()
    assert "Nothing has been written yet." in page
    assert 'id="import-confirm"' in page
    # when confirmed
    client_as(manager).post(reverse("customers:import_confirm", args=[job.pk]))
    job.refresh_from_db()
    assert (job.status, job.mode) == ("queued", "apply")
    import_job_run_task.call(job_id=job.pk)
    job.refresh_from_db()
    assert (job.status, job.rows_total, job.rows_done, job.rows_created) == ("done", 2, 2, 2)
    assert Customer.objects.count() == 2
    assert stored_files(media) == []
    assert not job.source
    # a task delivered twice imports once
    assert import_job_run(job_id=job.pk) is None
    assert Customer.objects.count() == 2
    # the page, polled by htmx, now stops polling and shows the report and the undo button
    partial = client_as(manager).get(reverse("customers:import_job", args=[job.pk]), HTTP_HX_REQUEST="true")
    html = partial.content.decode()
    assert 'id="import-report" data-written="true"' in html
    assert 'id="import-undo"' in html
    assert "hx-trigger" not in html
    assert "<html" not in html


def test_a_file_with_bad_rows_previews_the_rejected_rows_and_cannot_be_confirmed(
    client_as: Any, manager: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):  # as after a real commit: the task runs
        posted = client_as(manager).post(
            reverse("customers:import"), {"file": upload(BAD), "kind": "customers"}
        )
    assert posted.status_code == 302
    response = client_as(manager).get(posted["Location"])
    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-written="false"' in html
    assert 'data-row="3"' in html
    assert 'data-row="4"' in html
    assert "Nothing has been written yet." in html
    assert "Confirm and import" not in html
    assert not Customer.objects.exists()
    job = ImportJob.objects.get()
    assert (job.status, job.rows_created, job.rows_invalid) == ("preview", 1, 2)
    # confirming anyway is refused and writes nothing
    client_as(manager).post(reverse("customers:import_confirm", args=[job.pk]))
    assert ImportJob.objects.get().status == "preview"
    assert not Customer.objects.exists()


def test_skip_invalid_writes_the_good_rows(
    client_as: Any, manager: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        posted = client_as(manager).post(
            reverse("customers:import"), {"file": upload(BAD), "kind": "customers", "skip_invalid": "on"}
        )
    job = ImportJob.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        client_as(manager).post(reverse("customers:import_confirm", args=[job.pk]))
    response = client_as(manager).get(posted["Location"])
    assert 'data-written="true"' in response.content.decode()
    assert list(Customer.objects.values_list("first_name", flat=True)) == ["Νίκος"]
    assert ImportJob.objects.get().status == "partial"


def test_the_job_page_shows_progress_while_running(client_as: Any, manager: Any) -> None:
    job = ImportJob.objects.create(
        kind="customers",
        file_name="big.csv",
        status="running",
        created_by=manager,
        rows_total=250_000,
        rows_done=75_000,
    )
    html = client_as(manager).get(reverse("customers:import_job", args=[job.pk])).content.decode()
    assert 'value="30"' in html
    assert "Checking the rows" in html
    ImportJob.objects.filter(pk=job.pk).update(rows_done=200_000)
    html = (
        client_as(manager)
        .get(reverse("customers:import_job", args=[job.pk]), HTTP_HX_REQUEST="true")
        .content.decode()
    )
    assert 'value="80"' in html
    assert "Writing" in html
    assert 'hx-trigger="every 1s"' in html


def test_another_importer_cannot_see_a_job(client: Any, manager: Any) -> None:
    job = ImportJob.objects.create(
        kind="customers",
        file_name="pelates.csv",
        status="done",
        created_by=manager,
        errors=[{"row": 2, "column": "email", "message": "“secret@example.com” …", "level": "error"}],
    )
    other = get_user_model().objects.create_user("manager2", "m2@example.com", "pw-pw-pw-1")
    user_set_role(user=other, role="manager")
    client.force_login(get_user_model().objects.get(pk=other.pk))
    assert client.get(reverse("customers:import_job", args=[job.pk])).status_code == 404
    assert "pelates.csv" not in client.get(reverse("customers:import")).content.decode()


def test_the_report_is_in_the_uploaders_language(
    client_as: Any, manager: Any, django_capture_on_commit_callbacks: Any
) -> None:
    c = client_as(manager)
    c.post(reverse("set_language"), {"language": "el", "next": "/"})
    with django_capture_on_commit_callbacks(execute=True):
        c.post(reverse("customers:import"), {"file": upload(b"foo,bar\n1,2\n", "x.csv"), "kind": "customers"})
    job = ImportJob.objects.get()
    assert job.language == "el"
    assert job.status == "rejected"
    assert "first_name" in job.errors[0]["message"]
    assert job.errors[0]["message"] != (  # the Greek of the "no name column" error
        "No name column found: the file needs a column such as first_name, last_name, company, Όνομα, Επώνυμο "
        "or Εταιρεία."
    )
