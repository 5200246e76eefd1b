"""The system status page and the worker banner (admins), the getting-started checklist, and where each
role lands after log-in."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from pelatis.channels.models import JobRun, Mailbox, WorkerProcess
from pelatis.channels.outbox import OUTBOX_BACKEND
from pelatis.helpdesk.models import Message, Ticket
from pelatis.web.status import WORKER_CACHE_KEY

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(settings: Any) -> None:
    settings.LANGUAGE_CODE = "en"
    cache.clear()


def _failed_reply(open_ticket: Any, papadopoulos: Any) -> Message:
    ticket: Ticket = open_ticket(papadopoulos, channel="email")
    return Message.objects.create(
        ticket=ticket,
        direction="out",
        body_text="Καλησπέρα",
        delivery="failed",
        attempts=8,
        delivery_error="SMTPRecipientsRefused: 550 no such user",
        to=["g.papadopoulos@example.gr"],
    )


def test_admin_sees_worker_queue_mail_mode_mailboxes_failed_sends_and_jobs(
    settings: Any, client_as: Any, admin_user_: Any, open_ticket: Any, papadopoulos: Any
) -> None:
    # given: a live worker, two queued tasks, an IMAP mailbox whose last poll failed, a failed email, a job run
    from pelatis.channels.tasks import follow_up_send_task

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.EMAIL_BACKEND = OUTBOX_BACKEND
    WorkerProcess.objects.create(worker_id="host:42:abcd", host="host", pid=42)
    follow_up_send_task.enqueue(ticket_id=1)
    follow_up_send_task.enqueue(ticket_id=2)
    Mailbox.objects.create(
        name="Κρατήσεις",
        host="imap.example.gr",
        username="booking",
        password_env="IMAP_PASS",
        last_polled_at=timezone.now(),
        last_error="LOGIN failed",
    )
    failed = _failed_reply(open_ticket, papadopoulos)
    JobRun.objects.create(name="sla_scan", last_finished_at=timezone.now(), last_result="0 newly breached")
    # when
    response = client_as(admin_user_).get(reverse("status"))
    # then
    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-worker-stale="false"' in page
    assert 'data-worker="42"' in page
    assert 'data-queued="2"' in page
    assert 'id="status-oldest"' in page
    assert "ago" in page.split('id="status-oldest"', 1)[1].split("</div>", 2)[1]
    assert 'data-mail-mode="outbox"' in page
    assert "Outbox mode: no mail server configured." in page
    assert "Κρατήσεις" in page
    assert "LOGIN failed" in page
    assert f'data-failed="{failed.pk}"' in page
    assert "550 no such user" in page
    assert reverse("helpdesk:ticket", args=[failed.ticket_id]) in page
    assert 'data-job="sla_scan"' in page
    assert "0 newly breached" in page
    assert "data-worker-banner" not in page


def test_status_page_names_the_smtp_server(settings: Any, client_as: Any, admin_user_: Any) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "smtp.example.gr", 587
    page = client_as(admin_user_).get(reverse("status")).content.decode()
    assert 'data-mail-mode="smtp"' in page
    assert "smtp.example.gr:587" in page


def test_agent_and_manager_may_not_see_the_status_page(client_as: Any, agent: Any, manager: Any) -> None:
    assert client_as(agent).get(reverse("status")).status_code == 403
    assert client_as(manager).get(reverse("status")).status_code == 403


def test_admins_see_a_banner_when_no_worker_was_seen_for_five_minutes(
    client_as: Any, admin_user_: Any, agent: Any
) -> None:
    # given: the only worker last said it was alive six minutes ago
    WorkerProcess.objects.create(
        worker_id="host:7:dead", host="host", pid=7, seen_at=timezone.now() - dt.timedelta(minutes=6)
    )
    # then: every staff page an admin opens carries the banner, linking to the status page
    page = client_as(admin_user_).get(reverse("customers:list")).content.decode()
    assert "data-worker-banner" in page
    assert reverse("status") in page
    # an agent is not shown it
    cache.clear()
    assert "data-worker-banner" not in client_as(agent).get(reverse("customers:list")).content.decode()


def test_no_banner_while_a_worker_is_alive(client_as: Any, admin_user_: Any) -> None:
    WorkerProcess.objects.create(
        worker_id="host:8:live", host="host", pid=8, seen_at=timezone.now() - dt.timedelta(minutes=1)
    )
    assert "data-worker-banner" not in client_as(admin_user_).get(reverse("customers:list")).content.decode()


def test_the_banner_reads_the_worker_table_once_per_30_seconds(client_as: Any, admin_user_: Any) -> None:
    client = client_as(admin_user_)
    with CaptureQueriesContext(connection) as first:
        assert "data-worker-banner" in client.get(reverse("customers:list")).content.decode()
    with CaptureQueriesContext(connection) as second:
        assert "data-worker-banner" in client.get(reverse("customers:list")).content.decode()
    worker_reads = [q["sql"] for q in first.captured_queries if "channels_workerprocess" in q["sql"]]
    assert len(worker_reads) == 1
    # then the cached answer: no read of the worker table, one cache read in its place
    assert [q["sql"] for q in second.captured_queries if "channels_workerprocess" in q["sql"]] == []
    if settings.CACHES["default"]["BACKEND"] == "pelatis.core.cache.DatabaseCache":
        assert len([q for q in second.captured_queries if WORKER_CACHE_KEY in q["sql"]]) == 1
    else:  # Redis: the answer is in the shared cache, not in the database
        assert cache.get(WORKER_CACHE_KEY) is not None


# --- getting started and landing pages -------------------------------------------------------------------


def _log_in(client: Any, user: Any) -> str:
    response = client.post(reverse("login"), {"username": user.username, "password": "s3cret-pass"})
    assert response.status_code == 302, response.content[:500]
    assert response.url == reverse("landing")
    landing = client.get(response.url)
    assert landing.status_code == 302
    return str(landing.url)


def test_agents_land_on_their_inbox_and_managers_on_the_dashboard(
    client: Any, agent: Any, manager: Any, reader: Any
) -> None:
    assert _log_in(client, agent) == reverse("helpdesk:inbox")
    client.logout()
    assert _log_in(client, manager) == reverse("analytics:dashboard")
    client.logout()
    assert _log_in(client, reader) == reverse("analytics:dashboard")


def test_admin_lands_on_the_checklist_until_it_is_dismissed(client: Any, admin_user_: Any) -> None:
    assert _log_in(client, admin_user_) == reverse("getting_started")
    page = client.get(reverse("getting_started")).content.decode()
    for step in ("business", "mailbox", "mail", "hours", "staff", "import"):
        assert f'data-step="{step}"' in page
    # when: the admin hides it
    response = client.post(reverse("getting_started_dismiss"))
    assert response.status_code == 302
    # then: the next log-in lands on the dashboard
    client.logout()
    assert _log_in(client, admin_user_) == reverse("analytics:dashboard")


def _done(page: str, step: str) -> bool:
    chunk = page.split(f'data-step="{step}"', 1)[1][:40]
    return 'data-done="true"' in chunk


def test_each_step_is_ticked_when_its_data_exists(
    settings: Any, client_as: Any, admin_user_: Any, agent: Any
) -> None:
    from pelatis.customers.models import ImportJob
    from pelatis.helpdesk.models import Calendar

    settings.EMAIL_BACKEND = OUTBOX_BACKEND
    client = client_as(admin_user_)
    page = client.get(reverse("getting_started")).content.decode()
    assert not any(_done(page, step) for step in ("mailbox", "mail", "hours", "import"))
    assert _done(page, "staff")  # the admin and the agent
    # when: each is done
    Mailbox.objects.create(
        name="Υποστήριξη", host="imap.example.gr", username="support", password_env="IMAP_PASS"
    )
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    calendar = Calendar.objects.get()
    calendar.weekly = {**calendar.weekly, "5": [["10:00", "14:00"]]}
    calendar.save()
    ImportJob.objects.create(kind="customers", file_name="pelates.csv", status=ImportJob.Status.DONE)
    page = client.get(reverse("getting_started")).content.decode()
    assert all(_done(page, step) for step in ("mailbox", "mail", "hours", "staff", "import"))
    # each step links to where it is done
    assert reverse("admin:channels_mailbox_add") in page
    assert reverse("customers:import") in page
    assert reverse("admin:helpdesk_calendar_changelist") in page


def test_the_checklist_is_for_admins(client_as: Any, agent: Any, manager: Any) -> None:
    assert client_as(agent).get(reverse("getting_started")).status_code == 403
    assert client_as(manager).post(reverse("getting_started_dismiss")).status_code == 403


def test_periodic_jobs_are_named_in_the_readers_language(client_as: Any, admin_user_: Any) -> None:
    JobRun.objects.create(name="sla_scan", last_finished_at=timezone.now(), last_result="0 newly breached")
    JobRun.objects.create(name="dashboard:0123abcd", last_finished_at=timezone.now(), last_result="computed")
    client = client_as(admin_user_)
    client.cookies["django_language"] = "el"
    page = client.get(reverse("status")).content.decode()
    assert "Προθεσμίες SLA" in page
    assert "Επανυπολογισμός του πίνακα ελέγχου" in page
    assert ">sla_scan<" not in page  # keys stay out of the text
    assert "dashboard:0123abcd<" not in page
