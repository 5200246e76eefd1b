"""The Greek catalogue is complete and its compiled .mo matches the .po it came from."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

LOCALE = Path(__file__).resolve().parent.parent / "pelatis" / "locale"


def _entries(po: Path) -> list[tuple[str, str, bool]]:
    """(msgid, joined msgstr(s), fuzzy) for every entry but the header."""
    entries: list[tuple[str, str, bool]] = []
    msgid: list[str] = []
    msgstr: list[str] = []
    fuzzy = False
    current: list[str] | None = None
    for line in [*po.read_text(encoding="utf-8").splitlines(), ""]:
        if not line.strip():
            if msgid:
                entries.append(("".join(msgid), "".join(msgstr), fuzzy))
            msgid, msgstr, fuzzy, current = [], [], False, None
        elif line.startswith("#,") and "fuzzy" in line:
            fuzzy = True
        elif line.startswith("msgid "):
            current, msgid = msgid, [line[6:].strip('"')]
        elif line.startswith(("msgid_plural", "#")):
            current = None
        elif line.startswith("msgstr"):
            current = msgstr
            msgstr.append(line.split(" ", 1)[1].strip('"') or "")
        elif line.startswith('"') and current is not None:
            current.append(line.strip('"'))
    return [e for e in entries if e[0]]


def test_every_greek_message_is_translated() -> None:
    entries = _entries(LOCALE / "el" / "LC_MESSAGES" / "django.po")
    missing = [msgid for msgid, msgstr, fuzzy in entries if fuzzy or not msgstr]
    assert len(entries) > 500
    assert missing == [], f"{len(missing)} Greek messages untranslated or fuzzy, e.g. {missing[:5]}"


def test_compiled_catalogue_is_current(tmp_path: Path) -> None:
    if shutil.which("msgfmt") is None:
        if os.environ.get("CI") == "true":
            pytest.fail("msgfmt (gettext) is not installed")
        pytest.skip("msgfmt is not installed here")
    out = tmp_path / "django.mo"
    subprocess.run(
        ["msgfmt", "--check", "-o", str(out), str(LOCALE / "el" / "LC_MESSAGES" / "django.po")], check=True
    )
    assert out.read_bytes() == (LOCALE / "el" / "LC_MESSAGES" / "django.mo").read_bytes(), (
        "django.mo is stale: run `make messages`"
    )
