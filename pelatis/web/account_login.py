"""The staff log-in in two steps: the password, then (for a user with an authenticator app) a code from
the app or a recovery code. django-axes counts a wrong code as a failed log-in, so five wrong passwords
or codes lock the username at that address for the cool-off, and each code step is rate limited too."""

from __future__ import annotations

from axes.handlers.proxy import AxesProxyHandler
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import REDIRECT_FIELD_NAME, login
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.signals import user_login_failed
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods
from django_otp.plugins.otp_static.models import StaticDevice

from pelatis.accounts.lockout import lockout_response
from pelatis.accounts.login_flow import pending_clear, pending_start, pending_user
from pelatis.accounts.queries import recovery_codes_left, two_factor_enabled, two_factor_required
from pelatis.accounts.services.two_factor import two_factor_verify
from pelatis.core.ratelimit import over_limit

# Code attempts per half-logged-in user in ten minutes, whatever the address (axes counts per address).
CODE_ATTEMPTS = 10
CODE_WINDOW = 10 * 60


class CodeForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Code"),
        max_length=24,
        help_text=gettext_lazy("The 6 digits your authenticator app shows, or one of your recovery codes."),
    )


def _next(request: HttpRequest) -> str:
    target = request.POST.get(REDIRECT_FIELD_NAME) or request.GET.get(REDIRECT_FIELD_NAME) or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return resolve_url(settings.LOGIN_REDIRECT_URL)  # a path, also in the code step's ?next=


@sensitive_post_parameters()
@csrf_protect
@never_cache
@require_http_methods(["GET", "POST"])
def login_view(request: HttpRequest) -> HttpResponse:
    """Step one: the password. A user with an authenticator app goes on to the code step without being
    logged in; a user who must set one up is logged in and sent to the set-up page."""
    if request.user.is_authenticated:
        return redirect(_next(request))
    form = AuthenticationForm(request, data=request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.get_user()
        if two_factor_enabled(user):
            pending_start(request, user, str(getattr(user, "backend", "")))
            return redirect(_with_next("account:login_code", _next(request)))
        login(request, user)
        if two_factor_required(user):
            return redirect("account:two_factor_setup")
        return redirect(_next(request))
    return render(request, "web/login.html", {"form": form, "next": _next(request)})


def _with_next(name: str, target: str) -> str:
    return reverse(name) + "?" + urlencode({REDIRECT_FIELD_NAME: target})


@sensitive_post_parameters()
@csrf_protect
@never_cache
@require_http_methods(["GET", "POST"])
def login_code_view(request: HttpRequest) -> HttpResponse:
    """Step two: a code from the app or a recovery code; a wrong one counts as a failed log-in."""
    user = pending_user(request)
    if user is None:
        messages.info(request, _("Log in with your password first."))
        return redirect("login")
    credentials = {"username": user.get_username()}
    if AxesProxyHandler.is_locked(request, credentials):
        return lockout_response(request)
    form = CodeForm(request.POST or None)
    context = {"form": form, "next": _next(request)}
    if request.method != "POST":
        return render(request, "web/two_factor/code.html", context)
    if over_limit(f"otp-code:{user.pk}", limit=CODE_ATTEMPTS, window=CODE_WINDOW):
        form.is_valid()
        form.add_error("code", _("Too many codes were tried. Wait a few minutes and try again."))
        return render(request, "web/two_factor/code.html", context, status=429)
    device = two_factor_verify(user=user, code=form.data.get("code", "")) if form.is_valid() else None
    if device is None:
        # django-axes counts this like a wrong password (and locks out after the limit).
        user_login_failed.send(sender=__name__, credentials=credentials, request=request)
        if getattr(request, "axes_locked_out", False):
            return lockout_response(request)
        form.add_error(
            "code",
            _("That code is not right. Codes change every 30 seconds: enter the one the app shows now."),
        )
        return render(request, "web/two_factor/code.html", context, status=422)
    pending_clear(request)
    user.otp_device = device  # django-otp marks the session verified on log-in
    login(request, user, backend=user.backend)
    if isinstance(device, StaticDevice):
        left = recovery_codes_left(user)
        messages.warning(
            request,
            _(
                "You used a recovery code; %(left)d are left. Make new ones on your account page if you run low."
            )
            % {"left": left},
        )
    return redirect(_next(request))
