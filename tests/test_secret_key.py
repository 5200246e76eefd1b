"""No public secret: an embedded install makes its own key on the first run and keeps it; production
refuses to start without one; `check --deploy` refuses a key that is written in the source tree."""

from __future__ import annotations

import hashlib
import secrets
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.checks import run_checks
from django.test import override_settings

from pelatis.web import checks
from tests.served import ROOT, clean_env, pelatis

PRINT_KEY = "from pelatis import settings; print(settings.SECRET_KEY)"
# A key that sits in this very file, as a key pasted into the code or a README would.
KEY_IN_THE_SOURCE = "pelatis-a-key-somebody-pasted-into-the-code-4f1d9c2e7b"


def _key_of_a_new_process(data_dir: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", PRINT_KEY],
        cwd=ROOT,
        env=clean_env(data_dir),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_embedded_install_generates_its_key_once_into_the_data_folder_private(tmp_path: Path) -> None:
    # given a fresh data folder and no PELATIS_SECRET_KEY
    # when two processes start together, and a third later
    together = [_key_of_a_new_process(tmp_path), _key_of_a_new_process(tmp_path)]
    keys = [p.communicate(timeout=120)[0].strip() for p in together]
    later = _key_of_a_new_process(tmp_path).communicate(timeout=120)[0].strip()
    # then all three use one random key, kept in the data folder, readable by the owner only
    key_file = tmp_path / "secret_key"
    assert key_file.read_text().strip() == keys[0] == keys[1] == later
    assert len(later) >= 50
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert [p.name for p in tmp_path.iterdir()].count("secret_key") == 1  # no temporary file left behind
    # and another install gets another key
    assert _key_of_a_new_process(tmp_path / "other").communicate(timeout=120)[0].strip() != later


def test_the_generated_key_is_not_in_the_source_and_passes_the_deploy_check(tmp_path: Path) -> None:
    result = pelatis("check", "--deploy", env=clean_env(tmp_path))
    assert "pelatis.E001" not in result.stdout + result.stderr
    key = (tmp_path / "secret_key").read_text().strip()
    assert not checks.files_holding(key, checks.source_roots())


def test_production_refuses_to_start_without_a_key_and_writes_none(tmp_path: Path) -> None:
    result = pelatis(
        "check", env=clean_env(tmp_path, PELATIS_MODE="production", PELATIS_ALLOWED_HOSTS="crm.example.gr")
    )
    assert result.returncode != 0
    assert "PELATIS_SECRET_KEY is required in production mode" in result.stderr
    assert not (tmp_path / "secret_key").exists()


def test_check_deploy_fails_on_a_key_found_in_the_source_tree(tmp_path: Path) -> None:
    result = pelatis(
        "check",
        "--deploy",
        env=clean_env(
            tmp_path,
            PELATIS_MODE="production",
            PELATIS_ALLOWED_HOSTS="crm.example.gr",
            PELATIS_SECRET_KEY=KEY_IN_THE_SOURCE,
        ),
    )
    assert result.returncode != 0
    assert "pelatis.E001" in result.stderr
    assert "test_secret_key.py" in result.stderr  # says where the key was found


def test_check_deploy_passes_a_key_that_is_nowhere_in_the_source(tmp_path: Path) -> None:
    result = pelatis(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        env=clean_env(
            tmp_path,
            PELATIS_MODE="production",
            PELATIS_ALLOWED_HOSTS="crm.example.gr",
            PELATIS_SECRET_KEY=secrets.token_urlsafe(50),
        ),
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_key_an_earlier_version_published_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    published = secrets.token_urlsafe(50)  # stands for a key that was once in a released source tree
    monkeypatch.setattr(checks, "PUBLISHED_KEY_DIGESTS", {hashlib.sha256(published.encode()).hexdigest()})
    with override_settings(SECRET_KEY=published):
        errors = run_checks(include_deployment_checks=True, tags=["security"])
    assert [e.id for e in errors if e.id is not None and e.id.startswith("pelatis.")] == ["pelatis.E001"]


def test_the_deploy_check_is_not_run_without_deploy() -> None:
    with override_settings(SECRET_KEY=KEY_IN_THE_SOURCE):
        assert not [e for e in run_checks(tags=["security"]) if e.id == "pelatis.E001"]
        assert [e.id for e in run_checks(include_deployment_checks=True) if e.id == "pelatis.E001"] == [
            "pelatis.E001"
        ]
