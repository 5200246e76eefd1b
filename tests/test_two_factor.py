"""Two-factor log-in: set-up with a first code, the two-step log-in, recovery codes used once, the policy
(PELATIS_2FA_REQUIRED, read at request time), lock-out on wrong codes, and the reset by an administrator."""

from __future__ import annotations

import io
import re
import time
from binascii import unhexlify
from typing import Any

import pytest
from axes.models import AccessAttempt
from django.core.management import call_command
from django.test import Client
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from pelatis.accounts.models import UserSession
from pelatis.accounts.services.two_factor import totp_key_new, two_factor_enable
from pelatis.core.models import AuditEvent

pytestmark = pytest.mark.django_db
LOGIN = "/login/"
CODE = "/account/login/code/"
SETUP = "/account/two-factor/"
PASSWORD = "s3cret-pass"


def totp_code(key_hex: str, *, ahead: int = 0) -> str:
    """The code an authenticator app shows for ``key_hex`` now (``ahead`` steps later: a code not used yet)."""
    totp = TOTP(unhexlify(key_hex.encode()), step=30, t0=0, digits=6, drift=ahead)
    totp.time = time.time()
    return f"{totp.token():06d}"


def enable_two_factor(user: Any) -> tuple[str, list[str]]:
    """Turn on two-factor log-in for ``user`` through the service; returns the key and the recovery codes."""
    key = totp_key_new()
    return key, two_factor_enable(user=user, key_hex=key, code=totp_code(key))


def logged_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


@pytest.fixture
def policy(settings: Any) -> Any:
    def set_policy(value: str) -> None:
        settings.PELATIS_2FA_REQUIRED = value

    set_policy("admins")
    return set_policy


