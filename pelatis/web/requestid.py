"""Every request gets an id: the one the proxy sent in ``X-Request-ID`` (when it looks like an id), else a new
one. Log lines written while the request is handled carry it (``request_id`` in JSON logs, see
:mod:`pelatis.conf.observability`) and the response sends it back in ``X-Request-ID``."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable

from django.core.signals import request_finished
from django.http import HttpRequest, HttpResponse

from pelatis.conf.observability import request_id_var

HEADER = "X-Request-ID"
# Letters, digits and a few separators, at most 64: what proxies send (UUIDs, hex), and nothing that could
# forge a second log line or carry a customer's details.
ACCEPTED = re.compile(r"^[A-Za-z0-9._:-]{8,64}$")


def request_id_for(request: HttpRequest) -> str:
    given = request.headers.get(HEADER, "")
    return given if ACCEPTED.fullmatch(given) else uuid.uuid4().hex


class RequestIdMiddleware:
    """The id stays set until the response is finished (Django logs a 4xx or 5xx answer after every
    middleware has returned, and those lines belong to the request too)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = request_id_for(request)
        request.request_id = request_id  # type: ignore[attr-defined]  # read by views that show it
        request_id_var.set(request_id)
        response = self.get_response(request)
        response[HEADER] = request_id
        return response


def _request_done(**_kwargs: object) -> None:
    request_id_var.set("")  # a thread's next lines (its next request, or none) are not this request's


request_finished.connect(_request_done, dispatch_uid="pelatis.web.requestid")
