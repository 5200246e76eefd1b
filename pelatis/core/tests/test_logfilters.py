"""A refused request is one log line; a server error keeps its traceback."""

from __future__ import annotations

import logging
import sys

from pelatis.core.logfilters import ClientErrorsWithoutTraceback


def record(status: int) -> logging.LogRecord:
    try:
        raise PermissionError("no")
    except PermissionError:
        info = sys.exc_info()
    rec = logging.LogRecord("django.request", logging.WARNING, __file__, 1, "Forbidden: %s", ("/x/",), info)
    rec.status_code = status
    return rec


def test_a_client_error_loses_its_traceback_and_a_server_error_keeps_it() -> None:
    refused, failed = record(403), record(500)
    assert ClientErrorsWithoutTraceback().filter(refused)
    assert ClientErrorsWithoutTraceback().filter(failed)
    assert refused.exc_info is None
    assert failed.exc_info is not None
    assert logging.Formatter().format(refused) == "Forbidden: /x/"
