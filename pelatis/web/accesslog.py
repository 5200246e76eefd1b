"""gunicorn's access log without anything that could name a customer or open their links.

The stock log line carries the whole request line and the Referer: search words (``?q=`` with an email
or a phone), filters, and the signed tokens in the paths of survey, preference and request links. Here
a query string is logged as ``?…`` and any path segment that looks like a token (long, of a token's
characters) as ``…``; the method, the rest of the path, the status, the size, the time and the user
agent stay, which is what an operator reads an access log for.

With ``PELATIS_LOG_FORMAT=json`` gunicorn's own lines are JSON objects too, like the application's (see
:mod:`pelatis.conf.observability`): an access line has ``method``, ``path`` (redacted as above), ``status``,
``bytes``, ``duration_ms`` and the response's ``request_id``.
"""

from __future__ import annotations

import logging
import os
import re
from typing import Any
from urllib.parse import urlsplit

from gunicorn import glogging

TOKEN_SEGMENT = re.compile(r"^[A-Za-z0-9_\-:.=~]{20,}$")
HIDDEN = "…"


def path_redact(path: str) -> str:
    """``path`` with every token-like segment replaced by ``…``."""
    return "/".join(HIDDEN if TOKEN_SEGMENT.match(part) else part for part in path.split("/"))


def url_redact(url: str) -> str:
    """A Referer as it may be logged: scheme, host and the redacted path, without the query."""
    if not url or url == "-":
        return url or "-"
    parts = urlsplit(url)
    query = f"?{HIDDEN}" if parts.query else ""
    origin = f"{parts.scheme}://{parts.netloc}" if parts.netloc else ""
    return f"{origin}{path_redact(parts.path)}{query}"


def _json_mode() -> bool:
    return os.environ.get("PELATIS_LOG_FORMAT", "plain").strip().lower() == "json"


class AccessLogger(glogging.Logger):  # type: ignore[misc]  # gunicorn ships no type information
    """``pelatis serve`` passes this class to gunicorn (``--logger-class``)."""

    def setup(self, cfg: Any) -> None:
        super().setup(cfg)
        if not _json_mode():
            return
        from pelatis.conf.observability import FORMATTERS, PelatisJsonFormatter

        options = {k: v for k, v in FORMATTERS["json"].items() if k != "()"}
        for log in (self.error_log, self.access_log):
            for handler in log.handlers:
                handler.setFormatter(PelatisJsonFormatter(**options))

    def access(self, resp: Any, req: Any, environ: dict[str, Any], request_time: Any) -> None:
        if not _json_mode():
            super().access(resp, req, environ, request_time)
            return
        if not self.access_log_enabled:
            return
        atoms = self.atoms(resp, req, environ, request_time)
        fields = {
            "method": environ.get("REQUEST_METHOD", "-"),
            "path": atoms["U"] + (f"?{HIDDEN}" if atoms["q"] else ""),
            "status": int(str(atoms["s"]).split()[0]) if str(atoms["s"])[:3].isdigit() else atoms["s"],
            "bytes": atoms["B"],
            "duration_ms": round(request_time.total_seconds() * 1000, 1),
            "request_id": atoms.get("{x-request-id}o") or None,
        }
        self.access_log.log(
            logging.INFO, "%s %s %s", fields["method"], fields["path"], fields["status"], extra=fields
        )

    def atoms(self, resp: Any, req: Any, environ: dict[str, Any], request_time: Any) -> dict[str, Any]:
        atoms: dict[str, Any] = super().atoms(resp, req, environ, request_time)
        path = path_redact(environ.get("PATH_INFO", ""))
        query = f"?{HIDDEN}" if environ.get("QUERY_STRING") else ""
        atoms["r"] = (
            f"{environ.get('REQUEST_METHOD', '-')} {path}{query} {environ.get('SERVER_PROTOCOL', '-')}"
        )
        atoms["U"] = path
        atoms["q"] = HIDDEN if query else ""
        atoms["f"] = url_redact(environ.get("HTTP_REFERER", "-"))
        raw_query = environ.get("QUERY_STRING") or ""
        for key in [k for k in atoms if k.startswith("{")]:
            if key in (
                "{referer}i",
                "{cookie}i",
                "{authorization}i",
                "{http_cookie}e",
                "{http_authorization}e",
            ):
                atoms[key] = HIDDEN
            elif key in ("{raw_uri}e", "{request_uri}e"):
                atoms[key] = f"{path}{query}"
            elif key == "{path_info}e":
                atoms[key] = path
            elif key == "{query_string}e":
                atoms[key] = atoms["q"]
            elif key == "{http_referer}e":
                atoms[key] = atoms["f"]
            elif raw_query and isinstance(atoms[key], str) and raw_query in atoms[key]:
                atoms[key] = HIDDEN
        return atoms
