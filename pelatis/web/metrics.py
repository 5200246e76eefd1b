"""Prometheus metrics at ``/metrics``, for the operator's monitoring (text exposition format).

Who may read them: a client whose address is in ``PELATIS_METRICS_ALLOW`` (addresses or networks, comma
separated; default ``127.0.0.1,::1``) and that did not come through a proxy (a request carrying
``X-Forwarded-For``/``Forwarded``/``X-Real-IP`` is judged by the token alone, so a proxy on the same machine
does not open the allow-list to the internet), or one that sends ``Authorization: Bearer
$PELATIS_METRICS_TOKEN``. Everybody else gets the site's 404, as for a page that does not exist.

What they say:

- ``pelatis_http_request_duration_seconds`` (histogram) and ``pelatis_http_responses_total`` (by status
  class), per route name and method, from :class:`RequestMetricsMiddleware`. Under ``pelatis serve`` every
  gunicorn worker writes its numbers into ``PROMETHEUS_MULTIPROC_DIR`` (a folder of the data directory) and
  a scrape of any worker adds them all up (prometheus_client's multiprocess mode).
- The install's state, read from the database (and kept ``STATE_SECONDS`` in the cache, so many scrapers
  cost one set of queries): task queue length, oldest queued task's age and failed tasks; emails sent and
  failed (replies, campaign and journey emails, loyalty notices); mailboxes whose last IMAP poll failed and
  periodic jobs whose last run failed; ``pelatis_up``.
"""

from __future__ import annotations

import hmac
import ipaddress
import logging
import os
import time
from collections.abc import Callable, Iterator
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector

from pelatis.channels.models import JobRun, Mailbox
from pelatis.core.taskqueue import queue_stats
from pelatis.engagement.models import Send
from pelatis.helpdesk.models import Message
from pelatis.loyalty.models import ExpiryWarning

log = logging.getLogger(__name__)

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"
DEFAULT_ALLOW = "127.0.0.1,::1"
PROXY_HEADERS = ("HTTP_X_FORWARDED_FOR", "HTTP_FORWARDED", "HTTP_X_REAL_IP")
STATE_KEY = "pelatis:metrics:state"
STATE_SECONDS = 10
BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})

REQUEST_SECONDS = Histogram(
    "pelatis_http_request_duration_seconds",
    "Time to answer a request (to the first byte of a streamed one), by route name and method.",
    ["route", "method"],
    buckets=BUCKETS,
)
RESPONSES = Counter(
    "pelatis_http_responses",
    "Responses by route name, method and status class (2xx, 3xx, 4xx, 5xx).",
    ["route", "method", "status"],
)


# --- timing every request ---------------------------------------------------------------------------


def route_of(request: HttpRequest) -> str:
    """The URL's name (``customers:detail``), never the path: a path holds ids and tokens, and every
    distinct label value is a new time series. A path no URL matched is ``unmatched``."""
    match = getattr(request, "resolver_match", None)
    return str(match.view_name) if match is not None and match.view_name else "unmatched"


