"""Log-in and log-out receivers: Django sends these from every log-in path (the staff log-in, the admin
site, the test client), so the session list and the audit trail see them all."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from pelatis.core.audit import audit_record

from .queries import two_factor_enabled
from .services.sessions import session_forget, session_record


def on_logged_in(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    if request is None or not hasattr(request, "session"):
        return
    if getattr(user, "otp_device", None) is None and two_factor_enabled(user):
        # A password-only log-in of a user with two-factor log-in (the admin site's form): not a log-in
        # yet; the middleware sends it to the code step, and that records it.
        return
    if request.session.session_key is None:
        request.session.save()
    session_record(
        user=user,
        session_key=str(request.session.session_key),
        ip=request.META.get("REMOTE_ADDR"),
        user_agent=request.META.get("HTTP_USER_AGENT", ""),
    )
    audit_record("login", request=request, actor=user)


def on_logged_out(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    key = getattr(getattr(request, "session", None), "session_key", None)
    if key:
        session_forget(session_key=key)
