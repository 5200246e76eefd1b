from __future__ import annotations

import json
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from pelatis.accounts.services import token_create, user_set_role


def _user(username: str, role: str | None) -> Any:
    user = get_user_model().objects.create_user(username=username, password="s3cret-pass", email=f"{username}@example.gr")
    if role:
        user_set_role(user=user, role=role)
    return get_user_model().objects.get(pk=user.pk)  # fresh permission cache


@pytest.fixture
def admin_user_(db: None) -> Any:
    return _user("diaxeiristis", "admin")


@pytest.fixture
def manager(db: None) -> Any:
    return _user("manager", "manager")


@pytest.fixture
def agent(db: None) -> Any:
    return _user("agent", "agent")


@pytest.fixture
def reader(db: None) -> Any:
    return _user("reader", "read-only")


@pytest.fixture
def outsider(db: None) -> Any:
    return _user("outsider", None)


class ApiClient:
    """A test client that sends a bearer token and JSON."""

    def __init__(self, secret: str | None) -> None:
        self.client = Client()
        self.headers = {"Authorization": f"Bearer {secret}"} if secret else {}

    def get(self, path: str, **params: Any) -> Any:
        return self.client.get(path, params, headers=self.headers)

    def post(self, path: str, data: Any = None) -> Any:
        return self.client.post(path, json.dumps(data or {}), content_type="application/json", headers=self.headers)

    def put(self, path: str, data: Any) -> Any:
        return self.client.put(path, json.dumps(data), content_type="application/json", headers=self.headers)

    def delete(self, path: str) -> Any:
        return self.client.delete(path, headers=self.headers)


@pytest.fixture
def api_as() -> Any:
    def make(user: Any) -> ApiClient:
        return ApiClient(token_create(user=user).secret if user is not None else None)

    return make
