"""The worker's real task path, on both backends: every kind of background task is enqueued in the
database (django-tasks-db, the shipped backend) or in Redis (RQ, ``PELATIS_TASKS_BACKEND=rq``), taken by
`pelatis worker --once` rounds until the queue is empty, and does what the user relies on, once; its
result (the database row, or the RQ job) says it succeeded.

Elsewhere tests run tasks with the immediate backend; here nothing runs until the worker takes it.
Task kinds (every ``@task`` in pelatis): channels' reply_email_send_task, acknowledgement_send_task and
follow_up_send_task; customers' import_job_run_task; analytics' dashboard_refresh_task; loyalty's
loyalty_orders_sync_task. The NPS survey is a periodic job of the same worker, not a task: it is
covered at the end, over the same path.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone
from django_tasks import TaskResultStatus

from pelatis.analytics import services as analytics
from pelatis.analytics.metrics.base import Filters
from pelatis.analytics.models import MetricSnapshot
from pelatis.analytics.tasks import dashboard_refresh_task
from pelatis.channels.services import mail_ingest
from pelatis.channels.tasks import acknowledgement_send_task, follow_up_send_task, reply_email_send_task
from pelatis.channels.tests.test_ingest import mail
from pelatis.customers.importing import import_job_confirm, import_job_create
from pelatis.customers.inputs import OrderInput, OrderLineInput
from pelatis.customers.models import Customer, ImportJob
from pelatis.customers.services import order_create
from pelatis.customers.tasks import import_job_run_task
from pelatis.feedback.models import CsatSurvey, NpsResponse
from pelatis.feedback.services import nps_campaign_create
from pelatis.helpdesk.models import Message, Ticket
from pelatis.helpdesk.services.tickets import reply_send
from pelatis.loyalty.models import LedgerEntry
from pelatis.loyalty.queries import balance_of
from pelatis.loyalty.tasks import loyalty_orders_sync_task
from tests.task_path import (
    queue_open,
    results,
    runs,
    task_backend,  # noqa: F401 — the fixture, used by pytestmark
    worker_round,
    worker_until_empty,
)

# each test runs twice: tasks in the database, and tasks on RQ (a throw-away Redis)
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("task_backend")]


CUSTOMERS_CSV = (
    "first_name,last_name,email,phone\n"
    "Νίκος,Αλεξίου,nikos@example.com,6971112233\n"
    "Σοφία,Δημητρίου,sofia@example.com,2101234567\n"
).encode("utf-8-sig")


def _new_ticket() -> Ticket:
    """A ticket opened by a customer's email (its acknowledgement queued)."""
    ticket_id = mail_ingest(mail()).ticket_id
    assert ticket_id is not None
    return Ticket.objects.get(pk=ticket_id)


def _plain(message: Any) -> str:
    return str(message.get_body(("plain",)).get_content())


def test_acknowledgement_reaches_the_mail_server_once(smtp_server: Any) -> None:
    # given: a new email opens a ticket; its acknowledgement waits in the queue
    ticket_id = mail_ingest(mail()).ticket_id
    assert ticket_id is not None
    assert results(acknowledgement_send_task, ticket_id=ticket_id) == [TaskResultStatus.READY]
    assert smtp_server.messages == []
    # when
    worker_until_empty()
    worker_round()
    # then
    [ack] = smtp_server.messages
    assert ack["To"] == "g.papadopoulos@example.gr"
    assert f"[#{ticket_id}]" in ack["Subject"]
    assert ack["Auto-Submitted"] == "auto-replied"
    assert Ticket.objects.get(pk=ticket_id).acknowledged_at is not None
    assert results(acknowledgement_send_task, ticket_id=ticket_id) == [TaskResultStatus.SUCCESSFUL]


def test_agent_reply_reaches_the_mail_server_once_under_its_message_id(smtp_server: Any, agent: Any) -> None:
    # given: the agent answers; the request only queues the email
    ticket = _new_ticket()
    reply = reply_send(ticket=ticket, body_text="Ναι, έχουμε διαθέσιμο δίκλινο.", by=agent)
    assert Message.objects.get(pk=reply.pk).delivery == Message.Delivery.QUEUED
    assert results(reply_email_send_task, message_id=reply.pk) == [TaskResultStatus.READY]
    # when
    worker_until_empty()
    worker_round()
    # then
    sent = [m for m in smtp_server.messages if "Ναι, έχουμε διαθέσιμο δίκλινο." in _plain(m)]
    assert len(sent) == 1
    stored = Message.objects.get(pk=reply.pk)
    assert sent[0]["Message-ID"] == stored.message_id
    assert stored.delivery == Message.Delivery.SENT
    assert results(reply_email_send_task, message_id=reply.pk) == [TaskResultStatus.SUCCESSFUL]


def test_follow_up_is_asked_once_after_resolution(smtp_server: Any, agent: Any) -> None:
    # given: a resolved ticket whose follow-up is due (the worker's follow-up job queues the task)
    ticket = _new_ticket()
    reply_send(ticket=ticket, body_text="Έγινε η κράτηση.", by=agent, status="resolved")
    Ticket.objects.filter(pk=ticket.pk).update(follow_up_due=timezone.now() - dt.timedelta(minutes=1))
    # when
    worker_until_empty()
    worker_round()
    # then
    follow_ups = [m for m in smtp_server.messages if "Σας βοήθησε η απάντησή μας;" in _plain(m)]
    assert len(follow_ups) == 1
    assert str(follow_ups[0]["Subject"]).strip() == f"Λύθηκε το θέμα σας; [#{ticket.pk}]"
    assert Ticket.objects.get(pk=ticket.pk).follow_up_sent_at is not None
    assert results(follow_up_send_task, ticket_id=ticket.pk) == [TaskResultStatus.SUCCESSFUL]


