"""The half-way state of a two-step log-in: the password was right, the code is still to come.

The session holds who is half-way and since when; Django's own log-in happens only after the code, so a
user with two-factor log-in is never "logged in" with the password alone."""

from __future__ import annotations

import time
from typing import Any

from django.contrib.auth import get_user_model
from django.http import HttpRequest

PENDING_KEY = "pelatis_2fa_pending"
# How long the code step waits after the password.
PENDING_SECONDS = 10 * 60


def pending_start(request: HttpRequest, user: Any, backend: str) -> None:
    """Remember that ``user`` gave the right password in this session (a new session key: no fixation)."""
    request.session.cycle_key()
    request.session[PENDING_KEY] = {"uid": user.pk, "backend": backend, "at": int(time.time())}


def pending_user(request: HttpRequest) -> Any | None:
    """The user half-way through logging in, or None (nobody, or the code step waited too long)."""
    pending = request.session.get(PENDING_KEY)
    if not isinstance(pending, dict) or int(time.time()) - int(pending.get("at", 0)) > PENDING_SECONDS:
        return None
    user = get_user_model().objects.filter(pk=int(pending.get("uid") or 0), is_active=True).first()
    if user is not None:
        user.backend = str(pending.get("backend") or "")
    return user


def pending_clear(request: HttpRequest) -> None:
    """Forget the half-way state."""
    request.session.pop(PENDING_KEY, None)
