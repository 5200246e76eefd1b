"""The requester is told of an extension with its reason (GDPR art. 12(3)), by a real email (SMTP on
loopback), in their language and form of address: once per new deadline, never for a closed request, and
a notice whose task was lost goes with the worker's next run."""

from __future__ import annotations

import datetime as dt
import socket
from typing import Any

from django.urls import reverse
from django.utils import timezone

from pelatis.customers.models import Customer
from pelatis.privacy.dsr.notices import extension_notice_send
from pelatis.privacy.dsr.overdue import job_privacy_overdue
from pelatis.privacy.dsr.services import request_close, request_extend, request_file
from pelatis.privacy.models import DataRequest
from pelatis.privacy.tests.test_requests import MANAGER_PERMISSIONS, grant

REASON = "Τα δεδομένα σας βρίσκονται σε τρία συστήματα."


def _filed(customer: Customer, **fields: Any) -> DataRequest:
    return request_file(
        customer_id=customer.pk,
        kind="access",
        channel="email",
        received_at=timezone.now() - dt.timedelta(days=10),
        **fields,
    )


def test_extending_from_the_page_tells_the_requester_once(
    client: Any, smtp_server: Any, papadopoulos: Customer, manager: Any
) -> None:
    handler = grant(manager, *MANAGER_PERMISSIONS)
    filed = _filed(papadopoulos, requester_email="giorgos.home@example.gr")
    until = (timezone.localtime(filed.due_at) + dt.timedelta(days=20)).date()
    client.force_login(handler)

    response = client.post(
        reverse("privacy:request_action", args=[filed.pk, "extend"]),
        {"until": until.isoformat(), "reason": REASON},
    )

    assert response.status_code == 302
    (message,) = smtp_server.messages
    assert message["To"] == "giorgos.home@example.gr"  # the address the request came from
    body = message.get_content()
    assert body.startswith("Αγαπητέ κύριε Παπαδόπουλε,")
    assert REASON in body
    assert f"{filed.pk}" in str(message["Subject"])
    assert job_privacy_overdue().endswith("0 extension notices")  # told already
    assert len(smtp_server.messages) == 1


def test_a_later_extension_is_told_again_and_a_closed_request_is_not(
    smtp_server: Any, papadopoulos: Customer, manager: Any
) -> None:
    filed = _filed(papadopoulos)  # no requester address: the customer's own
    request_extend(request=filed, until=filed.due_at + dt.timedelta(days=10), reason=REASON, actor=manager)
    assert extension_notice_send(filed.pk) is True
    assert extension_notice_send(filed.pk) is False
    request_extend(request=filed, until=filed.due_at + dt.timedelta(days=30), reason=REASON, actor=manager)
    assert job_privacy_overdue().endswith("1 extension notices")  # the task was "lost": the job sends it
    assert [m["To"] for m in smtp_server.messages] == ["g.papadopoulos@example.gr"] * 2

    other = _filed(papadopoulos)
    request_extend(request=other, until=other.due_at + dt.timedelta(days=5), reason=REASON, actor=manager)
    request_close(request=other, status="refused", outcome="Δεν υπάρχουν δεδομένα.", actor=manager)
    assert extension_notice_send(other.pk) is False
    assert len(smtp_server.messages) == 2


def test_a_failed_send_gives_the_notice_back(
    settings: Any, smtp_server: Any, papadopoulos: Customer, manager: Any
) -> None:
    filed = _filed(papadopoulos)
    request_extend(request=filed, until=filed.due_at + dt.timedelta(days=10), reason=REASON, actor=manager)
    port = settings.EMAIL_PORT
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        settings.EMAIL_PORT = s.getsockname()[1]
    assert extension_notice_send(filed.pk) is False
    filed.refresh_from_db()
    assert (filed.extension_notice_claimed_at, filed.extension_noticed_until) == (None, None)
    settings.EMAIL_PORT = port
    assert extension_notice_send(filed.pk) is True
    assert len(smtp_server.messages) == 1
