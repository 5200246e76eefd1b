"""Staff sessions: the idle timeout, the list of a user's sessions (recorded at log-in, touched at most
once a minute), ending one or all of them, the password change, API tokens on the account page, and the
audit trail of it all."""

from __future__ import annotations

import datetime as dt
import re
import time
from typing import Any

import pytest
from django.contrib.sessions.models import Session
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from pelatis.accounts.middleware import SEEN_KEY
from pelatis.accounts.models import ApiToken, UserSession
from pelatis.accounts.services import token_authenticate, token_create
from pelatis.core.models import AuditEvent

pytestmark = pytest.mark.django_db
PASSWORD = "s3cret-pass"
BROWSER = "Mozilla/5.0 (X11; Linux x86_64) Chrome/131.0"


@pytest.fixture(autouse=True)
def _no_two_factor(settings: Any) -> None:
    settings.PELATIS_2FA_REQUIRED = "none"  # two-factor log-in has its own tests


def _log_in(username: str, *, address: str = "127.0.0.1") -> Client:
    client = Client(REMOTE_ADDR=address, HTTP_USER_AGENT=BROWSER)
    response = client.post("/login/", {"username": username, "password": PASSWORD})
    assert response.status_code == 302
    return client


def _age_session(client: Client, seconds: int) -> None:
    session = client.session
    session[SEEN_KEY] = int(time.time()) - seconds
    session.save()


def test_a_session_idle_longer_than_the_limit_ends(agent: Any, settings: Any) -> None:
    settings.PELATIS_SESSION_IDLE_MINUTES = 30
    client = _log_in("agent")
    assert client.get("/customers/").status_code == 200
    _age_session(client, 29 * 60)
    assert client.get("/customers/").status_code == 200  # 29 minutes idle: still in
    _age_session(client, 31 * 60)
    response = client.get("/customers/?q=x")
    assert response.status_code == 302
    assert response["Location"] == "/login/?next=/customers/%3Fq%3Dx"
    assert "_auth_user_id" not in client.session
    assert not UserSession.objects.filter(user=agent).exists()


def test_a_log_in_is_recorded_with_address_and_browser_and_audited(agent: Any) -> None:
    client = _log_in("agent", address="10.1.2.3")
    row = UserSession.objects.get(user=agent)
    assert row.session_key == client.session.session_key
    assert row.ip == "10.1.2.3"
    assert row.user_agent == BROWSER
    event = AuditEvent.objects.get(action="login")
    assert event.actor == agent
    assert event.ip == "10.1.2.3"
    assert event.detail == ""
    page = client.get("/account/").content.decode()
    assert "10.1.2.3" in page
    assert "This browser" in page


def test_last_seen_is_written_at_most_once_a_minute(agent: Any) -> None:
    client = _log_in("agent")
    client.get("/customers/")
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/customers/").status_code == 200
    writes = [q["sql"] for q in queries.captured_queries if "accounts_usersession" in q["sql"]]
    assert writes == []
    UserSession.objects.filter(user=agent).update(last_seen=timezone.now() - dt.timedelta(minutes=5))
    _age_session(client, 61)
    client.get("/customers/")
    assert UserSession.objects.get(user=agent).last_seen > timezone.now() - dt.timedelta(minutes=1)


def test_log_out_everywhere_ends_every_session_of_the_user_only(agent: Any, manager: Any) -> None:
    office = _log_in("agent", address="10.0.0.1")
    home = _log_in("agent", address="10.0.0.2")
    colleague = _log_in("manager")
    assert UserSession.objects.filter(user=agent).count() == 2
    assert home.get("/account/sessions/end-all/").status_code == 405  # a GET changes nothing

    response = home.post("/account/sessions/end-all/")
    assert response.status_code == 302
    assert response["Location"] == "/login/"
    for client in (office, home):
        assert client.get("/customers/").status_code == 302
    assert colleague.get("/customers/").status_code == 200
    assert not UserSession.objects.filter(user=agent).exists()
    assert not Session.objects.filter(session_key__in=[office.session.session_key]).exists()
    assert AuditEvent.objects.filter(action="security", actor=agent, detail="logged out everywhere").exists()


def test_ending_one_other_session(agent: Any, manager: Any) -> None:
    office = _log_in("agent", address="10.0.0.1")
    home = _log_in("agent", address="10.0.0.2")
    other = UserSession.objects.get(user=agent, ip="10.0.0.1")
    assert home.post(f"/account/sessions/{other.pk}/end/").status_code == 302
    assert office.get("/customers/").status_code == 302
    assert home.get("/customers/").status_code == 200
    # someone else's session is not yours to end
    colleague = _log_in("manager")
    theirs = UserSession.objects.get(user=manager)
    home.post(f"/account/sessions/{theirs.pk}/end/")
    assert colleague.get("/customers/").status_code == 200


