"""Staff sessions end after a spell of inactivity (``PELATIS_SESSION_IDLE_MINUTES``)."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse

SEEN_KEY = "pelatis_seen"
# The last-seen time is written at most this often, so a busy page does not save the session on
# every request.
SEEN_RESOLUTION_SECONDS = 60


class SessionIdleMiddleware:
    """Logs out a signed-in user whose previous request is older than the idle limit."""

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
            if not isinstance(seen, int) or now - seen >= SEEN_RESOLUTION_SECONDS:
                request.session[SEEN_KEY] = now
        return self.get_response(request)
