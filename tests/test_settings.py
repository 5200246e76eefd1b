"""The production settings mode: refuses to start without its secrets, and passes `check --deploy`."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _pelatis(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("PELATIS_", "DJANGO_"))}
    return subprocess.run(
        [sys.executable, "-m", "pelatis.cli", *args],
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def _check_deploy(data_dir: Path, **secret: str) -> subprocess.CompletedProcess[str]:
    """`pelatis check --deploy` in production mode, failing on warnings, with the secret given as ``secret``."""
    return _pelatis(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        PELATIS_MODE="production",
        PELATIS_ALLOWED_HOSTS="crm.example.gr",
        PELATIS_DATA_DIR=str(data_dir),
        **secret,
    )


def test_production_mode_passes_check_deploy(tmp_path: Path) -> None:
    result = _check_deploy(tmp_path, PELATIS_SECRET_KEY=secrets.token_urlsafe(50))
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_mode_refuses_to_start_without_a_secret(tmp_path: Path) -> None:
    result = _pelatis(
        "check",
        PELATIS_MODE="production",
        PELATIS_ALLOWED_HOSTS="crm.example.gr",
        PELATIS_DATA_DIR=str(tmp_path),
    )
    assert result.returncode != 0
    assert "PELATIS_SECRET_KEY" in result.stderr


def test_malformed_values_are_refused_not_guessed(tmp_path: Path) -> None:
    result = _pelatis("check", PELATIS_DEBUG="maybe", PELATIS_DATA_DIR=str(tmp_path))
    assert result.returncode != 0
    assert "PELATIS_DEBUG" in result.stderr


def test_secret_can_come_from_a_file(tmp_path: Path) -> None:
    secret = tmp_path / "key"
    secret.write_text(secrets.token_urlsafe(50) + "\n")
    result = _check_deploy(tmp_path, PELATIS_SECRET_KEY_FILE=str(secret))
    assert result.returncode == 0, result.stdout + result.stderr