def test_import_job_previews_then_imports_once_confirmed(manager: Any, settings: Any, tmp_path: Any) -> None:
    # given: an uploaded file; its preview waits in the queue
    settings.MEDIA_ROOT = tmp_path / "media"
    job = import_job_create(
        upload=ContentFile(CUSTOMERS_CSV, name="πελάτες.csv"),
        kind="customers",
        skip_invalid=False,
        by=manager,
    )
    assert results(import_job_run_task, job_id=job.pk) == [TaskResultStatus.READY]
    # when: the worker previews it
    worker_until_empty()
    # then: counted, nothing written
    job.refresh_from_db()
    assert job.status == ImportJob.Status.PREVIEW
    assert not Customer.objects.exists()
    # when: the manager confirms and the worker imports
    import_job_confirm(job=job, by=manager)
    worker_until_empty()
    worker_round()
    # then
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE
    assert job.finished_at is not None
    assert sorted(Customer.objects.values_list("last_name", flat=True)) == ["Αλεξίου", "Δημητρίου"]
    assert results(import_job_run_task, job_id=job.pk) == [TaskResultStatus.SUCCESSFUL] * 2


def test_dashboard_refresh_writes_its_snapshot_once(papadopoulos: Any) -> None:
    # given: a recompute started (one at a time per set of filters) and queued
    filters = Filters.default()
    started_at = timezone.now()
    assert analytics.dashboard_refresh_start(filters)
    assert not analytics.dashboard_refresh_start(filters)
    assert analytics.dashboard_refreshing(filters)
    assert not MetricSnapshot.objects.exists()
    # when
    worker_until_empty()
    # then: one snapshot for these filters, computed by the task, and the claim let go
    snapshot = MetricSnapshot.objects.get()
    assert snapshot.key == filters.key()
    assert snapshot.params == filters.as_params()
    assert snapshot.computed_at >= started_at
    assert snapshot.data
    assert not analytics.dashboard_refreshing(filters)
    params = {k: str(v) for k, v in filters.as_params().items()}
    [(status, kwargs)] = runs(dashboard_refresh_task)
    assert kwargs["params"] == params
    assert status == TaskResultStatus.SUCCESSFUL


def test_nps_survey_job_sends_one_survey_over_the_same_worker(smtp_server: Any, papadopoulos: Any) -> None:
    # given: an active campaign and one customer due
    nps_campaign_create(name="Τριμηνιαίο NPS")
    # when
    worker_until_empty()
    worker_round()
    # then
    [survey] = smtp_server.messages
    assert survey["To"] == "g.papadopoulos@example.gr"
    assert survey["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "Πόσο πιθανό είναι να μας προτείνετε" in _plain(survey)
    assert NpsResponse.objects.filter(customer=papadopoulos).count() == 1
    assert not queue_open()


def test_csat_survey_is_sent_once_after_the_reply_went_out(
    smtp_server: Any, agent: Any, settings: Any
) -> None:
    # given: a ticket resolved with a reply (queued) two days ago; the CSAT job asks an hour after resolution
    settings.PELATIS_BASE_URL = "https://pelatis.example.gr"
    ticket = _new_ticket()
    reply = reply_send(ticket=ticket, body_text="Έγινε η κράτηση.", by=agent, status="resolved")
    Ticket.objects.filter(pk=ticket.pk).update(resolved_at=timezone.now() - dt.timedelta(days=2))
    # when: the worker sends the reply (a task) and runs the survey job, round after round
    worker_until_empty()
    worker_round()
    # then: the reply once, and one survey with its five rating links, in the customer's language
    assert results(reply_email_send_task, message_id=reply.pk) == [TaskResultStatus.SUCCESSFUL]
    surveys = [m for m in smtp_server.messages if str(m["Subject"]).startswith("Πώς τα πήγαμε;")]
    assert len(surveys) == 1
    assert _plain(surveys[0]).count("https://pelatis.example.gr/feedback/r/") == 5
    assert CsatSurvey.objects.get(ticket=ticket).sent_at is not None


def test_an_order_earns_its_points_once_through_the_worker(papadopoulos: Any) -> None:
    # given: an order written and committed; loyalty's booking waits in the queue
    order = order_create(
        customer=papadopoulos,
        data=OrderInput(
            reference="ORD-77",
            placed_at=timezone.now(),
            lines=[OrderLineInput(name="Σουίτα", unit_price="120.50")],
        ),
    )
    assert results(loyalty_orders_sync_task, order_ids=[order.pk]) == [TaskResultStatus.READY]
    assert balance_of(papadopoulos) == 0
    # when
    worker_until_empty()
    worker_round()
    # then: 120 points (1 a euro), one earn entry, the task's row succeeded
    assert balance_of(papadopoulos) == 120
    assert LedgerEntry.objects.filter(order_id=order.pk, kind="earn").count() == 1
    assert results(loyalty_orders_sync_task, order_ids=[order.pk]) == [TaskResultStatus.SUCCESSFUL]
