"""Two clicks at the same moment on separate connections (a mail client's one-click POST and the
customer's own button): PostgreSQL's row lock on the customer makes the second find the first's record,
so exactly one withdrawal is recorded."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import connection, connections

from pelatis.customers.models import Customer
from pelatis.privacy.models import ConsentRecord
from pelatis.privacy.queries import consent_allows, consent_q
from pelatis.privacy.services import consent_record

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="row locks are PostgreSQL's; CI runs it there"
    ),
    pytest.mark.django_db(transaction=True),
]


def test_simultaneous_withdrawals_record_once(papadopoulos: Customer) -> None:
    consent_record(customer=papadopoulos, purpose="marketing", channel="email", granted=True, source="form")
    attempts = 6
    start = threading.Barrier(attempts, timeout=20)
    failures: list[BaseException] = []

    def click() -> None:
        try:
            start.wait()
            consent_record(
                customer=papadopoulos, purpose="marketing", channel="email", granted=False, source="link"
            )
        except BaseException as exc:  # noqa: BLE001 — reported by the assertion below
            failures.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=click) for _ in range(attempts)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert failures == []
    assert ConsentRecord.objects.filter(customer=papadopoulos, granted=False).count() == 1
    assert consent_allows(papadopoulos.pk, "marketing", "email") is False


def test_consent_q_on_postgresql_uses_the_latest_record(papadopoulos: Any, make_customer: Any) -> None:
    other = make_customer(first_name="Άννα", last_name="Ρήγα")
    for granted in (True, False, True):
        consent_record(customer=other, purpose="marketing", channel="sms", granted=granted, source="api")
    consent_record(customer=papadopoulos, purpose="marketing", channel="sms", granted=False, source="api")
    allowed = set(Customer.objects.filter(consent_q("marketing", "sms")).values_list("pk", flat=True))
    assert allowed == {other.pk}
