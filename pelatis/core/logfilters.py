"""Logging filters: what the console log keeps from Django's request logger."""

from __future__ import annotations

import logging


class ClientErrorsWithoutTraceback(logging.Filter):
    """A 4xx answer (a refused permission, a bad request) is logged as its one line, without the
    traceback Django attaches: it is the client's mistake, not ours, and a probe of every URL would
    otherwise fill the log with stack traces. Server errors (5xx) keep theirs."""

    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None)
        if record.name.startswith("django.") and isinstance(status, int) and status < 500:
            record.exc_info = None
            record.exc_text = None
        return True
