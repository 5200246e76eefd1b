"""System status for admins: is the worker alive, how long is the task queue, where does mail go, when did
each mailbox last poll, which emails failed and when each periodic job last ran. Also the site-wide
context every staff page gets: the mail mode and, for admins, a banner when the worker is not running.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db.models import Max, Min
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from pelatis.channels.models import JobRun, Mailbox, OutboxMessage, WorkerProcess
from pelatis.channels.outbox import OUTBOX_BACKEND, mail_mode
from pelatis.helpdesk.models import Message

WORKER_STALE = dt.timedelta(minutes=5)  # admins are warned when no worker has been seen for this long
WORKER_CACHE_KEY = "pelatis:status:worker-seen"
WORKER_CACHE_SECONDS = 30
FAILED_SHOWN = 20


def is_admin(user: Any) -> bool:
    """A superuser or a user with the admin role (its own permission: API tokens); no query once the
    request's permissions are loaded, as every staff page loads them for the navigation."""
    if not getattr(user, "is_authenticated", False):
        return False
    return bool(user.is_superuser or user.has_perm("accounts.add_apitoken"))


def worker_last_seen() -> dt.datetime | None:
    """When a running worker last said it was alive (None: no worker is registered)."""
    seen: dt.datetime | None = WorkerProcess.objects.aggregate(seen=Max("seen_at"))["seen"]
    return seen


def worker_last_seen_cached() -> dt.datetime | None:
    """``worker_last_seen`` kept for 30 s in the configured cache, so a page costs at most one cache read."""
    stamp = cache.get(WORKER_CACHE_KEY)
    if stamp is None:
        seen = worker_last_seen()
        cache.set(WORKER_CACHE_KEY, seen.timestamp() if seen else 0.0, WORKER_CACHE_SECONDS)
        return seen
    return dt.datetime.fromtimestamp(stamp, tz=dt.UTC) if stamp else None


def worker_is_stale(seen: dt.datetime | None, *, now: dt.datetime | None = None) -> bool:
    return seen is None or seen < (now or timezone.now()) - WORKER_STALE


@dataclass(frozen=True)
class WorkerBanner:
    seen: dt.datetime | None


def _banner(request: HttpRequest) -> WorkerBanner | None:
    if not is_admin(request.user):
        return None
    seen = worker_last_seen_cached()
    return WorkerBanner(seen=seen) if worker_is_stale(seen) else None


def system_context(request: HttpRequest) -> dict[str, object]:
    """Context processor: ``mail_outbox`` (no mail server: emails stay in the outbox) and
    ``worker_banner``, evaluated only where a template shows it (the staff base page)."""
    banner: Callable[[], WorkerBanner | None] = lambda: _banner(request)  # noqa: E731 — templates call it lazily
    outbox = settings.EMAIL_BACKEND == OUTBOX_BACKEND
    # The outbox copy of message N is at mail_outbox_message_url + "N/": the help desk's templates link it
    # without naming the channels app's URLs.
    message_url = reverse("outbox:for_message", args=[0]).removesuffix("0/") if outbox else ""
    return {"mail_outbox": outbox, "mail_outbox_message_url": message_url, "worker_banner": banner}


# --- the status page ------------------------------------------------------------------------------------


def _task_queue() -> dict[str, object]:
    """Queued tasks and the oldest one's age (the database task backend only)."""
    if "django_tasks_db" not in settings.TASKS["default"]["BACKEND"]:
        return {"backend": settings.TASKS["default"]["BACKEND"], "known": False}
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    ready = DBTaskResult.objects.filter(status=TaskResultStatus.READY)
    agg = ready.aggregate(oldest=Min("enqueued_at"))
    return {
        "backend": settings.TASKS["default"]["BACKEND"],
        "known": True,
        "queued": ready.count(),
        "oldest": agg["oldest"],
        "running": DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING).count(),
        "failed": DBTaskResult.objects.filter(status=TaskResultStatus.FAILED).count(),
    }


def system_status() -> dict[str, object]:
    """Everything the status page shows, read fresh (no cache)."""
    now = timezone.now()
    workers = list(WorkerProcess.objects.order_by("-seen_at"))
    seen = workers[0].seen_at if workers else None
    failed = (
        Message.objects.filter(direction=Message.Direction.OUTBOUND, delivery=Message.Delivery.FAILED)
        .select_related("ticket")
        .order_by("-created_at", "-id")
    )
    mode = mail_mode()
    return {
        "now": now,
        "workers": workers,
        "worker_seen": seen,
        "worker_stale": worker_is_stale(seen, now=now),
        "stale_minutes": int(WORKER_STALE.total_seconds() // 60),
        "tasks": _task_queue(),
        "mail": {
            "mode": mode,
            "host": settings.EMAIL_HOST,
            "port": settings.EMAIL_PORT,
            "from": settings.DEFAULT_FROM_EMAIL,
            "backend": settings.EMAIL_BACKEND,
            "outbox_count": OutboxMessage.objects.count() if mode == "outbox" else None,
        },
        "queued_emails": Message.objects.filter(
            direction=Message.Direction.OUTBOUND,
            delivery__in=[Message.Delivery.QUEUED, Message.Delivery.SENDING],
        ).count(),
        "mailboxes": list(Mailbox.objects.order_by("name")),
        "failed": list(failed[:FAILED_SHOWN]),
        "failed_count": failed.count(),
        "jobs": [(job, job_label(job.name)) for job in JobRun.objects.order_by("name")],
    }


#: What each periodic job does, in the reader's language (the stored name is the job's key).
JOB_LABELS = {
    "acknowledgements": gettext_lazy("Acknowledgements of new requests"),
    "csat_surveys": gettext_lazy("Satisfaction surveys (CSAT)"),
    "customer_values": gettext_lazy("Customer value and segments"),
    "follow_ups": gettext_lazy("Follow-ups after resolution"),
    "mail_poll": gettext_lazy("Fetching mail (IMAP)"),
    "metrics_refresh": gettext_lazy("Dashboard numbers"),
    "nps_surveys": gettext_lazy("NPS surveys"),
    "outbound_retry": gettext_lazy("Retrying emails"),
    "sla_scan": gettext_lazy("SLA deadlines"),
}


def job_label(name: str) -> str:
    """ "sla_scan" → «Προθεσμίες SLA»; a dashboard recompute by its filters → «Επανυπολογισμός πίνακα ελέγχου»."""
    if name.startswith("dashboard:"):
        return str(gettext_lazy("Dashboard recompute"))
    label = JOB_LABELS.get(name)
    return str(label) if label is not None else name.replace("_", " ").capitalize()


@require_GET
@login_required
def status_view(request: HttpRequest) -> HttpResponse:
    if not is_admin(request.user):
        raise PermissionDenied
    return render(request, "web/status.html", system_status())