class RequestMetricsMiddleware:
    """Times each request (first in MIDDLEWARE, so the time covers every other middleware too)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        response = self.get_response(request)
        elapsed = time.perf_counter() - started
        method = request.method if request.method in METHODS else "other"
        route = route_of(request)
        REQUEST_SECONDS.labels(route, method).observe(elapsed)
        RESPONSES.labels(route, method, f"{response.status_code // 100}xx").inc()
        return response


# --- who may read them ------------------------------------------------------------------------------


def _setting(name: str, default: str) -> str:
    value = getattr(settings, name, default)
    if isinstance(value, list | tuple):
        return ",".join(str(v) for v in value)
    return str(value)


def allowed_networks() -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    """``PELATIS_METRICS_ALLOW`` as networks; a malformed entry is a configuration error that names it."""
    networks = []
    for item in _setting("PELATIS_METRICS_ALLOW", DEFAULT_ALLOW).split(","):
        if not item.strip():
            continue
        try:
            networks.append(ipaddress.ip_network(item.strip(), strict=False))
        except ValueError as exc:
            raise ImproperlyConfigured(
                f"PELATIS_METRICS_ALLOW: {item.strip()!r} is not an IP address or network"
            ) from exc
    return networks


def metrics_allowed(request: HttpRequest) -> bool:
    token = _setting("PELATIS_METRICS_TOKEN", "")
    given = request.headers.get("Authorization", "")
    if (
        token
        and given.startswith("Bearer ")
        and hmac.compare_digest(given[7:].strip().encode(), token.encode())
    ):
        return True
    if any(request.META.get(header) for header in PROXY_HEADERS):
        return False  # through a proxy, the peer's address is the proxy's: only the token counts
    try:
        address = ipaddress.ip_address(request.META.get("REMOTE_ADDR", ""))
    except ValueError:
        return False
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return any(address in network for network in allowed_networks())


# --- the install's state, from the database ---------------------------------------------------------


def _task_queue_stats() -> dict[str, Any]:
    """The task queue's numbers (the database table or RQ's queues and registries); never raises."""
    stats = queue_stats()
    return {
        "backend": stats.backend,
        "queued": stats.queued,
        "oldest_age_seconds": stats.oldest_age_seconds,
        "failed": stats.failed,
        "running": stats.running,
        "ok": stats.ok,
    }


def install_state() -> dict[str, Any]:
    """Everything the state metrics say, read fresh (a few aggregate queries, no row is fetched)."""
    replies = dict(
        Message.objects.filter(direction=Message.Direction.OUTBOUND)
        .exclude(delivery=Message.Delivery.NONE)
        .order_by()
        .values_list("delivery")
        .annotate(n=Count("pk"))
    )
    campaign = dict(
        Send.objects.filter(channel="email", status__in=[Send.Status.SENT, Send.Status.FAILED])
        .order_by()
        .values_list("status")
        .annotate(n=Count("pk"))
    )
    loyalty = dict(
        ExpiryWarning.objects.filter(status__in=[ExpiryWarning.Status.SENT, ExpiryWarning.Status.FAILED])
        .order_by()
        .values_list("status")
        .annotate(n=Count("pk"))
    )
    emails = {
        (kind, state): int(counts.get(state, 0))
        for kind, counts in (("reply", replies), ("engagement", campaign), ("loyalty", loyalty))
        for state in ("sent", "failed")
    }
    emails[("reply", "queued")] = int(replies.get("queued", 0)) + int(replies.get("sending", 0))
    jobs = [
        (name, bool(error))
        # a dashboard recompute is claimed as "dashboard:<filters>": one per filter set, not a periodic job
        for name, error in JobRun.objects.exclude(name__contains=":").values_list("name", "last_error")
    ]
    return {
        "tasks": _task_queue_stats(),
        "emails": [[kind, state, n] for (kind, state), n in emails.items()],
        "imap_failing": Mailbox.objects.filter(active=True).exclude(last_error="").count(),
        "imap_mailboxes": Mailbox.objects.filter(active=True).count(),
        "jobs_failing": [[name, int(failing)] for name, failing in sorted(jobs)],
    }


def install_state_cached() -> dict[str, Any]:
    state = cache.get(STATE_KEY)
    if state is None:
        state = install_state()
        cache.set(STATE_KEY, state, STATE_SECONDS)
    return dict(state)


def _gauge(name: str, documentation: str, value: float) -> GaugeMetricFamily:
    return GaugeMetricFamily(name, documentation, value=value)


class StateCollector(Collector):
    """The install's state as gauges, computed when scraped (the same in every process)."""

    def collect(self) -> Iterator[GaugeMetricFamily]:
        yield _gauge("pelatis_up", "1 while this web process answers.", 1)
        try:
            state = install_state_cached()
        except Exception:  # the database or cache is down: say so, /readyz says the rest
            log.warning("metrics: the install's state could not be read", exc_info=True)
            yield _gauge("pelatis_state_readable", "1 when the database answered the state queries.", 0)
            return
        yield _gauge("pelatis_state_readable", "1 when the database answered the state queries.", 1)
        tasks = state["tasks"]
        queued = GaugeMetricFamily("pelatis_task_queue_length", "Tasks waiting to run.", labels=["backend"])
        queued.add_metric([tasks["backend"]], tasks["queued"])
        yield queued
        oldest = tasks["oldest_age_seconds"]
        yield _gauge(
            "pelatis_task_queue_oldest_age_seconds",
            "How long the oldest waiting task has waited (0 when none waits).",
            float(oldest) if oldest is not None else 0.0,
        )
        yield _gauge(
            "pelatis_tasks_failed", "Tasks that ended in an error (kept by the backend).", tasks["failed"]
        )
        yield _gauge("pelatis_tasks_running", "Tasks being run by a worker now.", tasks["running"])
        yield _gauge(
            "pelatis_task_queue_readable",
            "1 when the task queue answered (Redis or the table).",
            int(tasks["ok"]),
        )
        emails = GaugeMetricFamily(
            "pelatis_emails",
            "Emails by kind (reply, engagement, loyalty) and state (sent, failed; queued for replies).",
            labels=["kind", "state"],
        )
        for kind, state_name, n in state["emails"]:
            emails.add_metric([kind, state_name], n)
        yield emails
        yield _gauge(
            "pelatis_imap_poll_errors",
            "Active mailboxes whose last IMAP poll failed.",
            state["imap_failing"],
        )
        yield _gauge("pelatis_imap_mailboxes", "Active mailboxes polled over IMAP.", state["imap_mailboxes"])
        jobs = GaugeMetricFamily(
            "pelatis_periodic_job_failing", "1 when the periodic job's last run failed.", labels=["job"]
        )
        for name, failing in state["jobs_failing"]:
            jobs.add_metric([name], failing)
        yield jobs


def metrics_text() -> bytes:
    """The exposition: request metrics (of every worker process, in multiprocess mode) and the state."""
    state = CollectorRegistry(auto_describe=True)
    state.register(StateCollector())
    if os.environ.get(MULTIPROC_ENV):
        requests = CollectorRegistry()
        MultiProcessCollector(requests)  # type: ignore[no-untyped-call]  # unannotated in prometheus_client
        return generate_latest(requests) + generate_latest(state)
    return generate_latest(REGISTRY) + generate_latest(state)


@never_cache
@require_GET
def metrics_view(request: HttpRequest) -> HttpResponse:
    if not metrics_allowed(request):
        raise Http404
    return HttpResponse(metrics_text(), content_type=CONTENT_TYPE_LATEST)