def test_an_admin_without_a_device_is_sent_to_set_up_and_can_do_nothing_else(
    admin_user_: Any, policy: Any
) -> None:
    client = Client()
    response = client.post(LOGIN, {"username": admin_user_.username, "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == SETUP
    for path in ("/customers/", "/tickets/", "/account/", "/account/tokens/", "/admin/"):
        blocked = client.get(path)
        assert blocked.status_code == 302, path
        assert blocked["Location"] == SETUP, path

    page = client.get(SETUP)
    assert page.status_code == 200
    html = page.content.decode()
    assert 'src="data:image/svg+xml;base64,' in html
    secret = re.search(r"data-two-factor-secret>([A-Z2-7 ]+)<", html)
    assert secret is not None
    key = client.session["pelatis_2fa_setup_key"]
    from base64 import b32encode

    assert secret.group(1).replace(" ", "") == b32encode(unhexlify(key)).decode()

    # a wrong first code turns nothing on
    wrong = client.post(SETUP, {"code": "000000" if totp_code(key) != "000000" else "111111"})
    assert wrong.status_code == 422
    assert not TOTPDevice.objects.filter(user=admin_user_).exists()

    done = client.post(SETUP, {"code": totp_code(key)})
    assert done.status_code == 200
    codes = re.findall(r"<li>([a-z2-7]{8})</li>", done.content.decode())
    assert len(codes) == 10
    assert TOTPDevice.objects.get(user=admin_user_).confirmed
    assert client.get("/customers/").status_code == 200
    assert AuditEvent.objects.filter(action="security", detail="two-factor log-in enabled").count() == 1
    # shown once: the account page tells how many are left, never the codes
    account = client.get(SETUP).content.decode()
    assert "10 unused recovery codes left" in account
    assert codes[0] not in account


def test_the_password_alone_does_not_log_in_a_user_with_a_device(agent: Any, policy: Any) -> None:
    key, _codes = enable_two_factor(agent)
    client = Client()
    response = client.post(LOGIN, {"username": "agent", "password": PASSWORD, "next": "/tickets/"})
    assert response.status_code == 302
    assert response["Location"].startswith(CODE)
    assert not logged_in(client)
    assert client.get("/customers/")["Location"].startswith("/login/")

    wrong = client.post(CODE, {"code": "12345x"})
    assert wrong.status_code == 422
    assert "That code is not right" in wrong.content.decode()
    assert not logged_in(client)
    assert AccessAttempt.objects.get(username="agent").failures_since_start == 1

    # django-otp's throttle wants a pause after a wrong code of the app; a wrong recovery-code-shaped
    # guess throttles only the recovery codes, so the app's code is checked at once
    right = client.post(CODE, {"code": totp_code(key, ahead=1), "next": "/tickets/"})
    assert right.status_code == 302
    assert right["Location"] == "/tickets/"
    assert logged_in(client)
    assert client.get("/customers/").status_code == 200
    assert AuditEvent.objects.filter(action="login", actor=agent).count() == 1
    assert UserSession.objects.filter(user=agent).count() == 1
    assert not AccessAttempt.objects.filter(username="agent").exists()  # reset on success


def test_a_recovery_code_works_once(agent: Any, policy: Any) -> None:
    _key, codes = enable_two_factor(agent)
    for expected in (302, 422):
        client = Client()
        client.post(LOGIN, {"username": "agent", "password": PASSWORD})
        response = client.post(CODE, {"code": codes[0].upper()})
        assert response.status_code == expected
        assert logged_in(client) is (expected == 302)
    assert StaticToken.objects.filter(device__user=agent).count() == 9


def test_wrong_codes_lock_the_log_in_like_wrong_passwords(agent: Any, policy: Any) -> None:
    _key, codes = enable_two_factor(agent)
    client = Client()
    client.post(LOGIN, {"username": "agent", "password": "wrong-guess"})
    client.post(LOGIN, {"username": "agent", "password": PASSWORD})
    statuses = [client.post(CODE, {"code": f"guess{i}xxxx"}).status_code for i in range(4)]
    assert statuses == [422, 422, 422, 429]  # the fifth failure (1 password + 4 codes) locks
    # even a right recovery code is refused while the lock lasts
    refused = client.post(CODE, {"code": codes[1]})
    assert refused.status_code == 429
    assert not logged_in(client)
    assert StaticToken.objects.filter(device__user=agent, token=codes[1]).exists()


def test_the_code_step_is_rate_limited_per_user(agent: Any, policy: Any, settings: Any) -> None:
    settings.AXES_FAILURE_LIMIT = 1000
    enable_two_factor(agent)
    client = Client()
    client.post(LOGIN, {"username": "agent", "password": PASSWORD})
    statuses = [client.post(CODE, {"code": f"guess{i:02d}xxx"}).status_code for i in range(11)]
    assert statuses == [422] * 10 + [429]


def staff(user: Any) -> Any:
    type(user).objects.filter(pk=user.pk).update(is_staff=True, is_superuser=True)
    user.refresh_from_db()
    return user


def test_the_admin_site_login_does_not_skip_the_code(admin_user_: Any, policy: Any) -> None:
    staff(admin_user_)
    key, _codes = enable_two_factor(admin_user_)
    client = Client()
    client.post("/admin/login/", {"username": admin_user_.username, "password": PASSWORD, "next": "/admin/"})
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith(CODE)
    assert not logged_in(client)
    assert not AuditEvent.objects.filter(action="login").exists()
    assert client.post(CODE, {"code": totp_code(key, ahead=1)}).status_code == 302
    assert client.get("/admin/").status_code == 200


def test_a_force_login_of_a_user_with_a_device_is_not_verified(agent: Any, policy: Any) -> None:
    key, _codes = enable_two_factor(agent)
    client = Client()
    client.force_login(agent)
    assert client.get("/customers/")["Location"].startswith(CODE)


def test_a_password_only_session_cannot_replace_the_device(agent: Any, policy: Any, settings: Any) -> None:
    key, _codes = enable_two_factor(agent)
    client = Client()
    client.force_login(agent)  # as the admin site's form would: the password only
    assert client.get(SETUP)["Location"].startswith(CODE)
    client.force_login(agent)
    new_key = "ab" * 20
    response = client.post(SETUP, {"code": totp_code(new_key)})
    assert response.status_code == 302
    assert response["Location"].startswith(CODE)
    assert TOTPDevice.objects.get(user=agent).key == key
    # and the view refuses on its own too, should the gate be missing
    settings.MIDDLEWARE = [m for m in settings.MIDDLEWARE if not m.endswith("SessionIdleMiddleware")]
    client = Client()
    client.force_login(agent)
    assert client.post(SETUP, {"code": totp_code(new_key)}).status_code == 403
    assert TOTPDevice.objects.get(user=agent).key == key


def test_policy_none_lets_an_admin_in_with_the_password(admin_user_: Any, policy: Any) -> None:
    policy("none")
    client = Client()
    client.post(LOGIN, {"username": admin_user_.username, "password": PASSWORD})
    assert client.get("/customers/").status_code == 200


def test_policy_all_requires_it_of_agents_too(agent: Any, policy: Any) -> None:
    client = Client()
    client.post(LOGIN, {"username": "agent", "password": PASSWORD})
    assert client.get("/customers/").status_code == 200  # "admins": an agent may go without
    policy("all")
    client.cookies.clear()
    response = client.post(LOGIN, {"username": "agent", "password": PASSWORD})
    assert response["Location"] == SETUP


def test_a_bad_policy_value_is_refused_by_name(agent: Any, policy: Any) -> None:
    from django.core.exceptions import ImproperlyConfigured

    from pelatis.accounts.queries import two_factor_required

    policy("sometimes")
    with pytest.raises(ImproperlyConfigured, match="PELATIS_2FA_REQUIRED"):
        two_factor_required(agent)


def test_new_recovery_codes_replace_the_old(agent: Any, policy: Any) -> None:
    key, old = enable_two_factor(agent)
    client = Client()
    client.post(LOGIN, {"username": "agent", "password": PASSWORD})
    client.post(CODE, {"code": totp_code(key, ahead=1)})
    assert client.get("/account/two-factor/recovery-codes/").status_code == 405  # a GET changes nothing
    page = client.post("/account/two-factor/recovery-codes/").content.decode()
    new = re.findall(r"<li>([a-z2-7]{8})</li>", page)
    assert len(new) == 10
    assert set(new).isdisjoint(old)
    assert set(StaticToken.objects.filter(device__user=agent).values_list("token", flat=True)) == set(new)


def test_a_verified_user_moves_to_a_new_phone(agent: Any, policy: Any) -> None:
    key, _codes = enable_two_factor(agent)
    client = Client()
    client.post(LOGIN, {"username": "agent", "password": PASSWORD})
    client.post(CODE, {"code": totp_code(key, ahead=1)})
    assert "data-two-factor-new-phone" in client.get(SETUP).content.decode()
    page = client.get(SETUP + "?new=1")
    assert "data-two-factor-qr" in page.content.decode()
    new_key = client.session["pelatis_2fa_setup_key"]
    assert new_key != key
    done = client.post(SETUP, {"code": totp_code(new_key)})
    assert done.status_code == 200
    assert TOTPDevice.objects.get(user=agent).key == new_key
    assert client.get("/customers/").status_code == 200


def test_turning_it_off_needs_the_password_and_is_refused_when_required(
    agent: Any, admin_user_: Any, policy: Any
) -> None:
    key, _codes = enable_two_factor(agent)
    client = Client()
    client.post(LOGIN, {"username": "agent", "password": PASSWORD})
    client.post(CODE, {"code": totp_code(key, ahead=1)})
    client.post("/account/two-factor/disable/", {"password": "wrong"})
    assert TOTPDevice.objects.filter(user=agent).exists()
    client.post("/account/two-factor/disable/", {"password": PASSWORD})
    assert not TOTPDevice.objects.filter(user=agent).exists()
    assert not StaticDevice.objects.filter(user=agent).exists()
    assert client.get("/customers/").status_code == 200
    assert AuditEvent.objects.filter(detail="two-factor log-in disabled", actor=agent).exists()

    key, _codes = enable_two_factor(admin_user_)
    boss = Client()
    boss.post(LOGIN, {"username": admin_user_.username, "password": PASSWORD})
    boss.post(CODE, {"code": totp_code(key, ahead=1)})
    boss.post("/account/two-factor/disable/", {"password": PASSWORD})
    assert TOTPDevice.objects.filter(user=admin_user_).exists()


def test_an_admin_resets_a_users_two_factor_from_the_admin(admin_user_: Any, agent: Any, policy: Any) -> None:
    policy("none")  # the admin's own log-in is not the subject here
    key, _codes = enable_two_factor(agent)
    phone_lost = Client()
    phone_lost.post(LOGIN, {"username": "agent", "password": PASSWORD})
    phone_lost.post(CODE, {"code": totp_code(key, ahead=1)})
    assert logged_in(phone_lost)

    boss = Client()
    boss.force_login(staff(admin_user_))
    response = boss.post(
        "/admin/auth/user/", {"action": "two_factor_reset", "_selected_action": [agent.pk]}, follow=True
    )
    assert response.status_code == 200
    assert "Two-factor log-in was reset for 1 user" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=agent).exists()
    assert not StaticDevice.objects.filter(user=agent).exists()
    assert phone_lost.get("/customers/").status_code == 302  # the agent's sessions ended
    event = AuditEvent.objects.get(detail=f"two-factor log-in reset for user #{agent.pk}")
    assert event.actor == admin_user_
    assert "@" not in event.detail


def test_the_command_resets_and_reports(agent: Any, policy: Any) -> None:
    enable_two_factor(agent)
    out = io.StringIO()
    call_command("twofactor", "status", "agent", stdout=out)
    assert "two-factor on, 10 recovery codes left, required: no" in out.getvalue()
    call_command("twofactor", "reset", "agent", stdout=out)
    assert "2 devices removed" in out.getvalue()
    assert not TOTPDevice.objects.filter(user=agent).exists()
    assert AuditEvent.objects.filter(action="security", actor=None, detail__contains=f"#{agent.pk}").exists()
