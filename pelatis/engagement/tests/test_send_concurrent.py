"""message_send at the same moment on separate PostgreSQL connections: one key sends one email however
many callers race for it, and the weekly cap is never overshot by messages racing for its last slot."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection, connections

from ..models import Send
from ..services.sending import message_send
from .test_send import customer, message_template, opted_in

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent connections need PostgreSQL"),
    pytest.mark.django_db(transaction=True),
]


def _together(calls: list[Callable[[], Send]]) -> list[str]:
    """Run the calls at once, each in its own thread and connection; each one's outcome."""
    start = threading.Barrier(len(calls), timeout=20)
    outcomes: list[str] = []
    guard = threading.Lock()

    def run(call: Callable[[], Send]) -> None:
        try:
            start.wait()
            outcome = call().status
        except Exception as exc:  # anything else is a failure the test must show
            outcome = f"error: {exc!r}"
        finally:
            connections.close_all()
        with guard:
            outcomes.append(outcome)

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), "a sender hung"
    return outcomes


def test_racing_callers_of_one_key_send_one_email(smtp_server: Any) -> None:
    giorgos = opted_in(customer())
    chosen = message_template()

    outcomes = _together(
        [
            lambda: message_send(key="race:1", customer_id=giorgos.pk, template=chosen, channel="email")
            for _ in range(6)
        ]
    )

    assert not [o for o in outcomes if o.startswith("error")], outcomes
    assert len(smtp_server.messages) == 1
    assert Send.objects.filter(key="race:1").count() == 1
    assert Send.objects.get(key="race:1").status == Send.Status.SENT


def test_racing_messages_never_overshoot_the_weekly_cap(smtp_server: Any, settings: Any) -> None:
    settings.PELATIS_ENGAGEMENT_MAX_PER_WEEK = 2
    giorgos = opted_in(customer())
    chosen = message_template()

    def sender(n: int) -> Callable[[], Send]:
        return lambda: message_send(
            key=f"race:cap:{n}", customer_id=giorgos.pk, template=chosen, channel="email"
        )

    outcomes = _together([sender(n) for n in range(6)])

    assert sorted(outcomes) == ["sent"] * 2 + ["skipped"] * 4
    assert len(smtp_server.messages) == 2
