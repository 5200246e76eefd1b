"""API token scopes over every operation of the API: a read token never writes, a write token does all
an agent may but not what only managers and admins may, an expired or revoked token is 401, and the
last use is recorded at most once a minute.

The operations come from the OpenAPI schema and the valid request bodies from tests/test_api_roles.py,
so a new write operation is checked here the day it is added."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from pelatis.accounts.models import ApiToken
from pelatis.accounts.services import token_create, token_revoke
from tests.fixtures import ApiClient
from tests.test_api_roles import REQUESTS, World, _call, _user_for, _writes, role_table, schema_operations
from tests.test_api_roles import world as world  # noqa: PLC0414 — the fixture, re-exported for these tests

OPERATIONS = sorted(schema_operations())
WRITES = [op for op in OPERATIONS if not op.startswith("GET ")]
# The operations only managers and admins may call (docs/api-roles.md): a write token may not.
ADMIN_SCOPE = sorted(
    op for op, row in role_table().items() if row["manager"] and not row["agent"] and not row["read-only"]
)


def test_the_request_table_covers_every_write_operation_of_the_published_schema(db: None) -> None:
    schema = Client().get("/api/v1/openapi.json").json()
    published = {f"{method.upper()} {path}" for path, item in schema["paths"].items() for method in item}
    writes = {op for op in published if not op.startswith("GET ")}
    assert writes == set(WRITES)
    assert {op for op in writes if op not in REQUESTS and not op.startswith("DELETE ")} == set()
    assert ADMIN_SCOPE, "the role table lists operations for managers and admins only"
    assert set(ADMIN_SCOPE) <= writes  # reading is never kept from a write token


@pytest.mark.parametrize("operation", WRITES)
def test_a_read_token_of_an_admin_cannot_write(operation: str, world: World) -> None:
    client = ApiClient(token_create(user=_user_for("admin"), scope="read").secret)
    response, written = _writes(client, operation, world)
    assert response.status_code == 403, (response.status_code, response.content[:300])
    assert "read-only" in response.json()["detail"][0]["msg"]
    assert written == [], "a read token wrote to the database"


@pytest.mark.parametrize("operation", OPERATIONS)
def test_a_write_token_of_an_admin_does_all_but_the_admin_operations(operation: str, world: World) -> None:
    client = ApiClient(token_create(user=_user_for("admin"), scope="write").secret)
    response, written = _writes(client, operation, world)
    if operation in ADMIN_SCOPE:
        assert response.status_code == 403, (response.status_code, response.content[:300])
        assert written == [], "a write token did what only the admin scope may"
    else:
        assert 200 <= response.status_code < 300, (response.status_code, response.content[:300])


@pytest.mark.parametrize("operation", ADMIN_SCOPE)
def test_an_admin_token_of_an_admin_does_the_admin_operations(operation: str, world: World) -> None:
    client = ApiClient(token_create(user=_user_for("admin"), scope="admin").secret)
    response = _call(client, operation, world)
    assert 200 <= response.status_code < 300, (response.status_code, response.content[:300])


def test_a_write_token_of_a_superuser_is_narrowed_too(world: World) -> None:
    boss = _user_for("no role")
    type(boss).objects.filter(pk=boss.pk).update(is_superuser=True)
    boss.refresh_from_db()
    client = ApiClient(token_create(user=boss, scope="write").secret)
    response, written = _writes(client, "POST /api/v1/customers/{customer_id}/merge", world)
    assert response.status_code == 403
    assert written == []
    assert _call(client, "POST /api/v1/customers", world).status_code in (200, 201)


def test_an_admin_scope_never_exceeds_the_role(world: World) -> None:
    client = ApiClient(token_create(user=_user_for("agent"), scope="admin").secret)
    response, written = _writes(client, "POST /api/v1/customers/{customer_id}/merge", world)
    assert response.status_code == 403
    assert written == []


def test_an_expired_token_is_401_and_a_revoked_one_too(world: World) -> None:
    issued = token_create(
        user=_user_for("admin"), scope="admin", expires_at=timezone.now() + dt.timedelta(days=1)
    )
    client = ApiClient(issued.secret)
    assert client.get("/api/v1/customers").status_code == 200
    ApiToken.objects.filter(pk=issued.token.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    expired = client.get("/api/v1/customers")
    assert expired.status_code == 401
    assert expired["WWW-Authenticate"] == "Bearer"
    other = token_create(user=_user_for("manager"), scope="admin")
    token_revoke(token=other.token)
    assert ApiClient(other.secret).get("/api/v1/customers").status_code == 401


def test_last_use_is_recorded_at_most_once_a_minute(world: World) -> None:
    issued = token_create(user=_user_for("admin"), scope="read")
    client = ApiClient(issued.secret)
    assert client.get("/api/v1/customers").status_code == 200
    token = ApiToken.objects.get(pk=issued.token.pk)
    assert token.last_used_at is not None
    assert token.last_used_ip == "127.0.0.1"
    first = token.last_used_at

    with CaptureQueriesContext(connection) as queries:
        assert client.get("/api/v1/customers").status_code == 200
    assert not [q for q in queries.captured_queries if "accounts_apitoken" in q["sql"] and _is_write(q)]
    assert ApiToken.objects.get(pk=token.pk).last_used_at == first

    ApiToken.objects.filter(pk=token.pk).update(last_used_at=first - dt.timedelta(minutes=2))
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/api/v1/customers", **{"limit": 1}).status_code == 200
    updates = [q for q in queries.captured_queries if "accounts_apitoken" in q["sql"] and _is_write(q)]
    assert len(updates) == 1
    later = ApiToken.objects.get(pk=token.pk).last_used_at
    assert later is not None
    assert later > first


def _is_write(query: dict[str, Any]) -> bool:
    return str(query["sql"]).lstrip().upper().startswith(("UPDATE", "INSERT", "DELETE"))


def test_token_create_names_the_wrong_field(db: None, agent: Any) -> None:
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as refused:
        token_create(user=agent, scope="everything", expires_at=timezone.now() - dt.timedelta(days=1))
    assert set(refused.value.message_dict) == {"scope", "expires_at"}
    assert not ApiToken.objects.filter(user=agent).exists()
