"""The dashboard recompute runs once at a time: old numbers are shown while one background task
recomputes them, and a request that finds a recompute running waits for it instead of starting another."""

from __future__ import annotations

import datetime as dt
import threading
from typing import Any

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from pelatis.analytics import services
from pelatis.analytics.metrics.base import Filters
from pelatis.analytics.metrics.overview import dashboard
from pelatis.analytics.models import MetricSnapshot
from pelatis.channels.claims import job_claim, job_finish

pytestmark = pytest.mark.django_db(transaction=True)
LEASE = dt.timedelta(minutes=10)


@pytest.fixture
def computations(monkeypatch: Any) -> list[str]:
    """Counts the dashboard computations (the expensive part) by filter key."""
    done: list[str] = []
    real = dashboard

    def counted(filters: Filters) -> dict[str, Any]:
        done.append(filters.key())
        return real(filters)

    monkeypatch.setattr(services, "dashboard", counted)
    return done


def _old_snapshot(filters: Filters) -> MetricSnapshot:
    snapshot = services.dashboard_refresh(filters)
    MetricSnapshot.objects.filter(pk=snapshot.pk).update(computed_at=timezone.now() - dt.timedelta(hours=1))
    return MetricSnapshot.objects.get(pk=snapshot.pk)


def test_old_numbers_are_recomputed_by_one_task_and_shown_meanwhile(
    client_as: Any, manager: Any, computations: list[str], monkeypatch: Any
) -> None:
    filters = Filters.default()
    old = _old_snapshot(filters)
    computations.clear()
    enqueued: list[dict[str, Any]] = []

    class Queue:  # the task queue a worker would take it from
        @staticmethod
        def enqueue(**kwargs: Any) -> None:
            enqueued.append(kwargs)

    from pelatis.analytics import tasks

    real_task = tasks.dashboard_refresh_task
    monkeypatch.setattr(tasks, "dashboard_refresh_task", Queue)
    client = client_as(manager)
    # when: two managers open the dashboard while its numbers are old
    pages = [client.get(reverse("analytics:dashboard")).content.decode() for _ in range(2)]
    # then: one recompute was started, in the background; both pages show the kept numbers and say so
    assert len(enqueued) == 1
    assert computations == []
    assert all("These numbers are being recomputed" in page for page in pages)
    assert MetricSnapshot.objects.get().computed_at == old.computed_at
    # and: the task computes once and lets the claim go; the next page shows the new numbers, no note
    real_task.call(**enqueued[0])
    assert computations == [filters.key()]
    assert not services.dashboard_refreshing(filters)
    page = client.get(reverse("analytics:dashboard")).content.decode()
    assert "These numbers are being recomputed" not in page
    assert computations == [filters.key()]


def test_a_request_waits_for_the_recompute_already_running(computations: list[str]) -> None:
    filters = Filters.default()
    # given: another process is computing these numbers (it holds the claim) and nothing is kept yet
    claim = job_claim(
        services.dashboard_refresh_name(filters), lease=LEASE, by="other-process", due_only=False
    )
    assert claim is not None
    finished = threading.Event()

    def other_process() -> None:
        try:
            finished.wait(30)
            services.dashboard_refresh_claimed(filters, claim=claim)
        finally:
            connection.close()

    other = threading.Thread(target=other_process)
    other.start()
    # when: a request needs the numbers; the other process finishes a moment later
    threading.Timer(0.5, finished.set).start()
    snapshot = services.dashboard_for(filters)
    other.join(30)
    # then: the request used the other process's result, it did not compute a second time
    assert computations == [filters.key()]
    assert snapshot.pk == MetricSnapshot.objects.get().pk


def test_recompute_now_says_when_one_is_already_running(
    client_as: Any, manager: Any, computations: list[str]
) -> None:
    filters = Filters.default()
    _old_snapshot(filters)
    computations.clear()
    claim = job_claim(
        services.dashboard_refresh_name(filters), lease=LEASE, by="other-process", due_only=False
    )
    assert claim is not None
    page = client_as(manager).post(reverse("analytics:refresh"), follow=True).content.decode()
    assert "The numbers are already being recomputed." in page
    assert computations == []
    job_finish(claim)
