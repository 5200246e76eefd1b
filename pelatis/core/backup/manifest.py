"""What a backup archive holds, written into it as ``manifest.json`` and read back before a restore.

The archive (``.tar.gz``) holds::

    database/pelatis.sqlite3   (or database/pelatis.pgdump, pg_dump's custom format)
    files/<stored name>        every stored file (attachments, imports, exports, privacy ZIPs…)
    manifest.json              this, last: written once every part's checksum is known

Names of stored files are checked before anything is written back: a relative path made of plain
parts, so an altered archive cannot reach outside the storage.
"""

from __future__ import annotations

import json
import posixpath
from dataclasses import asdict, dataclass, field
from typing import Any

from django.utils.translation import gettext as _

FORMAT = "pelatis-backup"
VERSION = 1
MANIFEST_NAME = "manifest.json"
DATABASE_FOLDER = "database/"
FILES_FOLDER = "files/"
MANIFEST_MAX_BYTES = 256 * 1024 * 1024  # a manifest lists every file; far below this for any shop


class BackupError(Exception):
    """A backup that cannot be made, or an archive that cannot (or may not) be restored; the message
    says why and what to do, for the operator."""


@dataclass(frozen=True)
class Part:
    """One member of the archive: its path in the archive, SHA-256 (hex) and size in bytes. ``name`` is
    the stored file's name for a file, empty for the database."""

    path: str
    sha256: str
    size: int
    name: str = ""


@dataclass(frozen=True)
class Manifest:
    created: str  # ISO 8601, UTC
    pelatis_version: str
    engine: str  # the database engine's vendor: "sqlite" or "postgresql"
    storage: str  # "filesystem" or "s3": where the files were read from
    database: Part
    migrations: dict[str, list[str]]  # app label → applied migrations, in the order they were applied
    tables: dict[str, int]  # table → rows, at the moment of the database snapshot
    files: list[Part] = field(default_factory=list)
    version: int = VERSION
    format: str = FORMAT

    @property
    def rows(self) -> int:
        return sum(self.tables.values())

    @property
    def files_bytes(self) -> int:
        return sum(part.size for part in self.files)

    def parts(self) -> list[Part]:
        return [self.database, *self.files]

    def to_json(self) -> bytes:
        return json.dumps(asdict(self), ensure_ascii=False, indent=1, sort_keys=True).encode("utf-8")

    @classmethod
    def from_json(cls, data: bytes) -> Manifest:
        """The manifest in ``data``; a BackupError naming what is wrong when it is not one of ours."""
        try:
            raw = json.loads(data.decode("utf-8"))
        except (UnicodeDecodeError, ValueError) as exc:
            raise BackupError(
                _("The archive's manifest.json is not valid JSON: %(error)s") % {"error": exc}
            ) from exc
        if not isinstance(raw, dict) or raw.get("format") != FORMAT:
            raise BackupError(_("This archive is not a Pelatis backup (its manifest.json is not one)."))
        if raw.get("version") != VERSION:
            raise BackupError(
                _(
                    "This backup has format version %(found)s; this Pelatis reads version %(known)s. "
                    "Restore it with the Pelatis version that made it (%(made_by)s)."
                )
                % {"found": raw.get("version"), "known": VERSION, "made_by": raw.get("pelatis_version", "?")}
            )
        try:
            manifest = cls(
                created=str(raw["created"]),
                pelatis_version=str(raw["pelatis_version"]),
                engine=str(raw["engine"]),
                storage=str(raw["storage"]),
                database=_part(raw["database"]),
                migrations={str(app): [str(n) for n in names] for app, names in raw["migrations"].items()},
                tables={str(table): int(rows) for table, rows in raw["tables"].items()},
                files=[_part(item) for item in raw["files"]],
            )
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise BackupError(
                _("The archive's manifest.json is incomplete or damaged (%(error)s).") % {"error": repr(exc)}
            ) from exc
        manifest.check_paths()
        return manifest

    def check_paths(self) -> None:
        """Every part's path is where the format puts it, and every stored name is a plain relative one."""
        if not self.database.path.startswith(DATABASE_FOLDER) or not safe_name(
            self.database.path[len(DATABASE_FOLDER) :]
        ):
            raise BackupError(
                _("The manifest names an unexpected database file: %(path)s") % {"path": self.database.path}
            )
        seen: set[str] = set()
        for part in self.files:
            if not safe_name(part.name) or part.path != FILES_FOLDER + part.name or part.name in seen:
                raise BackupError(
                    _("The manifest names a file that cannot be restored safely: %(name)r")
                    % {"name": part.name}
                )
            seen.add(part.name)


def _part(raw: Any) -> Part:
    part = Part(
        path=str(raw["path"]), sha256=str(raw["sha256"]), size=int(raw["size"]), name=str(raw.get("name", ""))
    )
    if len(part.sha256) != 64 or part.size < 0:
        raise ValueError(f"bad checksum or size for {part.path}")
    return part


def safe_name(name: str) -> bool:
    """Whether ``name`` is a relative path of plain parts (no ``..``, no absolute path, no backslash)."""
    if not name or name.startswith("/") or "\\" in name or "\x00" in name:
        return False
    parts = name.split("/")
    return all(part not in {"", ".", ".."} for part in parts) and posixpath.normpath(name) == name


def file_path(name: str) -> str:
    """The archive path of the stored file ``name``."""
    return FILES_FOLDER + name
