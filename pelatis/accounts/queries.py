"""Reads for staff access: who must use two-factor log-in, a user's sessions and tokens."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db.models import QuerySet
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from pelatis.core.business import is_admin

from .models import ApiToken, UserSession

if TYPE_CHECKING:
    from django.contrib.auth.models import User

POLICIES = ("none", "admins", "all")


def two_factor_policy() -> str:
    """``PELATIS_2FA_REQUIRED``, read at request time: "none", "admins" (the default) or "all"."""
    policy = str(getattr(settings, "PELATIS_2FA_REQUIRED", "admins")).strip().lower()
    if policy not in POLICIES:
        raise ImproperlyConfigured(
            f"PELATIS_2FA_REQUIRED must be one of {', '.join(POLICIES)}, not {policy!r}"
        )
    return policy


def two_factor_required(user: Any) -> bool:
    """Whether ``user`` may not work without a two-factor device, under the current policy."""
    policy = two_factor_policy()
    if policy == "none" or not getattr(user, "is_authenticated", False):
        return False
    return policy == "all" or is_admin(user)


def two_factor_enabled(user: Any) -> bool:
    """Whether ``user`` has a confirmed authenticator app (recovery codes alone do not count)."""
    return bool(TOTPDevice.objects.filter(user_id=user.pk, confirmed=True).exists())


def totp_device_of(user: Any) -> TOTPDevice | None:
    """The user's confirmed authenticator device, if any."""
    device: TOTPDevice | None = TOTPDevice.objects.filter(user_id=user.pk, confirmed=True).first()
    return device


def recovery_codes_left(user: Any) -> int:
    """How many unused recovery codes ``user`` has."""
    return int(StaticToken.objects.filter(device__user_id=user.pk, device__confirmed=True).count())


def sessions_of(user: User) -> QuerySet[UserSession]:
    """The user's signed-in browsers that have not gone idle, most recent first."""
    idle = dt.timedelta(minutes=settings.PELATIS_SESSION_IDLE_MINUTES)
    return UserSession.objects.filter(user=user, last_seen__gt=timezone.now() - idle)


def tokens_of(user: User) -> QuerySet[ApiToken]:
    """The user's API tokens, newest first (revoked and expired ones too: the page says which)."""
    return ApiToken.objects.filter(user=user)
