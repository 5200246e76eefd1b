"""Two-factor log-in: an authenticator app (TOTP, django-otp) confirmed with a first code, ten recovery
codes each good once, and their removal by the user or an administrator. Every change is audited."""

from __future__ import annotations

import time
from binascii import unhexlify
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django_otp.models import Device
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice, default_key

from pelatis.core.audit import audit_record

if TYPE_CHECKING:
    from django.contrib.auth.models import User

RECOVERY_CODES = 10
TOTP_NAME = "Authenticator app"
RECOVERY_NAME = "Recovery codes"


def totp_key_new() -> str:
    """A fresh secret for an authenticator app (hex, 160 bits); nothing is stored until it is confirmed."""
    return str(default_key())


def _code_digits(code: str) -> str:
    return "".join(code.split())


def totp_matches(key_hex: str, code: str, *, min_t: int | None = None) -> int | None:
    """The time step at which ``code`` is valid for ``key_hex`` (one step of clock drift allowed), or None."""
    digits = _code_digits(code)
    if not (digits.isdigit() and len(digits) == 6):
        return None
    totp = TOTP(unhexlify(key_hex.encode()), step=30, t0=0, digits=6, drift=0)
    totp.time = time.time()
    if not totp.verify(int(digits), tolerance=1, min_t=min_t):
        return None
    return int(totp.t())


def two_factor_enable(
    *, user: User, key_hex: str, code: str, request: HttpRequest | None = None
) -> list[str]:
    """Turn on two-factor log-in with the app holding ``key_hex``, proven by a first ``code``.

    Replaces any earlier device and issues fresh recovery codes, which are returned (shown once)."""
    matched = totp_matches(key_hex, code)
    if matched is None:
        raise ValidationError({"code": [_("That code is not right. Enter the 6 digits the app shows now.")]})
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        TOTPDevice.objects.create(user=user, name=TOTP_NAME, key=key_hex, confirmed=True, last_t=matched)
        codes = _recovery_codes_issue(user)
        audit_record("security", request=request, actor=user, detail="two-factor log-in enabled")
    return codes


def recovery_codes_regenerate(*, user: User, request: HttpRequest | None = None) -> list[str]:
    """Replace the user's recovery codes with ten new ones (the old ones stop working); returns them."""
    with transaction.atomic():
        codes = _recovery_codes_issue(user)
        audit_record("security", request=request, actor=user, detail="recovery codes regenerated")
    return codes


def _recovery_codes_issue(user: User) -> list[str]:
    device, _created = StaticDevice.objects.get_or_create(
        user=user, name=RECOVERY_NAME, defaults={"confirmed": True}
    )
    device.token_set.all().delete()
    codes = [str(StaticToken.random_token()) for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=c) for c in codes])
    return codes


def two_factor_disable(
    *, user: User, request: HttpRequest | None = None, by: Any = None, reset: bool = False
) -> int:
    """Remove the user's authenticator and recovery codes; returns how many devices were removed.

    ``reset``: an administrator (``by``, None on the command line) does it for a user who lost the phone."""
    with transaction.atomic():
        removed = TOTPDevice.objects.filter(user=user).delete()[0]
        removed += StaticDevice.objects.filter(user=user).delete()[0]
        if reset:
            detail = f"two-factor log-in reset for user #{user.pk}"
            audit_record("security", request=request, actor=by, detail=detail)
        else:
            audit_record("security", request=request, actor=user, detail="two-factor log-in disabled")
    return int(removed)


def two_factor_verify(*, user: User, code: str) -> Device | None:
    """The device that accepts ``code`` for ``user`` (six digits: the app; otherwise a recovery code, which
    is used up), or None. Each device's own throttling applies (django-otp): after a wrong code the next
    one is accepted only after a growing delay."""
    digits = _code_digits(code)
    with transaction.atomic():
        if digits.isdigit() and len(digits) == 6:
            devices: list[Device] = list(
                TOTPDevice.objects.select_for_update().filter(user=user, confirmed=True)
            )
            candidate = digits
        else:
            devices = list(StaticDevice.objects.select_for_update().filter(user=user, confirmed=True))
            candidate = digits.lower()
        for device in devices:
            if device.verify_token(candidate):
                return device
    return None
