"""`pelatis backup` and `pelatis restore` as an operator runs them, on SQLite with files on local disk and
in object storage: an install with data in every app and stored files (a mail's attachment, a file
with a Greek name) → backup → restore into an empty install → every table's rows and every file equal.

Each install is its own data folder and database, driven through the `pelatis` command in a process of
its own, as in production. The source install is built once for the module (migrate is the slow part);
an empty install is a copy of the freshly migrated database.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tarfile
from collections.abc import Callable
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# Every app that keeps data: the source install must hold rows in each (demo + a mail + staff).
APPS_WITH_DATA = (
    "core",
    "accounts",
    "customers",
    "privacy",
    "helpdesk",
    "channels",
    "feedback",
    "loyalty",
    "engagement",
    "analytics",
)
ATTACHMENT = bytes(range(256)) * 40
GREEK_NAME = "έγγραφα/Συμβόλαιο Παπαδόπουλου.pdf"
GREEK_BYTES = "Συμβόλαιο — κ. Παπαδόπουλος, ευχαριστούμε!".encode() * 50


@dataclass
class Install:
    """One Pelatis install: a data folder, its database and its file storage (env for the command)."""

    data_dir: Path
    env: dict[str, str] = field(default_factory=dict)

    def run(
        self, *args: str, stdin: bytes | None = None, check: bool = True
    ) -> subprocess.CompletedProcess[str]:
        base = {k: v for k, v in os.environ.items() if not k.startswith(("PELATIS_", "DJANGO_"))}
        done = subprocess.run(
            [sys.executable, "-m", "pelatis.cli", *args],
            cwd=ROOT,
            input=stdin.decode("utf-8") if stdin is not None else None,
            capture_output=True,
            text=True,
            # the command's messages in English, as the assertions read them
            env={**base, "PELATIS_DATA_DIR": str(self.data_dir), "PELATIS_LANGUAGE": "en", **self.env},
            timeout=600,
            check=False,
        )
        if check:
            assert done.returncode == 0, f"pelatis {' '.join(args)}: {done.stdout}\n{done.stderr}"
        return done

    @property
    def sqlite(self) -> Path:
        return self.data_dir / "pelatis.sqlite3"


def mail_with_attachment(number: int) -> bytes:
    message = EmailMessage()
    message["From"] = "Γιώργος Παπαδόπουλος <giorgos@example.gr>"
    message["To"] = "support@example.com"
    message["Subject"] = f"Σπασμένο φλιτζάνι {number}"
    message["Message-ID"] = f"<backup-{number}@example.gr>"
    message.set_content("Καλησπέρα σας, το φλιτζάνι έφτασε σπασμένο. Στέλνω φωτογραφία.")
    message.add_attachment(ATTACHMENT, maintype="image", subtype="png", filename="φωτογραφία ζημιάς.png")
    return message.as_bytes()


STORE_SCRIPT = (
    "from django.core.files.base import ContentFile\n"
    "from django.core.files.storage import default_storage\n"
    "default_storage.delete({name!r})\n"
    "assert default_storage.save({name!r}, ContentFile({data!r})) == {name!r}\n"
)


def store_file(install: Install, name: str, data: bytes) -> None:
    install.run("shell", "-c", STORE_SCRIPT.format(name=name, data=data))


def fill(install: Install) -> None:
    """Data in every app (the demo, an API token, a mail with an attachment, the worker's round) and a stored
    file with a Greek name."""
    install.run("demo", "--customers", "40")
    install.run("token", "create", "admin")
    install.run("mail", "ingest", stdin=mail_with_attachment(1))
    install.run("worker", "--once")  # the acknowledgement goes out through the outbox; the jobs' records
    store_file(install, GREEK_NAME, GREEK_BYTES)


def backup(install: Install, out: Path) -> Path:
    done = install.run("backup", "--out", str(out))
    path = Path(done.stdout.strip().splitlines()[-1])
    assert path == out
    assert path.is_file()
    return path


def sqlite_copy(source: Path, target: Path) -> None:
    """A consistent copy of a SQLite database (its WAL included), as an empty install's starting point."""
    target.parent.mkdir(parents=True, exist_ok=True)
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)


# The cache is emptied by a restore (it may hold counters and pages of the install as it was), so it is the
# one table not compared; test_the_restore_empties_the_cache says so.
CACHE_TABLE = "pelatis_cache"


def sqlite_tables(path: Path) -> dict[str, list[tuple[object, ...]]]:
    """Every table's rows (sorted), straight from the file; the cache's apart."""
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
        names = [
            r[0]
            for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
            if r[0] != CACHE_TABLE
        ]
        return {
            name: sorted((db.execute(f'SELECT * FROM "{name}"').fetchall()), key=repr)  # noqa: S608
            for name in names
        }


