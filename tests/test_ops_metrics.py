"""/metrics: who may read it, request latency per route and method, and the install's state (task queue,
emails sent and failed, IMAP poll errors) read from the database."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.test import Client
from prometheus_client.parser import text_string_to_metric_families

from pelatis.channels.imap import mailboxes_poll
from pelatis.channels.models import Mailbox
from pelatis.channels.services import mail_ingest
from pelatis.channels.tests.test_ingest import mail
from pelatis.helpdesk.models import Message, Ticket
from pelatis.helpdesk.services.tickets import reply_send
from pelatis.web.metrics import STATE_KEY
from tests.served import free_port

pytestmark = pytest.mark.django_db

MIDDLEWARE_FIRST = [
    "pelatis.web.metrics.RequestMetricsMiddleware",
    "pelatis.web.requestid.RequestIdMiddleware",
]


@pytest.fixture
def timed(settings: Any) -> None:
    """The request middleware in place, as pelatis/settings.py lists it."""
    settings.MIDDLEWARE = MIDDLEWARE_FIRST + [m for m in settings.MIDDLEWARE if m not in MIDDLEWARE_FIRST]


def scrape(**extra: Any) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """Every sample of /metrics as {(name, sorted labels): value}, read fresh (no kept state)."""
    cache.delete(STATE_KEY)
    response = Client().get("/metrics", **extra)
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"].startswith("text/plain; version=")
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(response.content.decode())
        for sample in family.samples
    }


def value(samples: dict[Any, float], name: str, **labels: str) -> float:
    """The sample's value; a metric that is not there at all fails the test (it is never taken for 0)."""
    key = (name, tuple(sorted(labels.items())))
    assert key in samples, f"{name}{labels} is not in /metrics"
    return samples[key]


def value_or_0(samples: dict[Any, float], name: str, **labels: str) -> float:
    """For series that appear with their first observation (a route's first request)."""
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


# --- who may read them ------------------------------------------------------------------------------


def test_loopback_reads_metrics_by_default() -> None:
    assert value(scrape(), "pelatis_up") == 1.0


@pytest.mark.parametrize("remote", ["203.0.113.7", "10.1.2.3", "not-an-address"])
def test_other_addresses_get_404(remote: str) -> None:
    response = Client(REMOTE_ADDR=remote).get("/metrics")
    assert response.status_code == 404
    assert b"pelatis_up" not in response.content


def test_a_request_through_a_proxy_is_judged_by_the_token_alone() -> None:
    # nginx on the same machine connects from 127.0.0.1: its clients must not inherit that address
    response = Client().get("/metrics", HTTP_X_FORWARDED_FOR="198.51.100.4")
    assert response.status_code == 404


def test_the_bearer_token_opens_metrics_from_anywhere(settings: Any) -> None:
    settings.PELATIS_METRICS_TOKEN = "s3cret-τοκεν-42"
    far = Client(REMOTE_ADDR="203.0.113.7")
    assert far.get("/metrics", HTTP_AUTHORIZATION="Bearer wrong").status_code == 404
    assert far.get("/metrics", HTTP_AUTHORIZATION="s3cret-τοκεν-42").status_code == 404  # no scheme
    ok = far.get("/metrics", HTTP_AUTHORIZATION="Bearer s3cret-τοκεν-42", HTTP_X_FORWARDED_FOR="198.51.100.4")
    assert ok.status_code == 200
    assert b"pelatis_up 1.0" in ok.content


def test_no_token_configured_means_no_token_accepted(settings: Any) -> None:
    settings.PELATIS_METRICS_TOKEN = ""
    response = Client(REMOTE_ADDR="203.0.113.7").get("/metrics", HTTP_AUTHORIZATION="Bearer ")
    assert response.status_code == 404


def test_allow_list_takes_networks(settings: Any) -> None:
    settings.PELATIS_METRICS_ALLOW = "10.0.0.0/8, 2001:db8::/32"
    assert Client(REMOTE_ADDR="10.20.30.40").get("/metrics").status_code == 200
    assert Client(REMOTE_ADDR="2001:db8::5").get("/metrics").status_code == 200
    assert Client(REMOTE_ADDR="::ffff:10.0.0.9").get("/metrics").status_code == 200  # IPv4 over IPv6
    assert Client().get("/metrics").status_code == 404  # loopback is no longer on the list


def test_a_malformed_allow_list_names_the_variable(settings: Any) -> None:
    settings.PELATIS_METRICS_ALLOW = "127.0.0.1, 10.0.0.300"
    with pytest.raises(ImproperlyConfigured, match=r"PELATIS_METRICS_ALLOW: '10\.0\.0\.300'"):
        Client(raise_request_exception=True).get("/metrics")


def test_metrics_are_get_only() -> None:
    assert Client().post("/metrics").status_code == 405


# --- request latency --------------------------------------------------------------------------------


def test_each_request_is_timed_under_its_route_name_and_method(timed: None) -> None:
    before = scrape()
    client = Client()
    for _ in range(3):
        assert client.get("/healthz").status_code == 200
    assert client.post("/healthz").status_code == 405
    assert client.get("/no/such/page/6971112233/").status_code == 404  # a path holds ids: never a label
    after = scrape()

    def grew(name: str, **labels: str) -> float:
        return value(after, name, **labels) - value_or_0(before, name, **labels)

    assert grew("pelatis_http_request_duration_seconds_count", route="healthz", method="GET") == 3
    assert grew("pelatis_http_request_duration_seconds_count", route="healthz", method="POST") == 1
    assert grew("pelatis_http_responses_total", route="healthz", method="GET", status="2xx") == 3
    assert grew("pelatis_http_responses_total", route="healthz", method="POST", status="4xx") == 1
    assert grew("pelatis_http_responses_total", route="unmatched", method="GET", status="4xx") == 1
    assert grew("pelatis_http_request_duration_seconds_sum", route="healthz", method="GET") > 0
    # every bucket counts the requests at or under it; the last (+Inf) counts them all
    assert grew("pelatis_http_request_duration_seconds_bucket", route="healthz", method="GET", le="+Inf") == 3
    assert not [key for key in after if "6971112233" in repr(key)]


