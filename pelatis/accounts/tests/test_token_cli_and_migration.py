from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from pelatis.accounts.models import ApiToken
from pelatis.accounts.services import token_authenticate
from pelatis.core.models import AuditEvent


def _create(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("token", "create", *args, stdout=out, stderr=err)
    return out.getvalue().strip().splitlines()[-1], err.getvalue()


def test_cli_issues_a_read_token_unless_told(agent: Any) -> None:
    secret, note = _create("agent")
    token = token_authenticate(secret)
    assert token is not None
    assert token.scope == "read"
    assert token.expires_at is None
    assert "(read)" in note


def test_cli_takes_a_scope_and_an_expiry_in_days(agent: Any) -> None:
    secret, note = _create("agent", "--scope", "write", "--expires", "30", "--name", "e-shop")
    token = token_authenticate(secret)
    assert token is not None
    assert (token.scope, token.name) == ("write", "e-shop")
    assert token.expires_at is not None
    assert dt.timedelta(days=29) < token.expires_at - timezone.now() <= dt.timedelta(days=30)
    out = io.StringIO()
    call_command("token", "list", "agent", stdout=out)
    assert f"{token.prefix}  e-shop  write" in out.getvalue()
    assert "never used" not in out.getvalue()  # authenticating used it
    call_command("token", "revoke", token.prefix, stdout=out)
    assert token_authenticate(secret) is None
    details = set(AuditEvent.objects.filter(action="security").values_list("detail", flat=True))
    assert details == {
        f"API token {token.prefix} created (command line)",
        f"API token {token.prefix} revoked (command line)",
    }


def test_cli_refuses_a_non_positive_expiry(agent: Any) -> None:
    with pytest.raises(CommandError, match="--expires"):
        _create("agent", "--expires", "0")
    assert not ApiToken.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_tokens_issued_before_scopes_keep_working(django_user_model: Any) -> None:
    """Migration 0003: admin scope for admins (superusers or the admin role), write for everybody else."""
    executor = MigrationExecutor(connection)
    before = [("accounts", "0002_verbose_names")]
    after = [("accounts", "0003_staff_security_token_scopes_sessions")]
    executor.migrate(before)
    old = executor.loader.project_state(before).apps
    user_model = old.get_model("auth", "User")
    group_model = old.get_model("auth", "Group")
    token_model = old.get_model("accounts", "ApiToken")
    boss = user_model.objects.create(username="boss", is_superuser=True)
    role_admin = user_model.objects.create(username="role-admin")
    role_admin.groups.add(group_model.objects.get_or_create(name="admin")[0])
    agent = user_model.objects.create(username="agent")
    for i, user in enumerate((boss, role_admin, agent)):
        token_model.objects.create(user=user, prefix=f"p{i}", digest="x" * 64)

    executor = MigrationExecutor(connection)
    executor.migrate(after)
    scopes = dict(ApiToken.objects.values_list("user__username", "scope"))
    assert scopes == {"boss": "admin", "role-admin": "admin", "agent": "write"}
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
