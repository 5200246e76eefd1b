"""Shared fixtures: the same cast in every app (an admin, a manager, an agent,
a read-only user, an outsider with no role), a token client for the API."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.utils import translation

pytest_plugins = [
    "pelatis.customers.tests.fixtures",
    "pelatis.helpdesk.tests.fixtures",
    "tests.fixtures",
    "tests.redis_fixture",
    "tests.s3_fixture",
]


@pytest.fixture(autouse=True)
def _language_reset() -> Iterator[None]:
    """A view that activates the customer's language (the portal does) leaves it active in the test's
    thread; each test starts from the default language, as each request starts from the middleware."""
    yield
    translation.deactivate()
