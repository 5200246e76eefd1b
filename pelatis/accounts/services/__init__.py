"""Writes for staff access: tokens, roles and log-in lock-outs (two-factor: ``two_factor``; signed-in
sessions: ``sessions``)."""

from __future__ import annotations

import datetime as dt
import hashlib
import ipaddress
import secrets
from dataclasses import dataclass
from typing import TYPE_CHECKING

from axes.models import AccessAttempt
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import ApiToken, Scope
from ..roles import ROLES

if TYPE_CHECKING:
    from django.contrib.auth.models import User

TOKEN_PREFIX = "pel_"  # noqa: S105 — the public marker every token starts with, not a secret
# last_used_at and last_used_ip are written at most this often per token: reads stay reads.
TOKEN_TOUCH_SECONDS = 60


def _digest(secret: str) -> str:
    # Tokens carry 256 random bits, so a fast hash is as good as a slow one
    # here and keeps every API request cheap.
    return hashlib.sha256(secret.encode()).hexdigest()


@dataclass(frozen=True)
class IssuedToken:
    token: ApiToken
    secret: str  # shown once, never stored


@transaction.atomic
def token_create(
    *, user: User, name: str = "", scope: str = Scope.READ, expires_at: dt.datetime | None = None
) -> IssuedToken:
    """Issue a new token for ``user``; the clear secret is returned only here."""
    errors: dict[str, list[str]] = {}
    if scope not in Scope.values:
        errors["scope"] = [_("Choose read, write or admin.")]
    if expires_at is not None and expires_at <= timezone.now():
        errors["expires_at"] = [_("The expiry must be in the future.")]
    if len(name) > 80:
        errors["name"] = [_("At most 80 characters.")]
    if errors:
        raise ValidationError(errors)
    prefix = secrets.token_hex(4)
    while ApiToken.objects.filter(prefix=prefix).exists():
        prefix = secrets.token_hex(4)
    secret = f"{TOKEN_PREFIX}{prefix}_{secrets.token_urlsafe(32)}"
    token = ApiToken.objects.create(
        user=user, name=name, prefix=prefix, digest=_digest(secret), scope=scope, expires_at=expires_at
    )
    return IssuedToken(token=token, secret=secret)


def token_revoke(*, token: ApiToken) -> bool:
    """Revoke a token; requests with it are refused from now on. False when it was already revoked."""
    return bool(
        ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())
    )


def token_authenticate(secret: str, *, ip: str | None = None) -> ApiToken | None:
    """The active, unexpired token matching ``secret``, or None. Constant-time digest comparison."""
    if not secret.startswith(TOKEN_PREFIX):
        return None
    prefix = secret[len(TOKEN_PREFIX) :].split("_", 1)[0]
    now = timezone.now()
    token = (
        ApiToken.objects.select_related("user")
        .filter(prefix=prefix, revoked_at__isnull=True)
        .filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now))
        .first()
    )
    if token is None or not token.user.is_active:
        return None
    if not secrets.compare_digest(token.digest, _digest(secret)):
        return None
    stale = now - dt.timedelta(seconds=TOKEN_TOUCH_SECONDS)
    if token.last_used_at is None or token.last_used_at < stale:
        # One conditional UPDATE: of several processes using the token in the same minute, one writes.
        ApiToken.objects.filter(pk=token.pk).filter(
            Q(last_used_at__isnull=True) | Q(last_used_at__lt=stale)
        ).update(last_used_at=now, last_used_ip=_address(ip))
    return token


def _address(raw: str | None) -> str | None:
    try:
        return str(ipaddress.ip_address(raw or ""))
    except ValueError:
        return None


def roles_sync(*, using: str = "default") -> None:
    """Create or update the four role groups with their permissions."""
    from django.contrib.auth.models import Permission

    with transaction.atomic(using=using):
        wanted = {p for role in ROLES for p in role.permissions}
        found = {
            f"{app}.{code}": pk
            for pk, app, code in Permission.objects.using(using).values_list(
                "pk", "content_type__app_label", "codename"
            )
            if f"{app}.{code}" in wanted
        }
        for role in ROLES:
            group, _created = Group.objects.using(using).get_or_create(name=role.group)
            group.permissions.set([found[p] for p in role.permissions if p in found])


@transaction.atomic
def user_set_role(*, user: User, role: str) -> None:
    """Put ``user`` in exactly one role group."""
    names = {r.group for r in ROLES}
    if role not in names:
        raise ValueError(f"unknown role {role!r}; choose one of {', '.join(sorted(names))}")
    roles_sync()
    user.groups.remove(*Group.objects.filter(name__in=names))
    user.groups.add(Group.objects.get(name=role))


@transaction.atomic
def login_unlock(*, attempts: QuerySet[AccessAttempt]) -> int:
    """Forget these failed log-in attempts, lifting their lock-out at once; returns how many were locked out."""
    from django.conf import settings

    locked = attempts.filter(failures_since_start__gte=settings.AXES_FAILURE_LIMIT).count()
    attempts.delete()
    return locked
