"""Shared fixtures: the same cast in every app (an admin, a manager, an agent,
a read-only user, an outsider with no role), a token client for the API."""

from __future__ import annotations

pytest_plugins = ["pelatis.customers.tests.fixtures", "pelatis.helpdesk.tests.fixtures", "tests.fixtures"]
