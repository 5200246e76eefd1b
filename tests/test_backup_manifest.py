"""What a restore accepts from an archive before it touches anything: the manifest's names and an
archive's members are checked, so an altered archive can neither reach outside the file storage nor
slip in a part its manifest does not vouch for."""

from __future__ import annotations

import hashlib
import io
import json
import tarfile
from pathlib import Path

import pytest

from pelatis.core.backup.manifest import BackupError, Manifest, Part, safe_name
from pelatis.core.backup.services import backup_create, backup_verify

DATABASE = b"SQLite format 3\x00" + b"\x00" * 100
FILE = "Ευχαριστήριο κ. Παπαδόπουλου.txt".encode()


def part(path: str, data: bytes, name: str = "") -> Part:
    return Part(path=path, sha256=hashlib.sha256(data).hexdigest(), size=len(data), name=name)


def manifest(files: list[Part]) -> Manifest:
    return Manifest(
        created="2026-12-07T10:00:00+00:00",
        pelatis_version="0.1.0",
        engine="sqlite",
        storage="filesystem",
        database=part("database/pelatis.sqlite3", DATABASE),
        migrations={"core": ["0001_initial"]},
        tables={"customers_customer": 1},
        files=files,
    )


def archive(path: Path, members: list[tuple[str, bytes]], *, link: str | None = None) -> Path:
    with tarfile.open(path, "w:gz", format=tarfile.PAX_FORMAT) as tar:
        for name, data in members:
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
        if link:
            info = tarfile.TarInfo(link)
            info.type = tarfile.SYMTYPE
            info.linkname = "/etc/passwd"
            tar.addfile(info)
    return path


@pytest.mark.parametrize(
    "name",
    [
        "attachments/2026/12/φωτογραφία.png",
        "έγγραφα/Συμβόλαιο Παπαδόπουλου.pdf",
        "exports/privacy/customer-7.zip",
    ],
)
def test_plain_relative_names_are_safe(name: str) -> None:
    assert safe_name(name)


@pytest.mark.parametrize(
    "name", ["", "/etc/passwd", "../secret_key", "attachments/../../x", "a//b", "./a", "a/", "a\\b", "a\x00b"]
)
def test_names_reaching_outside_the_storage_are_not(name: str) -> None:
    assert not safe_name(name)


def test_a_manifest_reads_back_as_written() -> None:
    written = manifest([part("files/a.txt", FILE, "a.txt")])
    assert Manifest.from_json(written.to_json()) == written


def test_a_manifest_naming_a_path_outside_the_storage_is_refused() -> None:
    bad = manifest([part("files/../../etc/cron.d/x", FILE, "../../etc/cron.d/x")])
    with pytest.raises(BackupError, match="cannot be restored safely"):
        Manifest.from_json(bad.to_json())


def test_a_manifest_whose_file_path_and_name_disagree_is_refused() -> None:
    bad = manifest([part("files/a.txt", FILE, "b.txt")])
    with pytest.raises(BackupError, match="cannot be restored safely"):
        Manifest.from_json(bad.to_json())


def test_another_format_or_version_is_refused() -> None:
    raw = json.loads(manifest([]).to_json())
    with pytest.raises(BackupError, match="not a Pelatis backup"):
        Manifest.from_json(json.dumps({**raw, "format": "something-else"}).encode())
    with pytest.raises(BackupError, match="format version 2"):
        Manifest.from_json(json.dumps({**raw, "version": 2}).encode())
    with pytest.raises(BackupError, match="not valid JSON"):
        Manifest.from_json(b"{")


def test_an_intact_archive_verifies_and_yields_its_database(tmp_path: Path) -> None:
    files = [part("files/a.txt", FILE, "a.txt")]
    path = archive(
        tmp_path / "b.tar.gz",
        [
            ("database/pelatis.sqlite3", DATABASE),
            ("files/a.txt", FILE),
            ("manifest.json", manifest(files).to_json()),
        ],
    )
    work = tmp_path / "work"
    work.mkdir()
    found, database = backup_verify(path, work)
    assert found.files == files
    assert database.read_bytes() == DATABASE


def test_a_part_the_manifest_does_not_list_is_refused(tmp_path: Path) -> None:
    path = archive(
        tmp_path / "b.tar.gz",
        [
            ("database/pelatis.sqlite3", DATABASE),
            ("files/a.txt", FILE),
            ("files/smuggled.txt", b"not listed"),
            ("manifest.json", manifest([part("files/a.txt", FILE, "a.txt")]).to_json()),
        ],
    )
    with pytest.raises(BackupError, match="does not list"):
        backup_verify(path, tmp_path)


def test_a_link_in_the_archive_is_refused(tmp_path: Path) -> None:
    path = archive(
        tmp_path / "b.tar.gz",
        [("database/pelatis.sqlite3", DATABASE), ("manifest.json", manifest([]).to_json())],
        link="files/passwd",
    )
    with pytest.raises(BackupError, match="unexpected entry"):
        backup_verify(path, tmp_path)


def test_a_missing_part_is_refused(tmp_path: Path) -> None:
    path = archive(
        tmp_path / "b.tar.gz",
        [
            ("database/pelatis.sqlite3", DATABASE),
            ("manifest.json", manifest([part("files/a.txt", FILE, "a.txt")]).to_json()),
        ],
    )
    with pytest.raises(BackupError, match="lacks 1 part"):
        backup_verify(path, tmp_path)


def test_not_an_archive_at_all_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("Σημειώσεις", encoding="utf-8")
    with pytest.raises(BackupError, match="not a backup archive"):
        backup_verify(path, tmp_path)
    with pytest.raises(BackupError, match="no backup archive"):
        backup_verify(tmp_path / "missing.tar.gz", tmp_path)


@pytest.mark.django_db
def test_backup_refuses_a_folder_or_a_missing_folder_as_its_file(tmp_path: Path) -> None:
    with pytest.raises(BackupError, match="it is a folder"):
        backup_create(out=tmp_path)
    with pytest.raises(BackupError, match="no such folder"):
        backup_create(out=tmp_path / "missing" / "b.tar.gz")
    assert list(tmp_path.iterdir()) == []  # nothing half written
