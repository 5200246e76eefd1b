"""The audit log is append-only in the database: bulk updates and deletes, which bypass the model's
``save``/``delete``, are refused by triggers on SQLite and PostgreSQL alike."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction

from pelatis.core.audit import audit_record
from pelatis.core.models import AuditEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff() -> Any:
    return get_user_model().objects.create_user(username="eleni", password="x")


@pytest.fixture
def entries(staff: Any) -> list[AuditEvent]:
    return [
        audit_record("view", actor=staff, customer_id=7),
        audit_record("change", actor=staff, customer_id=7, fields={"language": ("el", "en")}),
    ]


def _snapshot() -> list[tuple[Any, ...]]:
    return list(AuditEvent.objects.order_by("pk").values_list("pk", "action", "actor_id", "detail", "fields"))


def test_the_model_refuses_to_change_or_delete_an_entry(entries: list[AuditEvent]) -> None:
    entry = entries[0]
    entry.detail = "rewritten"
    with pytest.raises(PermissionError):
        entry.save()
    with pytest.raises(PermissionError):
        entry.delete()
    assert AuditEvent.objects.get(pk=entry.pk).detail == ""


def test_a_bulk_delete_is_refused_by_the_database(entries: list[AuditEvent]) -> None:
    before = _snapshot()
    with pytest.raises(IntegrityError), transaction.atomic():
        AuditEvent.objects.all().delete()
    with pytest.raises(IntegrityError), transaction.atomic():
        AuditEvent.objects.filter(pk=entries[0].pk).delete()
    assert _snapshot() == before


def test_a_bulk_update_is_refused_by_the_database(entries: list[AuditEvent]) -> None:
    before = _snapshot()
    with pytest.raises(IntegrityError), transaction.atomic():
        AuditEvent.objects.all().update(detail="rewritten")
    with pytest.raises(IntegrityError), transaction.atomic():
        AuditEvent.objects.filter(pk=entries[1].pk).update(customer_id=8)
    # Unlinking the user is allowed alone, never together with another change.
    with pytest.raises(IntegrityError), transaction.atomic():
        AuditEvent.objects.filter(pk=entries[1].pk).update(actor=None, action="view")
    assert _snapshot() == before


def test_raw_sql_cannot_delete_or_rewrite_an_entry(entries: list[AuditEvent]) -> None:
    table = AuditEvent._meta.db_table
    for sql in (f"DELETE FROM {table}", f"UPDATE {table} SET detail = 'x'", f"UPDATE {table} SET ip = NULL"):  # noqa: S608 — constant table name
        with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql)
    assert AuditEvent.objects.count() == 2


def test_deleting_a_staff_account_keeps_its_entries_and_name(staff: Any, entries: list[AuditEvent]) -> None:
    staff.delete()
    kept: list[tuple[Any, ...]] = list(
        AuditEvent.objects.order_by("pk").values_list("actor_id", "actor_name", "action")
    )
    assert kept == [(None, "eleni", "view"), (None, "eleni", "change")]


@pytest.mark.django_db(transaction=True)
def test_flush_still_empties_the_whole_database_and_the_triggers_stay(entries: list[AuditEvent]) -> None:
    # The test runner empties the database this way after each transactional test (this one too, with an
    # entry left in the log): on SQLite with DELETE FROM, which the triggers would otherwise refuse.
    call_command("flush", interactive=False, inhibit_post_migrate=True, verbosity=0)
    assert AuditEvent.objects.count() == 0
    audit_record("export", detail="audit log")
    with pytest.raises(IntegrityError), transaction.atomic():
        AuditEvent.objects.all().delete()
    assert AuditEvent.objects.count() == 1


# The admin's read-only pages (a superuser past two-factor log-in): tests/test_audit_tamper.py.
