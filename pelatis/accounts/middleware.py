"""Staff sessions: they end after a spell of inactivity (``PELATIS_SESSION_IDLE_MINUTES``), are noted in
``UserSession`` (so a user can see and end them), and pass the two-factor gate:

- a user with an authenticator app whose session is not verified (a password-only log-in, e.g. through
  the admin site's form) is not logged in: the session goes back to the code step;
- a user who must use two-factor log-in (``PELATIS_2FA_REQUIRED``) but has no device yet can only reach
  the set-up page (and log out) until it is done.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.http import urlencode

from .login_flow import pending_start
from .queries import two_factor_enabled, two_factor_required
from .services.sessions import session_touch

SEEN_KEY = "pelatis_seen"
# Whether the user has a device and must have one, as of the last look (refreshed with SEEN_KEY).
TWO_FACTOR_KEY = "pelatis_2fa"
# The last-seen time is written at most this often, so a busy page does not save the session on
# every request.
SEEN_RESOLUTION_SECONDS = 60
# Paths open to a session that has not passed the gate: assets, the API (token-authenticated), the
# language switch, health checks; and, for a user still to set up a device, the set-up and log-out.
_ALWAYS_OPEN = ("/static/", "/api/", "/i18n/", "/healthz", "/readyz", "/metrics")
_SETUP_URL_NAMES = ("account:two_factor_setup", "logout")


class SessionIdleMiddleware:
    """Logs out a signed-in user whose previous request is older than the idle limit; the two-factor gate."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = int(time.time())
            seen = request.session.get(SEEN_KEY)
            idle = settings.PELATIS_SESSION_IDLE_MINUTES * 60
            if isinstance(seen, int) and now - seen > idle:
                logout(request)
                if request.path.startswith("/api/"):
                    return self.get_response(request)
                return redirect_to_login(request.get_full_path())
            state = request.session.get(TWO_FACTOR_KEY)
            if (
                not isinstance(seen, int)
                or now - seen >= SEEN_RESOLUTION_SECONDS
                or not isinstance(state, list)
            ):
                request.session[SEEN_KEY] = now
                state = [two_factor_enabled(user), two_factor_required(user)]
                request.session[TWO_FACTOR_KEY] = state
                if request.session.session_key:
                    session_touch(
                        user=user,
                        session_key=request.session.session_key,
                        ip=request.META.get("REMOTE_ADDR"),
                        user_agent=request.META.get("HTTP_USER_AGENT", ""),
                    )
            gate = _two_factor_gate(request, user, enabled=bool(state[0]), required=bool(state[1]))
            if gate is not None:
                return gate
        return self.get_response(request)


def two_factor_state_forget(request: HttpRequest) -> None:
    """Look again on the next request (after this session's user set up or removed a device)."""
    request.session.pop(TWO_FACTOR_KEY, None)


def _two_factor_gate(
    request: HttpRequest, user: Any, *, enabled: bool, required: bool
) -> HttpResponse | None:
    if not (enabled or required) or _always_open(request.path) or user.is_verified():
        return None
    if enabled:
        if request.path == reverse("logout"):
            return None
        # Logged in with the password alone: back to the half-way state, then the code step. Nothing
        # else is open to this session, the set-up page included (it would replace the device).
        backend = request.session.get(BACKEND_SESSION_KEY, settings.AUTHENTICATION_BACKENDS[-1])
        logout(request)
        pending_start(request, user, backend)
        target = reverse("account:login_code")
        if request.method == "GET":
            target += "?" + urlencode({"next": request.get_full_path()})
        return HttpResponseRedirect(target)
    if any(request.path == reverse(name) for name in _SETUP_URL_NAMES):
        return None
    return HttpResponseRedirect(reverse("account:two_factor_setup"))


def _always_open(path: str) -> bool:
    static = settings.STATIC_URL if settings.STATIC_URL.startswith("/") else "/" + settings.STATIC_URL
    return path.startswith((*_ALWAYS_OPEN, static))
