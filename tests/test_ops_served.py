"""Under `pelatis serve` with two gunicorn workers: /metrics adds up the requests of every worker, whichever
worker answers the scrape; and with PELATIS_LOG_FORMAT=json every log line is one JSON object, a request's
lines carry its id, and no query string (search words) reaches the log."""

from __future__ import annotations

import http.client
import json
import re
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from prometheus_client.parser import text_string_to_metric_families

from tests.served import Server, migrated_data_dir, serve

BATCH = 24
MAX_BATCHES = 10  # bounded: at most 240 requests until both workers have answered some


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    data_dir = migrated_data_dir(tmp_path_factory.mktemp("ops-served"))
    running = serve(
        data_dir, workers=2, DJANGO_SETTINGS_MODULE="tests.ops_settings", PELATIS_LOG_FORMAT="json"
    )
    try:
        yield running
    finally:
        running.stop()


def get(server: Server, path: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], str]:
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
    try:
        connection.request("GET", path, headers=headers or {})
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read().decode("utf-8", errors="replace")
    finally:
        connection.close()


def healthz_count(server: Server) -> float:
    status, _headers, text = get(server, "/metrics")
    assert status == 200
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name == "pelatis_http_request_duration_seconds_count" and sample.labels == {
                "route": "healthz",
                "method": "GET",
            }:
                return float(sample.value)
    return 0.0


def _records(log: Path) -> list[dict[str, Any]]:
    """Every line of the server's log but the command's own banner, each parsed as one JSON object."""
    records = []
    for line in log.read_text(encoding="utf-8").split("\n")[
        :-1
    ]:  # complete lines only: one may be half written
        if not line.strip() or line.startswith("Pelatis is serving on"):
            continue
        records.append(json.loads(line))
    return records


def test_metrics_add_up_every_workers_requests(server: Server) -> None:
    folder = Path(server.log).parent / "metrics" / f"serve-{server.port}"
    sent = 0
    with ThreadPoolExecutor(max_workers=8) as pool:
        for _ in range(MAX_BATCHES):
            statuses = list(pool.map(lambda _i: get(server, "/healthz")[0], range(BATCH)))
            assert statuses == [200] * BATCH
            sent += BATCH
            pids = {
                m.group(1) for p in folder.glob("histogram_*.db") if (m := re.search(r"_(\d+)\.db$", p.name))
            }
            if len(pids) >= 2:
                break
    assert len(pids) >= 2, f"one worker answered all {sent} requests"
    # every scrape, whichever worker answers it, counts the requests of both
    assert [healthz_count(server) for _ in range(6)] == [float(sent)] * 6


def test_json_log_lines_carry_the_request_id_and_no_query(server: Server) -> None:
    status, headers, _body = get(
        server, "/no/such/page/?q=6971112233", headers={"X-Request-ID": "ops-test-5f2e9a1c"}
    )
    assert status == 404
    assert headers["X-Request-ID"] == "ops-test-5f2e9a1c"
    # gunicorn writes the access line just after the response has gone out: wait for it (at most 30 s)
    for _ in range(300):
        records = _records(server.log)
        if any(
            r.get("request_id") == "ops-test-5f2e9a1c" and r["logger"] == "gunicorn.access" for r in records
        ):
            break
        time.sleep(0.1)
    text = server.log.read_text(encoding="utf-8")
    assert all({"time", "level", "logger", "message", "process"} <= set(r) for r in records)
    ours = [r for r in records if r.get("request_id") == "ops-test-5f2e9a1c"]
    loggers = {r["logger"] for r in ours}
    assert "django.request" in loggers  # Django's "Not Found" warning
    assert "gunicorn.access" in loggers  # and the access line, with the fields an operator filters on
    [access] = [r for r in ours if r["logger"] == "gunicorn.access"]
    assert (access["method"], access["status"], access["path"]) == ("GET", 404, "/no/such/page/?…")
    assert "6971112233" not in text
    assert not [r for r in records if "request" in r]  # Django's request object (its repr has the query)
