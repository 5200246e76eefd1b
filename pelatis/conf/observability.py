"""Logging: plain lines (default) or one JSON object per line (``PELATIS_LOG_FORMAT=json``)."""

from __future__ import annotations

from django.core.exceptions import ImproperlyConfigured

FORMATTERS: dict[str, dict[str, object]] = {
    "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
    "json": {
        "()": "pythonjsonlogger.json.JsonFormatter",
        "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s %(process)d",
        "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
    },
}


def logging_settings(log_format: str, level: str) -> dict[str, object]:
    fmt = (log_format or "plain").strip().lower()
    if fmt not in {"plain", "json"}:
        raise ImproperlyConfigured(f"PELATIS_LOG_FORMAT must be plain or json, not {log_format!r}")
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {fmt: FORMATTERS[fmt]},
        "filters": {"client_errors": {"()": "pelatis.core.logfilters.ClientErrorsWithoutTraceback"}},
        "handlers": {
            "console": {"class": "logging.StreamHandler", "formatter": fmt, "filters": ["client_errors"]}
        },
        "root": {"handlers": ["console"], "level": level},
        # axes logs every failed log-in at INFO; lock-outs come at WARNING.
        "loggers": {"django.db.backends": {"level": "WARNING"}, "axes": {"level": "WARNING"}},
    }
