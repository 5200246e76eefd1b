"""`pelatis check --deploy`: a secret key that anyone can read is no secret."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error

# Files that may hold a pasted key: code, docs, configuration examples.
SCANNED_SUFFIXES = {
    ".py",
    ".md",
    ".txt",
    ".rst",
    ".toml",
    ".cfg",
    ".ini",
    ".yml",
    ".yaml",
    ".json",
    ".html",
    ".sh",
    ".example",
}
SKIPPED_DIRS = {
    ".git",
    ".venv",
    "venv",
    "node_modules",
    "__pycache__",
    "var",
    "build",
    "dist",
    ".mypy_cache",
    ".ruff_cache",
    ".pytest_cache",
    "artifacts",
    ".hypothesis",
}
MAX_FILES = 20_000
MAX_FILE_BYTES = 2 * 1024 * 1024
# SHA-256 of keys that earlier versions shipped in their source: a copy of one
# is public even though the source no longer holds it.
PUBLISHED_KEY_DIGESTS = {"65f6cbbf98d4d3367d31eae5f515d1694d25fe3477a5a75965fc3ed6e683a6fc"}


def source_roots() -> list[Path]:
    """The package, and the checkout around it when Pelatis runs from one (not site-packages)."""
    package = Path(settings.BASE_DIR)
    project = Path(settings.PROJECT_DIR)
    return [package, project] if (project / "pyproject.toml").is_file() else [package]


def _source_files(roots: Iterable[Path], skip: set[Path]) -> Iterator[Path]:
    seen: set[Path] = set()
    for root in roots:
        for folder, dirs, files in os.walk(root):
            here = Path(folder)
            dirs[:] = [
                d
                for d in dirs
                if d not in SKIPPED_DIRS and not d.endswith(".egg-info") and (here / d).resolve() not in skip
            ]
            for name in files:
                path = here / name
                if (path.suffix in SCANNED_SUFFIXES or name.startswith(".env")) and path not in seen:
                    seen.add(path)
                    if len(seen) > MAX_FILES:
                        return
                    yield path


def files_holding(secret: str, roots: Iterable[Path], *, skip: Iterable[Path] = ()) -> list[Path]:
    """The source files (bounded in number and size) in which ``secret`` appears verbatim."""
    needle = secret.encode()
    found = []
    for path in _source_files(roots, {p.resolve() for p in skip}):
        try:
            if path.stat().st_size <= MAX_FILE_BYTES and needle in path.read_bytes():
                found.append(path)
        except OSError:
            continue
    return found


def check_secret_key_is_secret(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """pelatis.E001: SECRET_KEY is written in the source tree, or is a key an earlier version published."""
    key = str(getattr(settings, "SECRET_KEY", ""))
    if len(key) < 16:
        return []  # Django's security.W009 already reports a short key
    hint = (
        'Generate a new key (for example `python -c "import secrets; print(secrets.token_urlsafe(50))"`), '
        "pass it as PELATIS_SECRET_KEY or PELATIS_SECRET_KEY_FILE, and keep it out of the source."
    )
    if hashlib.sha256(key.encode()).hexdigest() in PUBLISHED_KEY_DIGESTS:
        return [
            Error(
                "SECRET_KEY is a key that was published with an earlier version of Pelatis.",
                hint=hint,
                id="pelatis.E001",
            )
        ]
    holding = files_holding(key, source_roots(), skip=[Path(settings.DATA_DIR)])
    if holding:
        names = ", ".join(str(p) for p in holding[:5]) + (" …" if len(holding) > 5 else "")
        return [
            Error(
                f"SECRET_KEY appears in the source tree ({names}): anyone with the code can forge "
                "sessions, password-reset and customer links.",
                hint=hint,
                id="pelatis.E001",
            )
        ]
    return []
