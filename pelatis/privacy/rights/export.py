"""The rights of access and portability: everything Pelatis holds about a customer, as one ZIP.

Every installed app's ``PERSONAL_DATA`` participant gives its sections (see
:mod:`pelatis.core.personaldata`). The ZIP holds ``README.html`` (the table of contents, in the
customer's language), ``schema.json`` (each section's key, title, fields and counts), for each section
``<key>.json`` (machine-readable) and ``<key>.csv`` (UTF-8 with a BOM, in the customer's locale, so a
Greek Excel opens it), and the section's files under ``files/<key>/``.

A ZIP made in Pelatis (the customer page, a data request) is kept in the file storage under
``exports/privacy/`` (the data folder, or the object store: every web machine can hand it out), and only
a permission-checked view streams it; the erasure deletes the customer's ZIPs. The command line writes
its ZIP on the machine it runs on (``--out FILE``, or ``DATA_DIR/exports/privacy/``, readable by the
service's user only) and nowhere else: the operator has it in hand, and a copy nothing links to would
only be one more copy of personal data to keep track of.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import secrets
import tempfile
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from pelatis.core import tabular
from pelatis.core.audit import Action, audit_record
from pelatis.core.files import StoredObject, stored_save
from pelatis.core.personaldata import Section
from pelatis.customers.models import Customer

from .erase import EXPORTS_FOLDER, exports_dir, participants

_UNSAFE = re.compile(r"[\\/\x00-\x1f:*?\"<>|]+")


@dataclass(frozen=True)
class TocEntry:
    """One line of the table of contents."""

    key: str
    title: str
    rows: int
    files: int


def _safe_name(name: str, taken: set[str]) -> str:
    base = _UNSAFE.sub("_", name).strip(" .") or "file"
    candidate, n = base[:150], 1
    while candidate in taken:
        n += 1
        stem, dot, ext = base[:140].rpartition(".")
        candidate = f"{stem}-{n}.{ext}" if dot else f"{base[:140]}-{n}"
    taken.add(candidate)
    return candidate


_MACHINE_SUFFIXES = ("_code", "_amount")


def _text(value: Any) -> str:
    """A value as a person reads it in a cell: lists joined ("a@x.gr, b@y.gr"), a list of records one per
    line with their human values ("Καφετιέρα · 1 · 89,90 €"; codes and plain amounts are in the JSON)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, dict):
        return " · ".join(
            _text(v)
            for k, v in value.items()
            if not str(k).endswith(_MACHINE_SUFFIXES) and k != "currency" and _text(v)
        )
    if isinstance(value, list | tuple):
        parts = [_text(v) for v in value]
        joiner = "\n" if any(isinstance(v, dict) for v in value) else ", "
        return joiner.join(p for p in parts if p)
    return str(value)


def _cell(value: Any) -> str:
    return tabular.csv_safe(_text(value))


def headers(section: Section, keys: Sequence[str]) -> list[str]:
    """Each column's label in the active language: the section's short label (``LabelledSection``), a
    code or plain amount named after its column ("κατάσταση (κωδικός)"), else the documented field."""
    labels: dict[str, str] = {"currency": _("currency")}
    labels.update({k: str(v) for k, v in getattr(section, "labels", {}).items()})
    out = []
    for key in keys:
        base, _sep, suffix = key.rpartition("_")
        documented = str(section.fields.get(base, ""))
        known = labels.get(base) or (
            "" if documented.endswith(".") else documented
        )  # a label, not a sentence
        if key in labels:
            out.append(labels[key])
        elif suffix == "code" and known:
            out.append(pgettext("export column", "%(label)s (code)") % {"label": known})
        elif suffix == "amount" and known:
            out.append(pgettext("export column", "%(label)s (amount)") % {"label": known})
        else:
            out.append(str(section.fields.get(key, key)))
    return out


def section_csv(section: Section, delimiter: str) -> bytes:
    """The section as CSV: a header of field labels, one line per row; UTF-8 with a BOM."""
    keys: list[str] = list(section.fields)
    for row in section.rows:
        keys.extend(k for k in row if k not in keys)
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(headers(section, keys))
    for row in section.rows:
        writer.writerow([_cell(row.get(k)) for k in keys])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _sections(customer_id: int, language: str) -> list[tuple[str, Section]]:
    """Every participant's sections, each under a key unique in the ZIP."""
    found: list[tuple[str, Section]] = []
    keys: set[str] = set()
    for participant in participants():
        for section in participant.export(customer_id, language):
            key = _safe_name(
                section.key if section.key not in keys else f"{participant.app}_{section.key}", keys
            )
            found.append((key, section))
    return found


