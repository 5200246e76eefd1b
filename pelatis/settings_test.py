"""Test overrides: fast password hashing, mail kept in memory unless a test points it at SMTP.

Everything else is as shipped: the secret key generated into the data folder,
the database cache (in the test database), DEBUG off, log-in lock-out on.

With the production engines switched on (``scripts/with-engines``: tasks on RQ, the cache on Redis,
files in S3), the suite runs on them: each pytest-xdist worker gets its own Redis databases and its own
folder in the bucket, so parallel workers never see each other's counters, jobs or files.
"""

from __future__ import annotations

import os
from urllib.parse import urlsplit, urlunsplit

from .settings import *  # noqa: F403
from .settings import CACHES, PELATIS_REDIS_URL, STORAGES, TASKS

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
PELATIS_API_RATE_PER_MINUTE = 10_000
LANGUAGE_CODE = "en"
# Two-factor log-in has its own tests (tests/test_two_factor*.py set the policy with the settings fixture);
# everywhere else staff log in with a password, as before.
PELATIS_2FA_REQUIRED = "none"

_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "main")
_SLOT = int(_WORKER[2:]) + 1 if _WORKER.startswith("gw") and _WORKER[2:].isdigit() else 0


def _redis_database(url: str, number: int) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, f"/{number}", parts.query, ""))


if TASKS["default"]["BACKEND"] == "django_tasks_rq.RQBackend":
    # Every task goes through RQ and Redis and runs at once in the test's own process (RQ's synchronous
    # queue), as the immediate backend would; tests of `pelatis worker` itself use an asynchronous queue.
    RQ_QUEUES = {
        "default": {
            "URL": _redis_database(PELATIS_REDIS_URL, 2 + 2 * _SLOT),
            "ASYNC": False,
            "DEFAULT_TIMEOUT": 600,
        }
    }
else:
    TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

if CACHES["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache":
    CACHES = {
        "default": {
            **CACHES["default"],
            "LOCATION": _redis_database(str(CACHES["default"]["LOCATION"]), 1 + 2 * _SLOT),
        }
    }

if STORAGES["default"]["BACKEND"] == "storages.backends.s3.S3Storage":
    _s3_options = {**STORAGES["default"]["OPTIONS"], "location": f"suite/{_WORKER}"}
    STORAGES = {**STORAGES, "default": {**STORAGES["default"], "OPTIONS": _s3_options}}
