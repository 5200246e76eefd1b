"""The probes a load balancer uses: public, and they say up or down and nothing more."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import DatabaseError, connection
from django.test import Client

pytestmark = pytest.mark.django_db


def test_healthz_and_readyz_answer_without_a_login() -> None:
    client = Client()
    assert client.get("/healthz").json() == {"status": "ok"}
    ready = client.get("/readyz")
    assert ready.status_code == 200
    assert ready.json() == {"status": "ok"}  # which parts were checked is not for the public
    assert "no-cache" in ready["Cache-Control"] or "max-age=0" in ready["Cache-Control"]


def test_readyz_is_503_when_the_database_does_not_answer(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: Any, **kwargs: Any) -> Any:
        raise DatabaseError("connection refused")

    monkeypatch.setattr(connection, "cursor", broken)  # the connection /readyz asks
    response = Client().get("/readyz")
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable"}
    assert "connection refused" not in response.content.decode()  # nothing about the install leaks
    assert Client().get("/healthz").status_code == 200  # the process itself is fine


def test_probes_only_read() -> None:
    assert Client().post("/readyz").status_code == 405
