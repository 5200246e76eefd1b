"""/readyz: 200 only when the database, the cache, the task queue and the file storage all answer; the body
says ok or unavailable and nothing else, the log says which part failed."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.db import DatabaseError, connection
from django.test import Client, override_settings

from tests.served import free_port

pytestmark = pytest.mark.django_db


def _ready() -> tuple[int, Any]:
    response = Client().get("/readyz")
    return response.status_code, response.json()


def test_everything_answers_200_ok_and_nothing_more() -> None:
    response = Client().get("/readyz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "max-age=0" in response["Cache-Control"] or "no-cache" in response["Cache-Control"]


def test_database_down_is_503_without_details(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(*args: Any, **kwargs: Any) -> Any:
        raise DatabaseError("connection refused by db.internal:5432")

    monkeypatch.setattr(connection, "cursor", broken)
    with caplog.at_level(logging.WARNING, logger="pelatis.web.health"):
        response = Client().get("/readyz")
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable"}
    assert "db.internal" not in response.content.decode()
    assert "database" in caplog.text  # the operator learns which part failed
    assert Client().get("/healthz").status_code == 200  # the process itself is fine


def _failed(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [
        r.getMessage()
        for r in caplog.records
        if r.name == "pelatis.web.health" and r.levelno >= logging.ERROR
    ]


def test_cache_on_a_redis_that_does_not_answer_is_503(caplog: pytest.LogCaptureFixture) -> None:
    dead = f"redis://127.0.0.1:{free_port()}/0"  # nothing listens there
    broken = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": dead,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    # the broken cache only for the request: the suite's own clean-up after the test uses the real one
    with override_settings(CACHES=broken), caplog.at_level(logging.WARNING, logger="pelatis.web.health"):
        status, body = _ready()
    assert (status, body) == (503, {"status": "unavailable"})
    assert _failed(caplog) == ["not ready: cache not answering"]


def test_storage_that_cannot_be_written_is_503(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the media folder should be")
    broken = {
        **django_settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(blocker / "media")},
        },
    }
    with override_settings(STORAGES=broken), caplog.at_level(logging.WARNING):
        status, body = _ready()
    assert (status, body) == (503, {"status": "unavailable"})
    assert _failed(caplog) == ["not ready: storage not answering"]


def test_storage_on_a_writable_folder_is_ready(settings: Any, tmp_path: Path) -> None:
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "media")},
        },
    }
    assert _ready() == (200, {"status": "ok"})
    # the probe cleans up after itself
    assert not [p for p in (tmp_path / "media").rglob("*") if p.is_file()]


def test_probes_are_get_only() -> None:
    assert Client().post("/readyz").status_code == 405
    assert Client().post("/healthz").status_code == 405


def test_tasks_on_a_redis_that_does_not_answer_is_503(caplog: pytest.LogCaptureFixture) -> None:
    dead = {"default": {"URL": f"redis://127.0.0.1:{free_port()}/0", "DEFAULT_TIMEOUT": 60}}
    rq = {"default": {"BACKEND": "django_tasks_rq.RQBackend"}}
    with override_settings(TASKS=rq, RQ_QUEUES=dead), caplog.at_level(logging.WARNING):
        status, body = _ready()
    assert (status, body) == (503, {"status": "unavailable"})
    assert _failed(caplog) == ["not ready: task queue not answering"]


def test_tasks_on_a_live_redis_are_ready(settings: Any, redis_url: str) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend"}}
    settings.RQ_QUEUES = {"default": {"URL": redis_url, "DEFAULT_TIMEOUT": 60}}
    assert _ready() == (200, {"status": "ok"})
