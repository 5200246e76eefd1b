"""JSON log lines (PELATIS_LOG_FORMAT=json) carry the request's id and never Django's request object; and
`pelatis serve` starts every run with an empty metrics folder."""

from __future__ import annotations

import io
import json
import logging
import os
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured

from pelatis.conf.observability import (
    FORMATTERS,
    PelatisJsonFormatter,
    RequestIdFilter,
    logging_settings,
    request_id_var,
)
from pelatis.web.management.commands.serve import MULTIPROC_ENV, metrics_folder_prepare


def test_an_unknown_log_format_names_the_variable() -> None:
    with pytest.raises(ImproperlyConfigured, match="PELATIS_LOG_FORMAT must be plain or json, not 'xml'"):
        logging_settings("xml", "INFO")
    assert logging_settings(" JSON ", "INFO")["formatters"] == {"json": FORMATTERS["json"]}


@pytest.fixture
def json_log() -> Any:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(PelatisJsonFormatter(**{k: v for k, v in FORMATTERS["json"].items() if k != "()"}))
    handler.addFilter(RequestIdFilter())
    logger = logging.getLogger("pelatis.tests.ops_logging")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.propagate = False
    yield logger, stream
    logger.removeHandler(handler)


def _lines(stream: io.StringIO) -> list[dict[str, Any]]:
    return [json.loads(line) for line in stream.getvalue().splitlines()]


def test_a_json_line_has_the_fields_and_the_request_id(json_log: Any) -> None:
    logger, stream = json_log
    logger.info("outside any request")
    token = request_id_var.set("edge-7f3a9c21")
    try:
        logger.warning("Not Found: %s", "/no/such/page/", extra={"status_code": 404, "request": object()})
    finally:
        request_id_var.reset(token)
    first, second = _lines(stream)
    assert {"time", "level", "logger", "message", "process"} <= set(first)
    assert "request_id" not in first
    assert second["request_id"] == "edge-7f3a9c21"
    assert (second["level"], second["message"], second["status_code"]) == (
        "WARNING",
        "Not Found: /no/such/page/",
        404,
    )
    assert "request" not in second  # its repr would carry the query string


def test_greek_survives_in_json_lines(json_log: Any) -> None:
    logger, stream = json_log
    logger.info("Εισερχόμενο μήνυμα: %s", "Ερώτηση για κράτηση")
    [line] = _lines(stream)
    assert line["message"] == "Εισερχόμενο μήνυμα: Ερώτηση για κράτηση"
    assert "Ερώτηση για κράτηση" in stream.getvalue()  # written as text, not as \u escapes


def test_serve_empties_its_metrics_folder(
    tmp_path: Path, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(
        MULTIPROC_ENV, ""
    )  # restored after the test: this process keeps single-process metrics
    settings.DATA_DIR = tmp_path
    stale = tmp_path / "metrics" / "serve-8000" / "histogram_4242.db"
    stale.parent.mkdir(parents=True)
    stale.write_bytes(b"numbers of the previous run")
    keep = stale.parent / "README"
    keep.write_text("not ours")
    folder = metrics_folder_prepare("8000")
    assert folder == stale.parent
    assert not stale.exists()
    assert keep.exists()
    assert os.environ[MULTIPROC_ENV] == str(folder)


def test_serve_uses_the_operators_metrics_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    chosen = tmp_path / "prometheus"
    monkeypatch.setenv(MULTIPROC_ENV, str(chosen))
    assert metrics_folder_prepare("8000") == chosen
    assert chosen.is_dir()