def test_password_change_uses_the_validators_and_ends_other_sessions(agent: Any) -> None:
    office = _log_in("agent")
    home = _log_in("agent")
    weak = home.post(
        "/account/password/",
        {"old_password": PASSWORD, "new_password1": "12345678", "new_password2": "12345678"},
    )
    assert weak.status_code == 422
    assert 'data-error-for="new_password2"' in weak.content.decode()
    agent.refresh_from_db()
    assert agent.check_password(PASSWORD)

    strong = "Καλοκαίρι στη Σαντορίνη 2027"
    done = home.post(
        "/account/password/", {"old_password": PASSWORD, "new_password1": strong, "new_password2": strong}
    )
    assert done.status_code == 302
    agent.refresh_from_db()
    assert agent.check_password(strong)
    assert home.get("/customers/").status_code == 200
    assert office.get("/customers/").status_code == 302
    assert AuditEvent.objects.filter(action="security", detail="password changed").count() == 1
    # this browser is still listed, under its new session key
    assert list(UserSession.objects.filter(user=agent).values_list("session_key", flat=True)) == [
        home.session.session_key
    ]


def test_an_admin_creates_a_token_seen_once_and_revokes_it(admin_user_: Any) -> None:
    client = _log_in(admin_user_.username)
    response = client.post("/account/tokens/", {"name": "e-shop", "scope": "write", "expires_days": "30"})
    assert response.status_code == 200
    secret = re.search(r"data-token-secret>(pel_[^<]+)<", response.content.decode())
    assert secret is not None
    token = token_authenticate(secret.group(1))
    assert token is not None
    assert token.scope == "write"
    assert token.expires_at is not None
    assert dt.timedelta(days=29) < token.expires_at - timezone.now() <= dt.timedelta(days=30)
    listing = client.get("/account/tokens/").content.decode()
    assert secret.group(1) not in listing  # shown once
    assert f"pel_{token.prefix}" in listing
    assert f"pel_{token.prefix}" in client.get("/account/").content.decode()

    assert client.get(f"/account/tokens/{token.pk}/revoke/").status_code == 405
    assert client.post(f"/account/tokens/{token.pk}/revoke/").status_code == 302
    assert token_authenticate(secret.group(1)) is None
    details = set(AuditEvent.objects.filter(action="security").values_list("detail", flat=True))
    assert details == {f"API token {token.prefix} created", f"API token {token.prefix} revoked"}


def test_a_wrong_expiry_is_named_and_nothing_is_issued(admin_user_: Any) -> None:
    client = _log_in(admin_user_.username)
    response = client.post("/account/tokens/", {"name": "x", "scope": "write", "expires_days": "0"})
    assert response.status_code == 422
    assert 'data-error-for="expires_days"' in response.content.decode()
    assert not ApiToken.objects.exists()


def test_an_agent_cannot_issue_tokens_or_revoke_anothers(agent: Any, admin_user_: Any) -> None:
    theirs = token_create(user=admin_user_, scope="admin")
    client = _log_in("agent")
    client.post("/account/tokens/", {"name": "mine", "scope": "read"})
    assert not ApiToken.objects.filter(user=agent).exists()
    assert client.post(f"/account/tokens/{theirs.token.pk}/revoke/").status_code == 404
    assert token_authenticate(theirs.secret) is not None


def test_account_pages_need_a_log_in(db: None) -> None:
    for path in ("/account/", "/account/tokens/", "/account/password/", "/account/two-factor/"):
        response = Client().get(path)
        assert response.status_code == 302
        assert response["Location"].startswith("/login/")


def test_an_admin_revokes_any_token_from_the_admin(admin_user_: Any, agent: Any) -> None:
    issued = token_create(user=agent, scope="write")
    type(admin_user_).objects.filter(pk=admin_user_.pk).update(is_staff=True)
    client = _log_in(admin_user_.username)
    listing = client.get("/admin/accounts/apitoken/").content.decode()
    assert issued.token.prefix in listing
    assert issued.secret not in listing
    response = client.post(
        "/admin/accounts/apitoken/", {"action": "revoke", "_selected_action": [issued.token.pk]}, follow=True
    )
    assert "1 token revoked." in response.content.decode()
    assert token_authenticate(issued.secret) is None
    assert AuditEvent.objects.filter(
        action="security", actor=admin_user_, detail=f"API token {issued.token.prefix} revoked"
    ).exists()
    assert client.get(f"/admin/accounts/apitoken/{issued.token.pk}/delete/").status_code == 403