def local_files(install: Install) -> dict[str, bytes]:
    media = install.data_dir / "media"
    return {
        p.relative_to(media).as_posix(): p.read_bytes()
        for p in sorted(media.rglob("*"))
        if p.is_file() and ".probe" not in p.relative_to(media).parts
    }


def rewrite(archive: Path, out: Path, change: Callable[[str, bytes], bytes]) -> Path:
    """A copy of ``archive`` with each member's bytes passed through ``change(name, data)``."""
    members: list[tuple[tarfile.TarInfo, bytes]] = []
    with tarfile.open(archive, "r:gz") as tar:
        for member in tar:
            handle = tar.extractfile(member)
            assert handle is not None
            members.append((member, change(member.name, handle.read())))
    with tarfile.open(out, "w:gz", format=tarfile.PAX_FORMAT) as tar:
        for member, data in members:
            member.size = len(data)
            tar.addfile(member, io.BytesIO(data))
    return out


def manifest_of(archive: Path) -> dict[str, object]:
    with tarfile.open(archive, "r:gz") as tar:
        handle = tar.extractfile("manifest.json")
        assert handle is not None
        manifest: dict[str, object] = json.loads(handle.read())
        return manifest


@dataclass(frozen=True)
class Source:
    install: Install
    fresh: Path  # the database right after `migrate`: an empty install
    archive: Path
    tables: dict[str, list[tuple[object, ...]]]
    files: dict[str, bytes]


@pytest.fixture(scope="module")
def source(tmp_path_factory: pytest.TempPathFactory) -> Source:
    folder = tmp_path_factory.mktemp("backup-source")
    install = Install(folder / "data")
    install.run("migrate", "--noinput")
    fresh = folder / "fresh.sqlite3"
    sqlite_copy(install.sqlite, fresh)
    fill(install)
    archive = backup(install, folder / "pelatis-backup.tar.gz")
    return Source(install, fresh, archive, sqlite_tables(install.sqlite), local_files(install))


def empty_install(source: Source, folder: Path, *, migrated: bool = True, **env: str) -> Install:
    install = Install(folder / "data", env=env)
    if migrated:
        sqlite_copy(source.fresh, install.sqlite)
    return install


def test_the_source_holds_data_in_every_app_and_files(source: Source) -> None:
    for app in APPS_WITH_DATA:
        assert any(rows for name, rows in source.tables.items() if name.startswith(f"{app}_")), app
    assert source.files[GREEK_NAME] == GREEK_BYTES
    assert ATTACHMENT in source.files.values()


def test_the_manifest_lists_every_table_file_and_migration(source: Source) -> None:
    manifest = manifest_of(source.archive)
    assert manifest["engine"] == "sqlite"
    assert manifest["storage"] == "filesystem"
    tables = manifest["tables"]
    assert isinstance(tables, dict)
    assert CACHE_TABLE in tables
    assert {name: n for name, n in tables.items() if name != CACHE_TABLE} == {
        name: len(rows) for name, rows in source.tables.items() if not name.startswith("sqlite_")
    }
    files = manifest["files"]
    assert isinstance(files, list)
    assert {f["name"]: f["size"] for f in files} == {name: len(data) for name, data in source.files.items()}
    migrations = manifest["migrations"]
    assert isinstance(migrations, dict)
    assert "0003_audit_append_only" in migrations["core"]


def test_round_trip_into_an_empty_install_restores_every_table_and_file(
    source: Source, tmp_path: Path
) -> None:
    # given a freshly migrated install
    target = empty_install(source, tmp_path)
    # when
    done = target.run("restore", str(source.archive))
    # then every table and every file is the source's
    assert sqlite_tables(target.sqlite) == source.tables
    assert local_files(target) == source.files
    assert "Restored" in done.stdout
    target.run("migrate", "--check")
    # and the cache is empty: nothing cached for the install as it was outlives the restore
    with sqlite3.connect(target.sqlite) as db:
        assert db.execute(f"SELECT count(*) FROM {CACHE_TABLE}").fetchone() == (0,)  # noqa: S608
    # and the audit log is still append-only
    with sqlite3.connect(target.sqlite) as db, pytest.raises(sqlite3.DatabaseError, match="cannot be"):
        db.execute("UPDATE core_auditevent SET detail = 'changed'")


def test_round_trip_into_a_database_never_migrated(source: Source, tmp_path: Path) -> None:
    target = empty_install(source, tmp_path, migrated=False)
    target.run("restore", str(source.archive))
    assert sqlite_tables(target.sqlite) == source.tables
    assert local_files(target) == source.files


