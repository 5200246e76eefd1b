"""Nobody, administrators included, can change or delete an audit entry through the app: the admin shows
entries read-only (its change, delete and add pages refuse), and no page or API operation of the whole
site, sent every write method by a superuser who passed two-factor log-in, alters an existing entry."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.signals import got_request_exception
from django.test import Client
from django.urls import get_resolver, reverse
from django.urls.converters import UUIDConverter
from django.urls.resolvers import URLResolver
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from pelatis.accounts.services import token_create
from pelatis.core.audit import audit_record
from pelatis.core.models import AuditEvent

pytestmark = pytest.mark.django_db

# Paths whose POST ends the session or deletes the test's own superuser (nothing to do with the audit log;
# deleting a user only unlinks its entries, which keep its name: see tests in pelatis/core).
SKIP = ("logout", "/i18n/", "/admin/auth/user/")
TAMPER = {
    "action": "view",
    "detail": "rewritten",
    "customer_id": "1",
    "fields": "[]",
    "post": "yes",
    "confirm": "1",
}


@pytest.fixture
def boss(django_user_model: Any) -> Any:
    return django_user_model.objects.create_superuser("boss", "boss@example.gr", "boss-pass-123")


def _verified(user: Any) -> Client:
    """A client logged in as ``user`` with a confirmed two-factor device, as after the code step."""
    device = TOTPDevice.objects.filter(user=user).first() or TOTPDevice.objects.create(
        user=user, name="phone", confirmed=True
    )
    client = Client(raise_request_exception=False)
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


@pytest.fixture
def entries(boss: Any) -> list[AuditEvent]:
    return [
        audit_record("view", actor=boss, customer_id=1),
        audit_record("change", actor=boss, customer_id=1, fields={"language": ("el", "en")}),
        audit_record("export", detail="audit log"),
    ]


def _snapshot(ids: list[int]) -> list[tuple[Any, ...]]:
    return list(
        AuditEvent.objects.filter(pk__in=ids)
        .order_by("pk")
        .values_list("pk", "at", "actor_id", "actor_name", "action", "customer_id", "ip", "fields", "detail")
    )


def test_the_admin_refuses_to_add_change_or_delete_an_entry(boss: Any, entries: list[AuditEvent]) -> None:
    ids = [e.pk for e in entries]
    before = _snapshot(ids)
    client = _verified(boss)
    pk = entries[1].pk
    # the superuser reads the log and an entry...
    assert client.get(reverse("admin:core_auditevent_changelist")).status_code == 200
    page = client.get(reverse("admin:core_auditevent_change", args=[pk]))
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()
    # ...and every way to write is refused
    assert client.post(reverse("admin:core_auditevent_change", args=[pk]), TAMPER).status_code == 403
    assert client.get(reverse("admin:core_auditevent_delete", args=[pk])).status_code == 403
    assert client.post(reverse("admin:core_auditevent_delete", args=[pk]), TAMPER).status_code == 403
    assert client.get(reverse("admin:core_auditevent_add")).status_code == 403
    assert client.post(reverse("admin:core_auditevent_add"), TAMPER).status_code == 403
    listing = client.get(reverse("admin:core_auditevent_changelist")).content.decode()
    assert "delete_selected" not in listing
    assert _snapshot(ids) == before


def _value(converter: Any, pk: int) -> str:
    return str(uuid.uuid4()) if isinstance(converter, UUIDConverter) else str(pk)


def _paths(resolver: URLResolver, prefix: str, pk: int) -> Iterator[str]:
    """Every path the site answers, its parameters filled with ``pk`` (the entries' own numbers)."""
    seen: set[str] = set()
    for key in list(resolver.reverse_dict.keys()):
        for possibilities, _pattern, _defaults, converters in resolver.reverse_dict.getlist(key):
            for fmt, params in possibilities:
                path = prefix + fmt % {p: _value(converters.get(p), pk) for p in params}
                if path not in seen:
                    seen.add(path)
                    yield path
    for _ns, (ns_prefix, sub) in resolver.namespace_dict.items():
        yield from _paths(sub, prefix + ns_prefix, pk)


def test_no_page_or_api_operation_alters_an_entry(boss: Any, entries: list[AuditEvent]) -> None:
    # given entries and a superuser who passed two-factor log-in, with an admin-scope API token
    ids = [e.pk for e in entries]
    before = _snapshot(ids)
    token = token_create(user=boss, scope="admin").secret
    refused: list[str] = []

    def keep(sender: Any, request: Any = None, **kwargs: Any) -> None:
        import sys

        error = sys.exc_info()[1]
        if error is not None and "audit entries cannot" in str(error):
            refused.append(f"{request.method} {request.path}" if request is not None else "?")

    got_request_exception.connect(keep)
    tried = 0
    try:
        for pk in (ids[1],):  # every number in a path is this entry's: /admin/core/auditevent/<pk>/...
            for path in sorted(set(_paths(get_resolver(), "/", pk))):
                if any(s in path for s in SKIP):
                    continue
                api = path.startswith("/api/")
                for method in ("post", "put", "patch", "delete") if api else ("post",):
                    client = _verified(boss)  # a fresh log-in: a previous POST may have ended the session
                    headers = {"Authorization": f"Bearer {token}"} if api else {}
                    if method == "post" and not api:
                        client.post(path, TAMPER, headers=headers)
                    else:
                        getattr(client, method)(
                            path, TAMPER, content_type="application/json", headers=headers
                        )
                    tried += 1
    finally:
        got_request_exception.disconnect(keep)
    # then no request even tried to change an entry, and every entry is as it was
    assert tried > 100  # the whole site was walked (pages, admin, API)
    assert refused == []
    assert _snapshot(ids) == before
