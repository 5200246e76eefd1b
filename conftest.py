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


@pytest.fixture(autouse=True)
def _redis_cache_reset() -> Iterator[None]:
    """The database cache lives in the test database, so each test starts with it empty; a Redis cache (the
    production-engines run) outlives the test, so it is emptied after each one (each xdist worker has its
    own Redis database, see pelatis/settings_test.py)."""
    yield
    from django.conf import settings

    if settings.CACHES["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache":
        from django.core.cache import cache

        cache.clear()


@pytest.fixture(autouse=True)
def _fresh_storage(fresh_storage: None) -> None:
    """Each test stores its files in its own empty place: MEDIA_ROOT in its temporary folder, or its own
    folder in the suite's bucket, emptied afterwards (tests/s3_fixture.py)."""
