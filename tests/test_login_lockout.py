"""Log-in throttling: after PELATIS_LOGIN_FAILURE_LIMIT (5) wrong passwords a username is locked at that
address for the cool-off, on the staff log-in and the admin log-in alike; the attempts are in the
database (so every server process sees them) and an administrator can unlock from the admin."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone

pytestmark = pytest.mark.django_db
LOGIN = "/login/"
ADMIN_LOGIN = "/admin/login/"


def _fail(client: Client, path: str, username: str, times: int) -> list[int]:
    return [
        client.post(path, {"username": username, "password": "wrong-guess"}).status_code for _ in range(times)
    ]


def _logged_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def test_five_wrong_passwords_lock_the_staff_login_even_for_the_right_password(agent: Any) -> None:
    client = Client()
    assert _fail(client, LOGIN, "agent", 4) == [200] * 4  # the form again, with its error
    # the fifth failure locks; the right password is refused while the lock lasts
    assert _fail(client, LOGIN, "agent", 1) == [429]
    response = client.post(LOGIN, {"username": "agent", "password": "s3cret-pass"})
    assert response.status_code == 429
    assert not _logged_in(client)
    page = response.content.decode()
    assert "Too many failed log-in attempts" in page
    assert "paused for 15 minutes" in page
    assert 'class="login-page"' in page  # the product's own page, not a bare text
    # the attempts are rows in the database, which every process reads
    assert AccessAttempt.objects.get(username="agent").failures_since_start >= 5


def test_the_lockout_page_speaks_greek_to_a_greek_business(agent: Any, settings: Any) -> None:
    settings.LANGUAGE_CODE = "el"
    client = Client()
    _fail(client, LOGIN, "agent", 5)
    response = client.post(LOGIN, {"username": "agent", "password": "s3cret-pass"})
    assert response.status_code == 429
    assert "Πάρα πολλές αποτυχημένες προσπάθειες σύνδεσης" in response.content.decode()


def test_a_lock_holds_one_username_at_one_address_not_everybody(agent: Any, manager: Any) -> None:
    client = Client()
    _fail(client, LOGIN, "agent", 5)
    # a colleague at the same address still logs in; the agent from another address too
    assert client.post(LOGIN, {"username": "manager", "password": "s3cret-pass"}).status_code == 302
    elsewhere = Client(REMOTE_ADDR="192.0.2.44")
    assert elsewhere.post(LOGIN, {"username": "agent", "password": "s3cret-pass"}).status_code == 302


def test_the_admin_login_is_locked_the_same_way(admin_user_: Any) -> None:
    admin_user_.is_staff = admin_user_.is_superuser = True
    admin_user_.save()
    client = Client()
    assert _fail(client, ADMIN_LOGIN, admin_user_.username, 5)[-1] == 429
    response = client.post(ADMIN_LOGIN, {"username": admin_user_.username, "password": "s3cret-pass"})
    assert response.status_code == 429
    assert "Too many failed log-in attempts" in response.content.decode()
    assert not _logged_in(client)


def test_the_lock_ends_after_the_cool_off(agent: Any) -> None:
    client = Client()
    _fail(client, LOGIN, "agent", 5)
    AccessAttempt.objects.update(attempt_time=timezone.now() - dt.timedelta(minutes=16))  # 15 minutes passed
    assert client.post(LOGIN, {"username": "agent", "password": "s3cret-pass"}).status_code == 302
    assert _logged_in(client)


def test_an_administrator_unlocks_from_the_admin(agent: Any) -> None:
    locked_out = Client()
    _fail(locked_out, LOGIN, "agent", 5)
    boss = get_user_model().objects.create_superuser("boss", "boss@example.com", "boss-pass-123")
    admin = Client()
    admin.force_login(boss)
    listing = admin.get("/admin/axes/accessattempt/")
    assert listing.status_code == 200
    assert "agent" in listing.content.decode()
    attempt = AccessAttempt.objects.get(username="agent")
    response = admin.post(
        "/admin/axes/accessattempt/", {"action": "unlock", "_selected_action": [attempt.pk]}, follow=True
    )
    assert "1 log-in unlocked." in response.content.decode()
    assert not AccessAttempt.objects.filter(username="agent").exists()
    assert locked_out.post(LOGIN, {"username": "agent", "password": "s3cret-pass"}).status_code == 302


def test_a_success_before_the_limit_starts_the_count_again(agent: Any) -> None:
    client = Client()
    _fail(client, LOGIN, "agent", 4)
    assert client.post(LOGIN, {"username": "agent", "password": "s3cret-pass"}).status_code == 302
    client.logout()
    assert _fail(client, LOGIN, "agent", 4) == [200] * 4  # not locked: the count restarted


def test_api_tokens_and_sessions_made_in_tests_still_work(agent: Any, api_as: Any, client_as: Any) -> None:
    assert api_as(agent).get("/api/v1/customers").status_code == 200
    assert client_as(agent).get("/customers/").status_code == 200
