from __future__ import annotations

import io
from typing import Any

from django.contrib.auth.models import Group
from django.core.management import call_command

from pelatis.accounts.models import ApiToken
from pelatis.accounts.services import token_authenticate, token_create, token_revoke


def test_token_is_stored_hashed_and_revocable(agent: Any) -> None:
    issued = token_create(user=agent, name="shop")
    stored = ApiToken.objects.get(pk=issued.token.pk)
    assert issued.secret not in (stored.digest, stored.prefix)
    found = token_authenticate(issued.secret)
    assert found is not None
    assert found.user == agent
    assert token_authenticate(issued.secret + "x") is None
    token_revoke(token=stored)
    assert token_authenticate(issued.secret) is None


def test_cli_prints_the_token_alone_on_its_last_line(agent: Any) -> None:
    out = io.StringIO()
    call_command("token", "create", "agent", stdout=out, stderr=io.StringIO())
    last = out.getvalue().strip().splitlines()[-1]
    assert last.startswith("pel_")
    assert " " not in last
    found = token_authenticate(last)
    assert found is not None
    assert found.user == agent


def test_roles_exist_with_their_permissions(db: None) -> None:
    perms = {g.name: set(g.permissions.values_list("codename", flat=True)) for g in Group.objects.all()}
    assert {"admin", "manager", "agent", "read-only"} <= set(perms)
    assert "merge_customer" in perms["manager"]
    assert "merge_customer" not in perms["agent"]
    assert perms["read-only"] == {p for p in perms["read-only"] if p.startswith("view_")}
    assert "change_customer" in perms["agent"]
