"""The `pelatis` command as an operator runs it: a fresh data folder, migrate, standard Django commands."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _pelatis(data_dir: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("PELATIS_", "DJANGO_"))}
    return subprocess.run(
        [sys.executable, "-m", "pelatis.cli", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**base, "PELATIS_DATA_DIR": str(data_dir), **env},
        timeout=300,
        check=False,
    )


def test_fresh_install_migrates_creates_a_superuser_and_issues_a_token(tmp_path: Path) -> None:
    assert _pelatis(tmp_path, "migrate", "--noinput").returncode == 0
    assert (tmp_path / "pelatis.sqlite3").exists()
    made = _pelatis(
        tmp_path,
        "createsuperuser",
        "--noinput",
        "--username",
        "owner",
        "--email",
        "owner@example.gr",
        DJANGO_SUPERUSER_PASSWORD="a-long-Pass-phrase-7",
    )
    assert made.returncode == 0, made.stderr
    token = _pelatis(tmp_path, "token", "create", "owner")
    assert token.returncode == 0, token.stderr
    assert token.stdout.strip().splitlines()[-1].startswith("pel_")
    missing = _pelatis(tmp_path, "token", "create", "nobody")
    assert missing.returncode != 0
    assert "nobody" in missing.stderr
