"""Make a backup archive, check one, restore one (``pelatis backup`` / ``pelatis restore``).

A backup is the database (one consistent snapshot) and then every stored file, read through Django's
``default_storage`` (the data folder or an S3 bucket alike). The database is copied first: a file
stored after that moment may be in the archive without a row pointing to it (harmless); a file deleted
after it is missing from the archive and named in the command's output.

A restore checks every checksum before it changes anything, refuses an install that already holds
data unless forced, writes the files, then replaces the database (in one step on SQLite, in one
transaction on PostgreSQL), and checks the restored tables' rows against the manifest.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import secrets
import tarfile
import tempfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import IO

from django.conf import settings
from django.core.cache import cache
from django.core.files import File
from django.core.files.storage import default_storage
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from pelatis.core.files import storage_walk

from .database import (
    database_contents,
    database_restore,
    database_snapshot,
    default_connection,
    live_table_rows,
    pending_migrations,
    unknown_migrations,
)
from .manifest import (
    DATABASE_FOLDER,
    MANIFEST_MAX_BYTES,
    MANIFEST_NAME,
    BackupError,
    Manifest,
    Part,
    file_path,
    safe_name,
)

CHUNK = 1024 * 1024
SPOOL_BYTES = 32 * 1024 * 1024  # a stored file up to this size is held in memory on its way through


@dataclass(frozen=True)
class BackupMade:
    path: Path
    manifest: Manifest
    vanished: list[str]  # stored files deleted between the listing and their reading


@dataclass(frozen=True)
class Restored:
    manifest: Manifest
    files_removed: int  # stored files the install had and the backup did not (with --force)
    pending: list[str]  # migrations of this version the backup predates: `pelatis migrate` applies them


def stored_names() -> Iterator[str]:
    """Every stored file's name, local disk or object storage alike (readiness probes left out)."""
    return storage_walk()


def default_archive_path(created: datetime) -> Path:
    return Path(settings.DATA_DIR) / "backups" / f"pelatis-backup-{created:%Y%m%dT%H%M%SZ}.tar.gz"


def _storage_kind() -> str:
    return "s3" if hasattr(default_storage, "bucket_name") else "filesystem"


def _version() -> str:
    try:
        return metadata.version("pelatis")
    except metadata.PackageNotFoundError:
        return "unknown"


def _copy(source: IO[bytes], target: IO[bytes] | None) -> tuple[str, int]:
    """Copy ``source`` into ``target`` (or only read it); its SHA-256 and size."""
    digest = hashlib.sha256()
    size = 0
    while chunk := source.read(CHUNK):
        digest.update(chunk)
        size += len(chunk)
        if target is not None:
            target.write(chunk)
    return digest.hexdigest(), size


def _member(path: str, size: int, mtime: float) -> tarfile.TarInfo:
    info = tarfile.TarInfo(path)
    info.size = size
    info.mtime = int(mtime)
    info.mode = 0o600
    return info


def backup_create(*, out: Path | None = None) -> BackupMade:
    """Write one archive with the database, every stored file and the manifest; ``out`` is replaced only
    once the archive is complete (readable by its owner only: it holds personal data)."""
    created = datetime.now(UTC).replace(microsecond=0)
    target = (out if out is not None else default_archive_path(created)).absolute()
    if out is None:
        target.parent.mkdir(parents=True, exist_ok=True)
    if not target.parent.is_dir():
        raise BackupError(_("Cannot write %(file)s: no such folder.") % {"file": target})
    if target.is_dir():
        raise BackupError(
            _("Cannot write %(file)s: it is a folder; name the archive file.") % {"file": target}
        )
    connection = default_connection()
    partial = target.with_name(f".{target.name}.{secrets.token_hex(4)}.partial")
    try:
        descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except OSError as exc:
        raise BackupError(
            _("Cannot write %(file)s: %(error)s") % {"file": target, "error": exc.strerror}
        ) from exc
    try:
        with (
            os.fdopen(descriptor, "wb") as raw,
            tempfile.TemporaryDirectory(dir=target.parent, prefix=".pelatis-backup-") as work,
        ):
            snapshot = database_snapshot(Path(work))
            stamp = created.timestamp()
            with tarfile.open(fileobj=raw, mode="w:gz", format=tarfile.PAX_FORMAT, compresslevel=6) as tar:
                with snapshot.file.open("rb") as handle:
                    sha256, size = _copy(handle, None)
                    handle.seek(0)
                    database = Part(path=DATABASE_FOLDER + snapshot.file.name, sha256=sha256, size=size)
                    tar.addfile(_member(database.path, size, stamp), handle)
                files, vanished = _files_add(tar, stamp)
                manifest = Manifest(
                    created=created.isoformat(),
                    pelatis_version=_version(),
                    engine=connection.vendor,
                    storage=_storage_kind(),
                    database=database,
                    migrations=snapshot.migrations,
                    tables=snapshot.tables,
                    files=files,
                )
                data = manifest.to_json()
                tar.addfile(_member(MANIFEST_NAME, len(data), stamp), io.BytesIO(data))
            raw.flush()
            os.fsync(raw.fileno())
        os.replace(partial, target)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return BackupMade(path=target, manifest=manifest, vanished=vanished)


