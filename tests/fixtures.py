from __future__ import annotations

import json
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from pelatis.accounts.services import token_create, user_set_role


def _user(username: str, role: str | None) -> Any:
    user = get_user_model().objects.create_user(
        username=username, password="s3cret-pass", email=f"{username}@example.gr"
    )
    if role:
        user_set_role(user=user, role=role)
    return get_user_model().objects.get(pk=user.pk)  # fresh permission cache


@pytest.fixture
def admin_user_(db: None) -> Any:
    return _user("diaxeiristis", "admin")


@pytest.fixture
def manager(db: None) -> Any:
    return _user("manager", "manager")


@pytest.fixture
def agent(db: None) -> Any:
    return _user("agent", "agent")


@pytest.fixture
def reader(db: None) -> Any:
    return _user("reader", "read-only")


@pytest.fixture
def outsider(db: None) -> Any:
    return _user("outsider", None)


class ApiClient:
    """A test client that sends a bearer token and JSON."""

    def __init__(self, secret: str | None) -> None:
        self.client = Client()
        self.headers = {"Authorization": f"Bearer {secret}"} if secret else {}

    def get(self, path: str, **params: Any) -> Any:
        return self.client.get(path, params, headers=self.headers)

    def post(self, path: str, data: Any = None) -> Any:
        return self.client.post(
            path, json.dumps(data or {}), content_type="application/json", headers=self.headers
        )

    def put(self, path: str, data: Any) -> Any:
        return self.client.put(path, json.dumps(data), content_type="application/json", headers=self.headers)

    def delete(self, path: str) -> Any:
        return self.client.delete(path, headers=self.headers)


@pytest.fixture
def api_as() -> Any:
    def make(user: Any) -> ApiClient:
        return ApiClient(token_create(user=user, scope="admin").secret if user is not None else None)

    return make


class SmtpSink:
    """A real SMTP server (aiosmtpd) on 127.0.0.1 that keeps what it receives."""

    def __init__(self) -> None:
        self.messages: list[Any] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802 — aiosmtpd's hook name
        import email
        from email import policy

        self.messages.append(
            email.message_from_bytes(envelope.original_content or envelope.content, policy=policy.default)
        )
        return "250 OK"


@pytest.fixture
def smtp_server(settings: Any) -> Any:
    """Points Django's SMTP backend at a live aiosmtpd server for the test."""
    import socket

    from aiosmtpd.controller import Controller

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    sink = SmtpSink()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    yield sink
    controller.stop()


class Dovecot:
    """A throw-away Dovecot IMAP server on 127.0.0.1 with one user and a maildir."""

    def __init__(self, root: Any, port: int, user: str, password: str) -> None:
        self.root, self.port, self.user, self.password = root, port, user, password

    def append(self, raw: bytes) -> None:
        import imaplib

        with imaplib.IMAP4("127.0.0.1", self.port) as client:
            client.login(self.user, self.password)
            client.append("INBOX", "", None, raw)


DOVECOT_CONF = """
base_dir = {root}/run
state_dir = {root}/state
listen = 127.0.0.1
protocols = imap
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
default_login_user = dovenull
default_internal_user = dovecot
default_internal_group = dovecot
first_valid_uid = 1
first_valid_gid = 1
log_path = {root}/dovecot.log
mail_location = maildir:{root}/mail/%u
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {root}/users
}}
userdb {{
  driver = static
  args = uid=dovecot gid=dovecot home={root}/mail/%u
}}
service imap-login {{
  chroot =
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
service anvil {{
  chroot =
}}
"""


@pytest.fixture
def dovecot() -> Any:
    """Starts Dovecot for the test; a missing Dovecot fails under CI=true and skips elsewhere."""
    import os
    import shutil
    import socket
    import subprocess
    import time

    binary = shutil.which("dovecot") or ("/usr/sbin/dovecot" if os.path.exists("/usr/sbin/dovecot") else None)
    if binary is None:
        if os.environ.get("CI") == "true":
            pytest.fail("Dovecot is not installed (apt-get install dovecot-imapd)")
        pytest.skip("Dovecot is not installed here (CI runs these tests)")
    import tempfile
    from pathlib import Path

    # Not pytest's tmp_path: that lives under a 0700 folder the dovecot user cannot enter.
    root = Path(tempfile.mkdtemp(prefix="pelatis-dovecot-"))
    for sub in ("run", "state", "mail"):
        (root / sub).mkdir()
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    conf = root / "dovecot.conf"
    conf.write_text(DOVECOT_CONF.format(root=root, port=port), encoding="utf-8")
    (root / "users").write_text("support:{PLAIN}imap-secret\n", encoding="utf-8")
    shutil.chown(root / "mail", "dovecot", "dovecot")
    os.chmod(root, 0o755)
    # The daemon keeps its standard streams: a pipe would never close, so they go to a file.
    with (root / "start.log").open("wb") as start_log:
        subprocess.run([binary, "-c", str(conf)], check=True, stdout=start_log, stderr=start_log, timeout=30)
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                break
        time.sleep(0.1)
    else:
        pytest.fail(f"Dovecot did not start: {(root / 'dovecot.log').read_text(errors='replace')[-500:]}")
    yield Dovecot(root, port, "support", "imap-secret")
    subprocess.run(
        ["doveadm", "-c", str(conf), "stop"],
        check=False,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        timeout=30,
    )
    shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def client_as(client: Client) -> Any:
    """The test client logged in as a user."""

    def login(user: Any) -> Client:
        client.force_login(user)
        return client

    return login
