"""What an API token's scope lets it do, on top of its user's role (a token never exceeds the role).

- ``read``: only GET, HEAD and OPTIONS; any other method is refused with 403 before the operation runs.
- ``write``: every operation the agent or read-only role could call. The permissions that only the
  manager and admin roles hold (merging customers, removing contact points, adjusting points, saving
  segments, managing tokens, …) are withheld, so exactly the operations docs/api-roles.md marks as
  "managers and admins only" answer 403, and no new operation needs a list of its own here.
- ``admin``: everything the user's role allows.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from .models import Scope
from .roles import AGENT, READ_ONLY

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
WRITE_SCOPE_PERMISSIONS = frozenset(AGENT.permissions) | frozenset(READ_ONLY.permissions)


def scope_refusal(scope: str, method: str) -> str | None:
    """The reason a ``scope`` token may not use ``method`` at all, or None."""
    if scope == Scope.READ and method.upper() not in SAFE_METHODS:
        return "This token is read-only (scope 'read'): it may only read. Use a token with the 'write' scope."
    return None


def scope_limit(user: Any, scope: str) -> Any:
    """``user`` with its permissions narrowed to what ``scope`` allows (the same object, for this request)."""
    if scope != Scope.WRITE:
        return user
    allowed = user.get_all_permissions() if not user.is_superuser else set(WRITE_SCOPE_PERMISSIONS)
    allowed = frozenset(p for p in allowed if p in WRITE_SCOPE_PERMISSIONS)
    # Every permission check of the API goes through has_perm/has_perms; a superuser's blanket
    # "yes" is narrowed too.
    user.has_perm = partial(_has_perm, user, allowed)
    user.has_perms = partial(_has_perms, user, allowed)
    return user


def _has_perm(user: Any, allowed: frozenset[str], perm: str, obj: Any = None) -> bool:
    return bool(user.is_active and perm in allowed)


def _has_perms(user: Any, allowed: frozenset[str], perm_list: Any, obj: Any = None) -> bool:
    return all(_has_perm(user, allowed, p) for p in perm_list)