def _files_add(tar: tarfile.TarFile, stamp: float) -> tuple[list[Part], list[str]]:
    files: list[Part] = []
    vanished: list[str] = []
    for name in stored_names():
        if not safe_name(name):
            raise BackupError(_("A stored file has a name a backup cannot hold: %(name)r") % {"name": name})
        with tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES) as spool:
            try:
                with default_storage.open(name, "rb") as handle:
                    sha256, size = _copy(handle, spool)
            except Exception:
                if default_storage.exists(name):
                    raise
                vanished.append(name)  # deleted since the listing
                continue
            spool.seek(0)
            part = Part(path=file_path(name), sha256=sha256, size=size, name=name)
            tar.addfile(_member(part.path, size, stamp), spool)
            files.append(part)
    return files, vanished


def _open_archive(archive: Path) -> tarfile.TarFile:
    if not archive.is_file():
        raise BackupError(_("There is no backup archive at %(file)s.") % {"file": archive})
    try:
        return tarfile.open(archive, mode="r|gz")
    except (tarfile.TarError, OSError) as exc:
        raise BackupError(
            _("%(file)s is not a backup archive: %(error)s") % {"file": archive, "error": exc}
        ) from exc


def backup_verify(archive: Path, folder: Path) -> tuple[Manifest, Path]:
    """Read the whole archive once and check every part against the manifest's checksums and sizes; the
    manifest and the database copy, extracted into ``folder``. Nothing else is touched."""
    seen: dict[str, tuple[str, int]] = {}
    manifest_data: bytes | None = None
    database_file: Path | None = None
    try:
        with _open_archive(archive) as tar:
            for member in tar:
                if not member.isfile() or member.name in seen:
                    raise BackupError(
                        _("The archive holds an unexpected entry: %(name)r") % {"name": member.name}
                    )
                handle = tar.extractfile(member)
                if handle is None:
                    raise BackupError(
                        _("The archive holds an unexpected entry: %(name)r") % {"name": member.name}
                    )
                if member.name == MANIFEST_NAME:
                    if manifest_data is not None or member.size > MANIFEST_MAX_BYTES:
                        raise BackupError(
                            _("The archive holds an unexpected entry: %(name)r") % {"name": member.name}
                        )
                    manifest_data = handle.read()
                    continue
                plain = member.name[len(DATABASE_FOLDER) :]
                if member.name.startswith(DATABASE_FOLDER) and safe_name(plain) and "/" not in plain:
                    database_file = folder / plain
                    with database_file.open("wb") as out:
                        seen[member.name] = _copy(handle, out)
                else:
                    seen[member.name] = _copy(handle, None)
    except (tarfile.TarError, EOFError, zlib.error) as exc:
        raise BackupError(
            _("%(file)s cannot be read to its end (%(error)s): it is damaged or was cut short.")
            % {"file": archive, "error": exc}
        ) from exc
    if manifest_data is None:
        raise BackupError(
            _("%(file)s has no manifest.json: it is not a Pelatis backup, or it was cut short.")
            % {"file": archive}
        )
    manifest = Manifest.from_json(manifest_data)
    _check(manifest, seen)
    if database_file is None or database_file.name != manifest.database.path[len(DATABASE_FOLDER) :]:
        raise BackupError(_("The archive holds no database copy."))
    return manifest, database_file


