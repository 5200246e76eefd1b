"""The access log names no customer: no search words, no filters, no link tokens, no Referer query."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

from django.core import signing
from gunicorn.config import Config

from pelatis.web.accesslog import AccessLogger


def line(path: str, query: str = "", referer: str = "-") -> str:
    logger = AccessLogger(Config())
    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": f"{path}?{query}" if query else path,
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "HTTP_REFERER": referer,
        "HTTP_USER_AGENT": "Mozilla/5.0",
    }
    response = SimpleNamespace(status="200 OK", sent=1234, headers=[("Content-Type", "text/html")])
    request = SimpleNamespace(headers=[("REFERER", referer), ("COOKIE", "sessionid=abc")])
    atoms = logger.atoms(response, request, environ, dt.timedelta(milliseconds=12))
    return str(logger.cfg.access_log_format % atoms) + " " + " ".join(str(v) for v in atoms.values())


def test_search_words_and_filters_stay_out_of_the_access_log() -> None:
    logged = line(
        "/customers/", "q=g.papadopoulos%40example.com", referer="http://127.0.0.1/customers/?q=6971234567"
    )
    assert "papadopoulos" not in logged
    assert "6971234567" not in logged
    assert '"GET /customers/?… HTTP/1.1" 200 1234' in logged
    assert "sessionid" not in logged


def test_link_tokens_stay_out_of_the_access_log() -> None:
    token = signing.dumps({"c": 42}, salt="privacy.preferences")
    logged = line(f"/privacy/preferences/{token}/")
    assert token not in logged
    assert "/privacy/preferences/…/" in logged
    assert "/customers/42/" in line("/customers/42/")  # ids and short names stay readable
