"""The read replica: with PELATIS_DATABASE_REPLICA_URL set, the dashboard, the customer export and segment
counts read from it, and nothing is ever written there.

The replica here is a second database that holds a copy of the primary taken at one moment (SQLite: a second
file made with SQLite's backup API; PostgreSQL: a second database made from the first as a template), as a
streaming replica would hold it; rows written to the primary afterwards are not on it, so a number that
leaves them out was read from the replica.

Django's test case refuses to open a connection to a database that was not configured when the test
started; the replica is configured by the test, so its connection is opened explicitly (``connect()``)."""

from __future__ import annotations

import copy
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.db import connections, transaction
from django.test import Client
from django.utils import timezone

from pelatis.accounts.services import user_set_role
from pelatis.analytics.metrics.base import Filters
from pelatis.analytics.models import MetricSnapshot
from pelatis.analytics.services import dashboard_refresh
from pelatis.core.dbrouter import REPLICA, replica_alias, replica_reads
from pelatis.customers.exporting import customer_count, customer_rows
from pelatis.customers.inputs import CustomerInput, OrderInput, OrderLineInput
from pelatis.customers.models import Customer
from pelatis.customers.services import customer_create, order_create
from pelatis.engagement.segments import segment_count, segment_counts

pytestmark = pytest.mark.django_db(transaction=True)

EVERYONE = {"op": "and", "rules": []}


def _copy_primary(replica_settings: dict[str, Any]) -> None:
    """The replica becomes a copy of the primary as it is now."""
    default = connections["default"]
    connections[REPLICA].close()
    if default.vendor == "sqlite":
        default.ensure_connection()
        target = sqlite3.connect(replica_settings["NAME"])
        try:
            default.connection.backup(target)
        finally:
            target.close()
    else:
        primary = default.settings_dict["NAME"]
        default.close()  # CREATE DATABASE … TEMPLATE needs the template without sessions
        with default._nodb_cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{replica_settings["NAME"]}"')
            cursor.execute(f'CREATE DATABASE "{replica_settings["NAME"]}" TEMPLATE "{primary}"')
    connections[REPLICA].connect()


@pytest.fixture
def replica(transactional_db: None, tmp_path: Path) -> Iterator[Callable[[], None]]:
    """A configured replica (as settings.py makes one from PELATIS_DATABASE_REPLICA_URL); call the returned
    function to bring it up to date with the primary."""
    default = connections["default"]
    replica_settings = copy.deepcopy(default.settings_dict)
    if default.vendor == "sqlite":
        replica_settings["NAME"] = str(tmp_path / "replica.sqlite3")
    else:
        replica_settings["NAME"] = f"{default.settings_dict['NAME']}_replica"
    django_settings.DATABASES[REPLICA] = replica_settings
    connections.settings[REPLICA] = replica_settings
    _copy_primary(replica_settings)
    try:
        yield lambda: _copy_primary(replica_settings)
    finally:
        connections[REPLICA].close()
        del connections[REPLICA]
        django_settings.DATABASES.pop(REPLICA, None)
        connections.settings.pop(REPLICA, None)
        if default.vendor != "sqlite":
            with default._nodb_cursor() as cursor:
                cursor.execute(f'DROP DATABASE IF EXISTS "{replica_settings["NAME"]}"')


def _user(username: str, role: str) -> Any:
    user = get_user_model().objects.create_user(username=username, password="s3cret-pass")
    user_set_role(user=user, role=role)
    return get_user_model().objects.get(pk=user.pk)


def _customer(first: str, email: str) -> Customer:
    return customer_create(
        data=CustomerInput(
            first_name=first,
            last_name="Παπαδοπούλου",
            emails=[email],
        )
    )


def _order(customer: Customer, reference: str, price: str) -> None:
    order_create(
        customer=customer,
        data=OrderInput(
            reference=reference,
            placed_at=timezone.now(),
            lines=[OrderLineInput(name="Σουίτα", unit_price=price)],
        ),
    )


def _on_replica(model: Any, **lookup: Any) -> bool:
    return bool(model.objects.using(REPLICA).filter(**lookup).exists())


def test_without_a_replica_everything_reads_the_primary() -> None:
    with replica_reads():
        assert replica_alias() == "default"
    _customer("Ελένη", "eleni@example.gr")
    assert segment_count(EVERYONE) == 1


def test_segment_counts_read_the_replica(replica: Callable[[], None]) -> None:
    _customer("Ελένη", "eleni@example.gr")
    _customer("Μαρία", "maria@example.gr")
    replica()
    _customer("Σοφία", "sofia@example.gr")  # on the primary only: the replica has not caught up yet
    assert Customer.objects.count() == 3
    assert segment_count(EVERYONE) == 2
    assert segment_counts({1: EVERYONE}) == {1: 2}
    replica()
    assert segment_count(EVERYONE) == 3


def test_the_customer_export_reads_the_replica(replica: Callable[[], None]) -> None:
    eleni = _customer("Ελένη", "eleni@example.gr")
    replica()
    _customer("Σοφία", "sofia@example.gr")
    assert customer_count(None) == 1
    rows = list(customer_rows(None))
    assert len(rows) == 1
    assert "eleni@example.gr" in rows[0]  # its contact points come from the replica's copy too
    # the page's download: the rows stream after the view has returned, still from the replica
    client = Client()
    client.force_login(_user("manager", "manager"))
    response = client.get("/customers/export.csv?format=machine")
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8-sig")  # type: ignore[attr-defined]  # a streamed CSV
    assert "eleni@example.gr" in text
    assert "sofia@example.gr" not in text
    assert eleni.pk in {c.pk for c in Customer.objects.using(REPLICA).all()}


def test_the_dashboard_reads_the_replica_and_keeps_its_numbers_on_the_primary(
    replica: Callable[[], None],
) -> None:
    eleni = _customer("Ελένη", "eleni@example.gr")
    _order(eleni, "R-1", "100.00")
    replica()
    _order(eleni, "R-2", "50.00")  # not on the replica yet
    snapshot = dashboard_refresh(Filters.default())
    assert snapshot.data["commerce"]["orders"] == 1
    assert float(snapshot.data["commerce"]["revenue"]) == pytest.approx(100.0)
    # the kept numbers are a write: the primary has them, the replica never does
    assert MetricSnapshot.objects.using("default").filter(pk=snapshot.pk).exists()
    assert not _on_replica(MetricSnapshot, pk=snapshot.pk)


def test_writes_inside_replica_reads_go_to_the_primary(replica: Callable[[], None]) -> None:
    with replica_reads():
        sofia = _customer("Σοφία", "sofia@example.gr")
        assert replica_alias() == REPLICA
    assert Customer.objects.using("default").filter(pk=sofia.pk).exists()
    assert not _on_replica(Customer, pk=sofia.pk)


def test_a_transaction_on_the_primary_reads_its_own_writes(replica: Callable[[], None]) -> None:
    with transaction.atomic():
        _customer("Σοφία", "sofia@example.gr")
        with replica_reads():
            assert replica_alias() == "default"
            assert segment_count(EVERYONE) == 1  # what this transaction wrote, not the replica's zero


def test_the_cache_table_stays_on_the_primary(replica: Callable[[], None]) -> None:
    if "DatabaseCache" not in django_settings.CACHES["default"]["BACKEND"]:
        pytest.skip("the cache is not in the database here")
    from django.core.cache import cache

    cache.set("ops:replica", "fresh", 60)
    with replica_reads():
        assert cache.get("ops:replica") == "fresh"  # the replica's copy has no such entry
