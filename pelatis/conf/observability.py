"""Logging: plain lines (default) or one JSON object per line (``PELATIS_LOG_FORMAT=json``).

A JSON line carries ``time`` (ISO 8601), ``level``, ``logger``, ``message``, ``process`` and, inside a web
request, ``request_id`` (the ``X-Request-ID`` the request came with, or one made for it, see
:mod:`pelatis.web.requestid`); the same id is sent back in the response's ``X-Request-ID`` header, so one
request's lines can be found from what a user or the proxy saw. The request object Django attaches to its
own records is never written out (its repr holds the query string: search words, signed tokens).

This module is read by the settings, before any app is loaded: it imports nothing of Pelatis.
"""

from __future__ import annotations

import logging
from contextvars import ContextVar
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from pythonjsonlogger.json import JsonFormatter

#: The current web request's id (empty outside a request): set by pelatis.web.requestid.RequestIdMiddleware.
request_id_var: ContextVar[str] = ContextVar("pelatis_request_id", default="")

# Attributes some libraries attach to records that must not reach a log line as they are.
_DROPPED = ("request", "server_time")

FORMATTERS: dict[str, dict[str, object]] = {
    "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
    "json": {
        "()": "pelatis.conf.observability.PelatisJsonFormatter",
        "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s %(process)d",
        "datefmt": "%Y-%m-%dT%H:%M:%S%z",
        "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        "json_ensure_ascii": False,  # Greek as UTF-8 text, readable in the journal, not as \uXXXX escapes
    },
}


class RequestIdFilter(logging.Filter):
    """Puts the current request's id on every record made while the request is handled."""

    def filter(self, record: logging.LogRecord) -> bool:
        request_id = request_id_var.get()
        if request_id and not hasattr(record, "request_id"):
            record.request_id = request_id
        return True


class PelatisJsonFormatter(JsonFormatter):
    """python-json-logger's formatter, less the attributes that would carry a request's query string.

    Made when the logging configuration is applied; it then also routes Python's warnings through logging
    (Django 5.2 no longer does), so a warning becomes a JSON line like the rest, not a bare text line."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        logging.captureWarnings(True)

    def add_fields(
        self, log_data: dict[str, Any], record: logging.LogRecord, message_dict: dict[str, Any]
    ) -> None:
        super().add_fields(log_data, record, message_dict)
        for name in _DROPPED:
            log_data.pop(name, None)


def logging_settings(log_format: str, level: str) -> dict[str, object]:
    fmt = (log_format or "plain").strip().lower()
    if fmt not in {"plain", "json"}:
        raise ImproperlyConfigured(f"PELATIS_LOG_FORMAT must be plain or json, not {log_format!r}")
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {fmt: FORMATTERS[fmt]},
        "filters": {
            "client_errors": {"()": "pelatis.core.logfilters.ClientErrorsWithoutTraceback"},
            "request_id": {"()": "pelatis.conf.observability.RequestIdFilter"},
        },
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "formatter": fmt,
                "filters": ["client_errors", "request_id"],
            }
        },
        "root": {"handlers": ["console"], "level": level},
        # axes logs every failed log-in at INFO; lock-outs come at WARNING.
        "loggers": {"django.db.backends": {"level": "WARNING"}, "axes": {"level": "WARNING"}},
    }
