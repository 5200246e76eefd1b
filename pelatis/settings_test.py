"""Test overrides: fast password hashing, mail kept in memory unless a test points it at SMTP.

Everything else is as shipped: the secret key generated into the data folder,
the database cache (in the test database), DEBUG off, log-in lock-out on."""

from __future__ import annotations

from .settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
PELATIS_API_RATE_PER_MINUTE = 10_000
LANGUAGE_CODE = "en"
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
# Two-factor log-in has its own tests (tests/test_two_factor*.py set the policy with the settings fixture);
# everywhere else staff log in with a password, as before.
PELATIS_2FA_REQUIRED = "none"
