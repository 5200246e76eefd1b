"""Managers hear of an overdue request once, by a real email (SMTP on loopback): a second run sends
nothing, a closed or not yet due request is not mentioned, a failed send is tried again next run, and a
claim left by a crashed sender is taken over only after its lease."""

from __future__ import annotations

import datetime as dt
import socket
from typing import Any

from django.utils import timezone

from pelatis.customers.models import Customer
from pelatis.privacy.dsr.overdue import CLAIM_LEASE, job_privacy_overdue, requests_overdue_notify
from pelatis.privacy.dsr.services import request_close, request_file
from pelatis.privacy.models import DataRequest
from pelatis.privacy.tests.test_requests import MANAGER_PERMISSIONS, grant


def _late(customer: Customer, days: int = 40) -> DataRequest:
    return request_file(
        customer_id=customer.pk,
        kind="access",
        channel="email",
        received_at=timezone.now() - dt.timedelta(days=days),
    )


def test_each_overdue_request_is_emailed_to_the_managers_once(
    smtp_server: Any, papadopoulos: Customer, manager: Any, agent: Any
) -> None:
    handler = grant(manager, *MANAGER_PERMISSIONS)
    late = _late(papadopoulos)
    _late(papadopoulos, days=10)  # not due yet
    closed = _late(papadopoulos, days=50)
    request_close(request=closed, status="done", outcome="Στάλθηκε.", actor=handler)

    assert requests_overdue_notify() == 1
    assert requests_overdue_notify() == 0
    assert job_privacy_overdue() == "0 overdue requests notified, 0 extension notices"

    (message,) = smtp_server.messages
    assert message["To"] == handler.email  # the agent (no permission to handle) is not told
    assert f"#{late.pk}" in message["Subject"]
    body = message.get_content()
    assert f"/privacy/requests/{late.pk}/" in body
    assert "g.papadopoulos@example.gr" not in body
    assert "Παπαδόπουλος" not in body
    late.refresh_from_db()
    assert late.overdue_notified_at is not None


def test_a_failed_send_is_tried_again_on_the_next_run(
    settings: Any, smtp_server: Any, papadopoulos: Customer, manager: Any
) -> None:
    grant(manager, *MANAGER_PERMISSIONS)
    late = _late(papadopoulos)
    port = settings.EMAIL_PORT
    with socket.socket() as s:  # a port nobody listens on: the SMTP server is "down"
        s.bind(("127.0.0.1", 0))
        settings.EMAIL_PORT = s.getsockname()[1]
    assert requests_overdue_notify() == 0
    late.refresh_from_db()
    assert late.overdue_claimed_at is None
    assert late.overdue_notified_at is None

    settings.EMAIL_PORT = port
    assert requests_overdue_notify() == 1
    assert len(smtp_server.messages) == 1


def test_a_claim_left_by_a_crashed_sender_waits_for_its_lease(
    smtp_server: Any, papadopoulos: Customer, manager: Any
) -> None:
    grant(manager, *MANAGER_PERMISSIONS)
    late = _late(papadopoulos)
    now = timezone.now()
    DataRequest.objects.filter(pk=late.pk).update(overdue_claimed_at=now - dt.timedelta(minutes=1))
    assert requests_overdue_notify(now) == 0  # another worker may be sending it right now
    assert not smtp_server.messages
    DataRequest.objects.filter(pk=late.pk).update(
        overdue_claimed_at=now - CLAIM_LEASE - dt.timedelta(minutes=1)
    )
    assert requests_overdue_notify(now) == 1
    assert len(smtp_server.messages) == 1
