"""Every page needs a login unless it is deliberately public: a new URL that forgets its guard fails here."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

pytestmark = pytest.mark.django_db

# Deliberately public: the web form and its signed pages, signed survey and opt-out links, the signed
# review webhook, the customer's data-request page and its signed link, the business logo that emails
# show, the log-in pages, language switching, the probes, and the API's schema and docs (the operations
# themselves need a token).
PUBLIC = re.compile(
    r"^/(support/|admin/logout/|feedback/(r|n|optout)/|feedback/hooks/|privacy/(preferences|unsubscribe|request)/|engagement/(c|o)/|settings/business/logo/|login/|logout/|i18n/|"
    r"healthz$|readyz$|metrics$|admin/login/|api/v1/(docs|openapi\.json)|static/)"
)
SAMPLE = {"int": "1", "str": "x", "slug": "x", "path": "x", "uuid": "00000000-0000-0000-0000-000000000000"}


def _urls(patterns: list[URLPattern | URLResolver], prefix: str = "") -> Iterator[str]:
    for p in patterns:
        route = str(p.pattern)
        route = re.sub(r"<(?:(\w+):)?\w+>", lambda m: SAMPLE.get(m.group(1) or "str", "x"), route)
        route = route.lstrip("^").rstrip("$").replace("\\Z", "")
        if isinstance(p, URLResolver):
            yield from _urls(p.url_patterns, prefix + route)
        elif "(?P" not in route and "[" not in route:
            yield "/" + prefix + route


def test_every_url_needs_a_login_unless_it_is_on_the_public_list() -> None:
    client = Client()
    urls = sorted(set(_urls(get_resolver().url_patterns)))
    assert len(urls) > 60
    open_to_anyone = []
    for url in urls:
        if PUBLIC.match(url):
            continue
        response = client.get(url)
        if (
            response.status_code == 302
            and response["Location"].startswith("/")
            and "/login/" not in response["Location"]
        ):
            response = client.get(
                response["Location"]
            )  # a redirect to another page: that page must be guarded
        guarded = response.status_code in (401, 403, 404, 405) or (
            response.status_code == 302 and "/login/" in response["Location"]
        )
        if not guarded:
            open_to_anyone.append((url, response.status_code))
    assert open_to_anyone == []
