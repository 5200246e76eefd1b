"""Debug off unless asked; the product's own error pages; no traceback to a browser or an API client;
a request body over the limit gets 413 with a short message (JSON under /api/), not 400 or 500."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from pelatis.customers.models import Customer
from tests.error_urls import SECRET_DETAIL
from tests.served import ROOT, clean_env

TWENTY_FIVE_MB = 25 * 1024 * 1024


def _debug(tmp_path: Path, **env: str) -> bool:
    result = subprocess.run(
        [sys.executable, "-c", "from pelatis import settings; print(settings.DEBUG)"],
        cwd=ROOT,
        env=clean_env(tmp_path, **env),
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return result.stdout.strip() == "True"


def test_debug_is_off_unless_asked_for_in_every_mode(tmp_path: Path) -> None:
    assert _debug(tmp_path) is False  # the embedded set-up, as `make run` starts it
    assert (
        _debug(
            tmp_path,
            PELATIS_MODE="production",
            PELATIS_SECRET_KEY="k" * 50,
            PELATIS_ALLOWED_HOSTS="crm.example.gr",
        )
        is False
    )
    assert _debug(tmp_path, PELATIS_DEBUG="true") is True


@pytest.fixture
def failing_site(settings: Any) -> Client:
    settings.ROOT_URLCONF = "tests.error_urls"
    return Client(raise_request_exception=False)


def test_a_page_that_fails_shows_the_products_500_page_and_no_traceback(
    failing_site: Client, db: None
) -> None:
    response = failing_site.get("/fails/")
    assert response.status_code == 500
    page = response.content.decode()
    assert "Something went wrong on our side" in page
    assert "pelatis/app.css" in page  # the product's look, not Django's bare "Server Error (500)"
    assert "Traceback" not in page
    assert SECRET_DETAIL not in page


def test_the_500_page_is_in_the_businesss_language(failing_site: Client, settings: Any, db: None) -> None:
    settings.LANGUAGE_CODE = "el"
    page = failing_site.get("/fails/").content.decode()
    assert "Κάτι πήγε στραβά από τη μεριά μας" in page


def test_an_api_operation_that_fails_answers_json_without_traceback(failing_site: Client, db: None) -> None:
    response = failing_site.get("/api/v1/failing/fails")
    assert response.status_code == 500
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert body["detail"][0]["msg"].startswith("Something went wrong on our side")
    assert "Traceback" not in response.content.decode()
    assert SECRET_DETAIL not in response.content.decode()


def test_an_unknown_api_path_answers_json_not_an_html_page(db: None) -> None:
    response = Client().get("/api/v1/no-such-resource")
    assert response.status_code == 404
    assert response.json() == {"detail": [{"loc": [], "msg": "Not found.", "type": "not_found"}]}


def test_an_unknown_page_is_the_products_404(db: None, settings: Any) -> None:
    settings.LANGUAGE_CODE = "el"
    response = Client().get("/no-such-page/")
    assert response.status_code == 404
    assert "Η σελίδα δεν υπάρχει" in response.content.decode()


# ---------------------------------------------------------------- 413


def test_a_25_mb_json_body_to_the_api_gets_413_json(agent: Any, api_as: Any) -> None:
    api = api_as(agent)
    body = json.dumps({"first_name": "Γιώργος", "last_name": "x" * TWENTY_FIVE_MB})
    response = api.client.post(
        "/api/v1/customers", body, content_type="application/json", headers=api.headers
    )
    assert response.status_code == 413
    assert response.json() == {
        "detail": [
            {"loc": ["body"], "msg": "The request is too large. The limit is 20 MB.", "type": "too_large"}
        ]
    }
    assert not Customer.objects.exists()


def test_a_25_mb_post_to_a_form_page_gets_413_with_a_short_page(db: None, settings: Any) -> None:
    settings.LANGUAGE_CODE = "el"
    response = Client().post("/support/", {"name": "Ελένη", "message": "x" * TWENTY_FIVE_MB})
    assert response.status_code == 413
    page = response.content.decode()
    assert "Το αίτημα είναι πολύ μεγάλο. Το όριο είναι 20 MB." in page
    assert not Customer.objects.exists()


def test_a_form_field_over_the_limit_inside_an_upload_gets_413(db: None, settings: Any) -> None:
    # an upload (multipart) may be as big as an import file; its text fields still have the body limit
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024
    response = Client().post("/login/", {"username": "x" * (2 * 1024 * 1024), "password": "p"})
    assert response.status_code == 413
    assert "The limit is 1 MB" in response.content.decode()


def test_the_limit_is_configurable(tmp_path: Path) -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "from pelatis import settings as s; "
            "print(s.DATA_UPLOAD_MAX_MEMORY_SIZE, s.PELATIS_MAX_UPLOAD_BYTES)",
        ],
        cwd=ROOT,
        env=clean_env(tmp_path, PELATIS_MAX_BODY_BYTES="1048576", PELATIS_IMPORT_MAX_BYTES="4194304"),
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    assert result.stdout.split() == ["1048576", str(5 * 1024 * 1024)]


def test_a_body_under_the_limit_is_served_as_before(agent: Any, api_as: Any) -> None:
    api = api_as(agent)
    response = api.post(
        "/api/v1/customers", {"first_name": "Γιώργος", "last_name": "Π" * 100, "emails": ["g@example.com"]}
    )
    assert response.status_code == 201, response.content