def _check(manifest: Manifest, seen: dict[str, tuple[str, int]]) -> None:
    expected = {part.path: (part.sha256, part.size) for part in manifest.parts()}
    missing = sorted(set(expected) - set(seen))
    if missing:
        raise BackupError(
            ngettext(
                "The archive lacks %(count)s part its manifest lists: %(path)s.",
                "The archive lacks %(count)s parts its manifest lists, e.g. %(path)s.",
                len(missing),
            )
            % {"count": len(missing), "path": missing[0]}
        )
    changed = sorted(path for path, found in seen.items() if path in expected and expected[path] != found)
    if changed:
        raise BackupError(
            ngettext(
                "%(count)s part of the archive does not match its checksum: %(path)s. The archive is damaged.",
                "%(count)s parts of the archive do not match their checksums, e.g. %(path)s. The archive is damaged.",
                len(changed),
            )
            % {"count": len(changed), "path": changed[0]}
        )
    extra = sorted(set(seen) - set(expected))
    if extra:
        raise BackupError(
            ngettext(
                "The archive holds %(count)s part its manifest does not list: %(path)s.",
                "The archive holds %(count)s parts its manifest does not list, e.g. %(path)s.",
                len(extra),
            )
            % {"count": len(extra), "path": extra[0]}
        )


def backup_restore(*, archive: Path, force: bool = False) -> Restored:
    """Restore ``archive`` into this install (see the module's description); a BackupError before anything
    is changed when the archive is damaged, does not fit this install, or the install holds data."""
    with tempfile.TemporaryDirectory(prefix="pelatis-restore-") as work:
        manifest, database_file = backup_verify(archive, Path(work))
        _restore_check(manifest, force=force)
        _files_restore(archive, manifest)
        database_restore(database_file, tables=set(manifest.tables))
    removed = 0
    if force:
        keep = {part.name for part in manifest.files}
        for name in [name for name in stored_names() if name not in keep]:
            default_storage.delete(name)
            removed += 1
    live = live_table_rows()
    differ = sorted(table for table, rows in manifest.tables.items() if live.get(table) != rows)
    if differ:
        raise BackupError(
            ngettext(
                "The database was restored, but %(count)s table does not have the backup's rows: %(table)s.",
                "The database was restored, but %(count)s tables do not have the backup's rows, e.g. %(table)s.",
                len(differ),
            )
            % {"count": len(differ), "table": differ[0]}
        )
    with contextlib.suppress(Exception):  # a cache that cannot be emptied now expires on its own
        cache.clear()  # counters and pages cached for the install as it was
    return Restored(manifest=manifest, files_removed=removed, pending=pending_migrations())


def _restore_check(manifest: Manifest, *, force: bool) -> None:
    vendor = default_connection().vendor
    if manifest.engine != vendor:
        raise BackupError(
            _(
                "This backup holds a %(backup)s database and this install uses %(install)s: restore it into an install on %(backup)s."
            )
            % {"backup": manifest.engine, "install": vendor}
        )
    unknown = unknown_migrations(manifest.migrations)
    if unknown:
        raise BackupError(
            _(
                "This backup was made by a newer Pelatis (%(version)s): this version does not know its "
                "migrations %(migrations)s. Install that version or newer, then restore."
            )
            % {"version": manifest.pelatis_version, "migrations": ", ".join(unknown[:5])}
        )
    if force:
        return
    contents = database_contents()
    first_file = next(stored_names(), None)
    if contents or first_file is not None:
        held = ", ".join(f"{table} ({rows})" for table, rows in sorted(contents.items())[:6])
        if first_file is not None:
            held = ", ".join(filter(None, [held, _("stored files, e.g. %(name)s") % {"name": first_file}]))
        raise BackupError(
            _(
                "This install already holds data (%(held)s). A restore replaces all of it: restore into an "
                "empty install, or add --force to replace this one."
            )
            % {"held": held}
        )


def _files_restore(archive: Path, manifest: Manifest) -> None:
    """Write every file of the archive back under its stored name, replacing one of the same name."""
    by_path = {part.path: part for part in manifest.files}
    with _open_archive(archive) as tar:
        for member in tar:
            part = by_path.get(member.name)
            handle = tar.extractfile(member) if part is not None else None
            if part is None or handle is None:
                continue
            with tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES) as spool:
                if _copy(handle, spool) != (part.sha256, part.size):
                    raise BackupError(
                        _("The archive changed while it was being restored: %(path)s") % {"path": part.path}
                    )
                spool.seek(0)
                if default_storage.exists(part.name):
                    default_storage.delete(part.name)
                saved = default_storage.save(part.name, File(spool, name=part.name))
                if saved != part.name:
                    raise BackupError(
                        _("The storage kept %(name)s under another name (%(saved)s).")
                        % {"name": part.name, "saved": saved}
                    )