def export_write(
    customer: Customer, sections: Sequence[tuple[str, Section]], language: str, dest: Path | IO[bytes]
) -> list[TocEntry]:
    """Write the ZIP to ``dest`` (a path, or a seekable binary file); returns the table of contents."""
    delimiter = tabular.layout_for(language).delimiter
    toc: list[TocEntry] = []
    schema: list[dict[str, Any]] = []
    with zipfile.ZipFile(dest, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for key, section in sections:
            names: set[str] = set()
            files = [(_safe_name(f.name, names), f) for f in section.files]
            for name, item in files:
                archive.writestr(f"files/{key}/{name}", item.read())
            archive.writestr(f"{key}.json", json.dumps(list(section.rows), ensure_ascii=False, indent=2))
            archive.writestr(f"{key}.csv", section_csv(section, delimiter))
            title = str(section.title)
            toc.append(TocEntry(key, title, len(section.rows), len(files)))
            schema.append(
                {
                    "key": key,
                    "title": title,
                    "fields": {k: str(v) for k, v in section.fields.items()},
                    "rows": len(section.rows),
                    "json": f"{key}.json",
                    "csv": f"{key}.csv",
                    "files": [f"files/{key}/{name}" for name, _item in files],
                }
            )
        generated = timezone.now()
        document = {
            "customer_id": customer.pk,
            "generated_at": generated.isoformat(),
            "language": language,
            "csv": {"encoding": "utf-8-sig", "delimiter": delimiter},
            "sections": schema,
        }
        archive.writestr("schema.json", json.dumps(document, ensure_ascii=False, indent=2))
        readme = render_to_string(
            "privacy/rights/export_readme.html",
            {"customer": customer, "toc": toc, "generated": generated, "language": language},
        )
        archive.writestr("README.html", readme)
    return toc


def _language(customer: Customer, language: str | None) -> str:
    code = (language or customer.language or settings.LANGUAGE_CODE).split("-")[0]
    return code if code in {c for c, _name in settings.LANGUAGES} else settings.LANGUAGE_CODE


def _zip_name(customer_id: int) -> str:
    stamp = timezone.now().strftime("%Y%m%dT%H%M%S")
    return f"customer-{customer_id}-{stamp}-{secrets.token_hex(8)}.zip"


def _exported(customer_id: int, sections: int, actor: Any, request: HttpRequest | None) -> None:
    audit_record(
        Action.EXPORT,
        request=request,
        actor=actor,
        customer_id=customer_id,
        # How many parts, not their keys: the parts' titles live in the ZIP, in the customer's language.
        detail=f"personal data export (ZIP): sections={sections}",
    )


def customer_export(
    customer_id: int,
    *,
    actor: Any = None,
    request: HttpRequest | None = None,
    language: str | None = None,
) -> StoredObject:
    """Write everything held about the customer to a ZIP (in their language), keep it in the file storage
    under ``exports/privacy/`` and return it."""
    customer = Customer.objects.get(pk=customer_id)
    language = _language(customer, language)
    with translation.override(language):
        sections = _sections(customer_id, language)
        with tempfile.TemporaryFile() as spool:  # built on local disk, then stored in one piece
            export_write(customer, sections, language, spool)
            spool.seek(0)
            stored = stored_save(f"{EXPORTS_FOLDER}/{_zip_name(customer_id)}", spool)
    _exported(customer_id, len(sections), actor, request)
    return stored


def customer_export_file(customer_id: int, *, out: Path | None = None, language: str | None = None) -> Path:
    """The command line's export: the ZIP written on this machine, to ``out`` or into
    ``DATA_DIR/exports/privacy/`` (readable by the service's user only); returns its path."""
    customer = Customer.objects.get(pk=customer_id)
    language = _language(customer, language)
    if out is None:
        folder = exports_dir()
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        out = folder / _zip_name(customer_id)
    dest = Path(out)
    partial = dest.with_name(f".{dest.name}.{secrets.token_hex(4)}.part")
    try:
        with translation.override(language):
            sections = _sections(customer_id, language)
            fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w+b") as handle:
                export_write(customer, sections, language, handle)
        os.replace(partial, dest)
    finally:
        partial.unlink(missing_ok=True)
    _exported(customer_id, len(sections), None, None)
    return dest


def export_toc(path: Path | IO[bytes]) -> list[TocEntry]:
    """The table of contents of an export ZIP (a path, or an open binary file), read back from its schema."""
    with zipfile.ZipFile(path) as archive:
        document = json.loads(archive.read("schema.json"))
    return [TocEntry(s["key"], s["title"], int(s["rows"]), len(s["files"])) for s in document["sections"]]