def test_an_install_holding_data_is_refused_and_left_as_it_was(source: Source, tmp_path: Path) -> None:
    # given an install with data of its own: a copy of the source with one more staff group and file
    target = empty_install(source, tmp_path)
    sqlite_copy(source.install.sqlite, target.sqlite)
    with sqlite3.connect(target.sqlite) as db:
        db.execute("INSERT INTO auth_group (name) VALUES ('Νυχτερινή βάρδια')")
    store_file(target, "extra/σημείωμα.txt", b"kept")
    before = sqlite_tables(target.sqlite), local_files(target)
    # when
    refused = target.run("restore", str(source.archive), check=False)
    # then
    assert refused.returncode != 0
    assert "--force" in refused.stderr
    assert "already holds data" in refused.stderr
    assert (sqlite_tables(target.sqlite), local_files(target)) == before


def test_force_replaces_the_install_and_removes_files_the_backup_lacks(
    source: Source, tmp_path: Path
) -> None:
    target = empty_install(source, tmp_path)
    sqlite_copy(source.install.sqlite, target.sqlite)
    shutil.copytree(source.install.data_dir / "media", target.data_dir / "media")
    with sqlite3.connect(target.sqlite) as db:
        db.execute("INSERT INTO auth_group (name) VALUES ('Νυχτερινή βάρδια')")
    store_file(target, "extra/σημείωμα.txt", b"gone after the restore")
    store_file(target, GREEK_NAME, b"a newer version of the same name")

    done = target.run("restore", "--force", str(source.archive))

    assert sqlite_tables(target.sqlite) == source.tables
    assert local_files(target) == source.files
    assert "Removed 1 stored file" in done.stdout


def test_a_damaged_archive_is_refused_before_anything_changes(source: Source, tmp_path: Path) -> None:
    def flip(name: str, data: bytes) -> bytes:
        return data[:-1] + bytes([data[-1] ^ 1]) if name == f"files/{GREEK_NAME}" else data

    damaged = rewrite(source.archive, tmp_path / "damaged.tar.gz", flip)
    target = empty_install(source, tmp_path)
    before = sqlite_tables(target.sqlite)

    refused = target.run("restore", str(damaged), check=False)

    assert refused.returncode != 0
    assert "checksum" in refused.stderr
    assert sqlite_tables(target.sqlite) == before
    assert local_files(target) == {}
    checked = target.run("restore", "--check", str(damaged), check=False)
    assert checked.returncode != 0
    assert "checksum" in checked.stderr


def test_a_cut_short_archive_is_refused(source: Source, tmp_path: Path) -> None:
    cut = tmp_path / "cut.tar.gz"
    cut.write_bytes(source.archive.read_bytes()[: source.archive.stat().st_size // 2])
    target = empty_install(source, tmp_path)
    refused = target.run("restore", str(cut), check=False)
    assert refused.returncode != 0
    assert "cut short" in refused.stderr
    assert local_files(target) == {}


def test_a_backup_of_a_newer_version_is_refused(source: Source, tmp_path: Path) -> None:
    def newer(name: str, data: bytes) -> bytes:
        if name != "manifest.json":
            return data
        manifest = json.loads(data)
        manifest["migrations"]["core"].append("9999_from_the_future")
        return json.dumps(manifest).encode()

    archive = rewrite(source.archive, tmp_path / "newer.tar.gz", newer)
    target = empty_install(source, tmp_path)
    refused = target.run("restore", str(archive), check=False)
    assert refused.returncode != 0
    assert "newer Pelatis" in refused.stderr
    assert "core.9999_from_the_future" in refused.stderr
    assert local_files(target) == {}


def test_restore_check_describes_an_intact_archive(source: Source, tmp_path: Path) -> None:
    target = empty_install(source, tmp_path)
    done = target.run("restore", "--check", str(source.archive))
    assert "intact" in done.stdout
    assert f"Files: {len(source.files)}" in done.stdout
    assert local_files(target) == {}


def test_the_archive_is_private_to_its_owner(source: Source) -> None:
    assert source.archive.stat().st_mode & 0o077 == 0


def test_backup_without_out_goes_to_the_data_folder(source: Source, tmp_path: Path) -> None:
    target = empty_install(source, tmp_path)
    done = target.run("backup")
    path = Path(done.stdout.strip().splitlines()[-1])
    assert path.parent == target.data_dir / "backups"
    assert path.name.startswith("pelatis-backup-")
    assert path.is_file()
    shutil.rmtree(path.parent)