def test_the_response_carries_a_request_id(timed: None) -> None:
    response = Client().get("/healthz", HTTP_X_REQUEST_ID="edge-7f3a9c21")
    assert response["X-Request-ID"] == "edge-7f3a9c21"
    made = Client().get("/healthz", HTTP_X_REQUEST_ID="bad id\nforged line")["X-Request-ID"]
    assert len(made) == 32  # a new one instead of what could forge a log line
    assert made.isalnum()


# --- the install's state ----------------------------------------------------------------------------


def test_task_queue_length_and_oldest_age_from_the_database_backend(
    settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from pelatis.channels.tasks import reply_email_send_task

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    assert value(scrape(), "pelatis_task_queue_length", backend="database") == 0
    with django_capture_on_commit_callbacks(execute=True):  # enqueued once the caller's transaction commits
        reply_email_send_task.enqueue(message_id=1)
        reply_email_send_task.enqueue(message_id=2)
    from django_tasks_db.models import DBTaskResult

    DBTaskResult.objects.update(enqueued_at=dt.datetime.now(dt.UTC) - dt.timedelta(minutes=5))
    samples = scrape()
    assert value(samples, "pelatis_task_queue_length", backend="database") == 2
    assert 290 < value(samples, "pelatis_task_queue_oldest_age_seconds") < 3600


def test_emails_sent_and_failed_are_counted_from_the_database(
    smtp_server: Any, agent: Any, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    ticket_id = mail_ingest(mail()).ticket_id  # its acknowledgement goes out too
    assert ticket_id is not None
    ticket = Ticket.objects.get(pk=ticket_id)
    before = scrape()
    with django_capture_on_commit_callbacks(execute=True):  # the email is sent once the reply is committed
        reply_send(ticket=ticket, body_text="Ναι, έχουμε διαθέσιμο δίκλινο.", by=agent)
    assert [
        m["Subject"]
        for m in smtp_server.messages
        if "Ναι, έχουμε" in str(m.get_body(("plain",)).get_content())
    ]
    # the mail server goes away; one try is all an email gets here
    settings.EMAIL_PORT = free_port()
    settings.PELATIS_EMAIL_MAX_ATTEMPTS = 1
    with django_capture_on_commit_callbacks(execute=True):
        failed = reply_send(ticket=ticket, body_text="Και πρωινό;", by=agent)
    assert Message.objects.get(pk=failed.pk).delivery == Message.Delivery.FAILED
    after = scrape()
    assert (
        value(after, "pelatis_emails", kind="reply", state="sent")
        - value(before, "pelatis_emails", kind="reply", state="sent")
        == 1
    )
    assert (
        value(after, "pelatis_emails", kind="reply", state="failed")
        - value(before, "pelatis_emails", kind="reply", state="failed")
        == 1
    )


def test_imap_poll_errors_come_from_the_mailboxes_last_poll(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PELATIS_TEST_IMAP_PASSWORD", "x")
    for name in ("reservations", "support"):
        Mailbox.objects.create(
            name=name,
            host="127.0.0.1",
            port=free_port(),  # nothing listens: the poll fails as it would with the server down
            use_ssl=False,
            username="desk",
            password_env="PELATIS_TEST_IMAP_PASSWORD",
        )
    assert value(scrape(), "pelatis_imap_poll_errors") == 0
    lines = list(mailboxes_poll(name="support"))
    assert "error" in lines[0]
    samples = scrape()
    assert value(samples, "pelatis_imap_poll_errors") == 1
    assert value(samples, "pelatis_imap_mailboxes") == 2


def test_state_is_kept_briefly_so_many_scrapers_cost_one_set_of_queries(
    django_assert_max_num_queries: Any,
) -> None:
    cache.delete(STATE_KEY)
    with django_assert_max_num_queries(20) as fresh:
        Client().get("/metrics")  # reads the state and keeps it
    with django_assert_max_num_queries(2) as kept:  # the cache read (none with Redis)
        assert Client().get("/metrics").status_code == 200
    assert len(kept.captured_queries) < len(fresh.captured_queries) - 5


def test_task_queue_length_on_rq(
    settings: Any, redis_url: str, django_capture_on_commit_callbacks: Any
) -> None:
    from pelatis.channels.tasks import reply_email_send_task

    settings.TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend"}}
    settings.RQ_QUEUES = {"default": {"URL": redis_url, "DEFAULT_TIMEOUT": 60}}
    with django_capture_on_commit_callbacks(execute=True):
        for pk in (1, 2, 3):
            reply_email_send_task.enqueue(message_id=pk)  # nothing runs them: no worker in this test
    samples = scrape()
    assert value(samples, "pelatis_task_queue_length", backend="rq") == 3
    assert value(samples, "pelatis_task_queue_readable") == 1
    assert value(samples, "pelatis_task_queue_oldest_age_seconds") >= 0


def test_a_queue_that_cannot_be_read_is_said_so(settings: Any) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend"}}
    settings.RQ_QUEUES = {"default": {"URL": f"redis://127.0.0.1:{free_port()}/0", "DEFAULT_TIMEOUT": 60}}
    samples = scrape()
    assert value(samples, "pelatis_task_queue_readable") == 0
    assert value(samples, "pelatis_up") == 1
