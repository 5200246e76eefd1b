"""Two-factor log-in on the user's account page: set up an authenticator app (QR code or the secret typed
in, confirmed with a first code), recovery codes (shown once, made anew on demand), turning it off."""

from __future__ import annotations

import base64
import io
from base64 import b32encode
from binascii import unhexlify
from typing import Any

import segno
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from pelatis.accounts.middleware import two_factor_state_forget
from pelatis.accounts.queries import recovery_codes_left, totp_device_of, two_factor_required
from pelatis.accounts.services.sessions import sessions_end
from pelatis.accounts.services.two_factor import (
    recovery_codes_regenerate,
    totp_key_new,
    two_factor_disable,
    two_factor_enable,
)
from pelatis.core.http import request_user

SETUP_KEY = "pelatis_2fa_setup_key"


class ConfirmForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Code from the app"), max_length=12, help_text=gettext_lazy("6 digits")
    )


class PasswordConfirmForm(forms.Form):
    password = forms.CharField(label=gettext_lazy("Your password"), widget=forms.PasswordInput)


def _verified(request: HttpRequest) -> bool:
    """Whether this session passed the code step (django-otp's middleware adds is_verified)."""
    return bool(getattr(request.user, "is_verified", lambda: False)())


def _qr_data_uri(url: str) -> str:
    buffer = io.BytesIO()
    segno.make(url, error="m").save(buffer, kind="svg", scale=5, border=2, xmldecl=False)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def _setup_context(request: HttpRequest, form: ConfirmForm) -> dict[str, Any]:
    key = request.session.get(SETUP_KEY)
    if not isinstance(key, str):
        # Only the session holds the new secret until the first code confirms it.
        key = totp_key_new()
        request.session[SETUP_KEY] = key
    device = TOTPDevice(user=request_user(request), key=key)
    secret = b32encode(unhexlify(key.encode())).decode("ascii")
    return {
        "form": form,
        "qr": _qr_data_uri(device.config_url),
        "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
        "required": two_factor_required(request.user),
    }


@sensitive_post_parameters()
@never_cache
@require_http_methods(["GET", "POST"])
@login_required
def two_factor_setup_view(request: HttpRequest) -> HttpResponse:
    """The set-up page, or (when it is on) its state: recovery codes left, new codes, turning it off.
    ``?new`` sets up a new phone in place of the old one (from a verified session only)."""
    device = totp_device_of(request.user)
    if device is not None and not _verified(request):
        # Only a session verified with the current device may replace it (the middleware sends any
        # other to the code step; this holds even without it).
        raise PermissionDenied
    if device is not None and request.method == "GET" and "new" not in request.GET:
        return render(
            request,
            "web/two_factor/manage.html",
            {
                "codes_left": recovery_codes_left(request.user),
                "required": two_factor_required(request.user),
                "form": PasswordConfirmForm(),
            },
        )
    form = ConfirmForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        key = request.session.get(SETUP_KEY)
        try:
            codes = two_factor_enable(
                user=request_user(request),
                key_hex=str(key or ""),
                code=form.cleaned_data["code"],
                request=request,
            )
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                for error in errors:
                    form.add_error(field if field in form.fields else None, error)
        else:
            request.session.pop(SETUP_KEY, None)
            otp_login(request, totp_device_of(request.user))
            two_factor_state_forget(request)
            ended = sessions_end(user=request_user(request), keep=request.session.session_key)
            return render(
                request, "web/two_factor/recovery_codes.html", {"codes": codes, "first": True, "ended": ended}
            )
    status = 422 if request.method == "POST" else 200
    return render(request, "web/two_factor/setup.html", _setup_context(request, form), status=status)


@never_cache
@require_POST
@login_required
def recovery_codes_view(request: HttpRequest) -> HttpResponse:
    """Ten new recovery codes (the old ones stop working), shown once."""
    if totp_device_of(request.user) is None:
        return redirect("account:two_factor_setup")
    if not _verified(request):
        raise PermissionDenied
    codes = recovery_codes_regenerate(user=request_user(request), request=request)
    return render(request, "web/two_factor/recovery_codes.html", {"codes": codes, "first": False})


@sensitive_post_parameters()
@require_POST
@login_required
def two_factor_disable_view(request: HttpRequest) -> HttpResponse:
    """Turn two-factor log-in off, with the password; refused when the policy requires it."""
    if two_factor_required(request.user):
        messages.error(request, _("Two-factor log-in is required for your account; it cannot be turned off."))
        return redirect("account:two_factor_setup")
    form = PasswordConfirmForm(request.POST)
    if not form.is_valid() or not request.user.check_password(form.cleaned_data["password"]):
        messages.error(request, _("That password is not right; two-factor log-in is still on."))
        return redirect("account:two_factor_setup")
    two_factor_disable(user=request_user(request), request=request)
    two_factor_state_forget(request)
    sessions_end(user=request_user(request), keep=request.session.session_key)
    messages.success(request, _("Two-factor log-in is off. Your other sessions were logged out."))
    return redirect("account:profile")
