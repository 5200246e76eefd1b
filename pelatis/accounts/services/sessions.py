"""Signed-in sessions: recorded at log-in, touched at most once a minute, ended one by one or all at once."""

from __future__ import annotations

import datetime as dt
import ipaddress
from importlib import import_module
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from ..models import UserSession

if TYPE_CHECKING:
    from django.contrib.auth.models import User

TOUCH_SECONDS = 60


def session_record(*, user: User, session_key: str, ip: str | None, user_agent: str) -> UserSession:
    """Note a new signed-in session of ``user`` (and forget the user's sessions that expired long ago)."""
    now = timezone.now()
    with transaction.atomic():
        UserSession.objects.filter(
            user=user, last_seen__lt=now - dt.timedelta(seconds=settings.SESSION_COOKIE_AGE)
        ).delete()
        row, _created = UserSession.objects.update_or_create(
            session_key=session_key,
            defaults={
                "user": user,
                "created": now,
                "last_seen": now,
                "ip": _address(ip),
                "user_agent": user_agent[:300],
            },
        )
    return row


def session_touch(*, user: User, session_key: str, ip: str | None, user_agent: str) -> None:
    """Mark the session as seen now (the caller calls at most once a minute); records it if it is new."""
    updated = UserSession.objects.filter(session_key=session_key, user=user).update(
        last_seen=timezone.now(), ip=_address(ip)
    )
    if not updated:
        session_record(user=user, session_key=session_key, ip=ip, user_agent=user_agent)


def session_rekey(*, old_key: str | None, new_key: str | None) -> None:
    """Follow a session whose key changed (Django cycles it when the password changes)."""
    if old_key and new_key and old_key != new_key:
        UserSession.objects.filter(session_key=old_key).update(session_key=new_key)


def session_forget(*, session_key: str) -> None:
    """Drop the record of a session that was logged out."""
    UserSession.objects.filter(session_key=session_key).delete()


def sessions_end(*, user: User, keep: str | None = None, session_id: int | None = None) -> int:
    """End the user's sessions (all, all but ``keep``, or the one ``session_id``); returns how many.

    The session store is cleared outside any transaction: it may be a cache on the network."""
    rows = UserSession.objects.filter(user=user)
    if keep is not None:
        rows = rows.exclude(session_key=keep)
    if session_id is not None:
        rows = rows.filter(pk=session_id)
    keys = list(rows.values_list("session_key", flat=True))
    store = import_module(settings.SESSION_ENGINE).SessionStore
    for key in keys:  # a user's own sessions: a handful
        store(session_key=key).delete()
    UserSession.objects.filter(session_key__in=keys).delete()
    return len(keys)


def _address(raw: str | None) -> str | None:
    try:
        return str(ipaddress.ip_address(raw or ""))
    except ValueError:
        return None
