"""Reading an uploaded file into a ``Table``: a header and numbered rows of cells.

CSV files are decoded (BOMs, strict UTF-8, then the Greek and Western
single-byte code pages) and their delimiter sniffed; XLSX files are read from
their first sheet with openpyxl. Blank rows are left out, but row numbers
still count them, so errors point at the line a user sees in the file.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
from dataclasses import dataclass
from typing import Any, cast

from django.utils.translation import gettext as _

from .common import Cell, ImportFileError


@dataclass
class Table:
    headers: list[str]
    rows: list[tuple[int, list[Cell]]]  # (row number, cells), blank rows left out
    encoding: str = ""
    delimiter: str = ""


_DELIMITERS = ",;\t|"
_SINGLE_BYTE = ["cp1253", "iso8859_7", "cp1252", "latin_1"]
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "'")


def decode_bytes(data: bytes) -> tuple[str, str]:
    """Text and encoding of a CSV file: BOMs first, then strict UTF-8, then charset-normalizer
    choosing among the Greek and Western single-byte encodings."""
    if data.startswith(codecs.BOM_UTF8):
        try:
            return data[3:].decode("utf-8"), "utf-8-sig"
        except UnicodeDecodeError as exc:
            raise ImportFileError(_("The file says it is UTF-8 but byte %(n)d is not.") % {"n": exc.start + 3}) from exc
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError as exc:
            raise ImportFileError(_("The file says it is UTF-16 but cannot be read as such.")) from exc
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data, cp_isolation=_SINGLE_BYTE).best()
    guess = best.encoding if best is not None else "cp1253"
    if guess in ("cp1253", "iso8859_7"):
        # The two Greek code pages differ in capital Ά (0xA2 vs 0xB6, where the
        # other has ’ or ¶): count the bytes rather than trust a statistical guess.
        guess = "iso8859_7" if data.count(b"\xb6") > data.count(b"\xa2") else "cp1253"
    order = [guess] + [e for e in _SINGLE_BYTE if e != guess]
    for encoding in order:
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    return data.decode("latin_1"), "latin_1"  # pragma: no cover - latin-1 decodes every byte


def sniff_delimiter(text: str) -> str:
    """The delimiter among , ; tab | (csv.Sniffer, checked against the header line)."""
    sample = text[:65536]
    if len(text) > len(sample) and "\n" in sample:
        sample = sample[: sample.rfind("\n") + 1]
    first = next((line for line in sample.splitlines() if line.strip()), "")
    counts = {d: first.count(d) for d in _DELIMITERS}
    try:
        delimiter = csv.Sniffer().sniff(sample, delimiters=_DELIMITERS).delimiter
    except csv.Error:
        delimiter = ""
    if delimiter and counts.get(delimiter, 0) > 0:
        return delimiter
    best = max(_DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] > 0 else ","


def _unescape(cell: str) -> str:
    # The exporter prefixes ' to cells Excel would run as formulas.
    return cell[1:] if len(cell) > 1 and cell[0] == "'" and cell[1] in _FORMULA_START else cell


def read_csv(data: bytes) -> Table:
    text, encoding = decode_bytes(data)
    if text.startswith("\ufeff"):
        text = text[1:]
    delimiter = sniff_delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    headers: list[str] | None = None
    rows: list[tuple[int, list[Cell]]] = []
    line = 0
    try:
        for record in reader:
            row_no, line = line + 1, reader.line_num
            if not any(c.strip() for c in record):
                continue
            cells = [_unescape(c) if c[:1] == "'" else c for c in record]
            if headers is None:
                headers = [c.strip() for c in cells]
                header_row = row_no
            else:
                rows.append((row_no, cast(list[Cell], cells)))
    except csv.Error as exc:
        raise ImportFileError(_("Line %(n)d cannot be read as CSV: %(error)s") % {"n": line + 1, "error": exc}) from exc
    if headers is None:
        raise ImportFileError(_("The file is empty."))
    if header_row != 1:
        rows = [(n - header_row + 1, cells) for n, cells in rows]  # number rows from the header
    return Table(headers, rows, encoding, delimiter)


def _xlsx_cell(value: Any) -> Cell:
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def read_xlsx(data: bytes) -> Table:
    import zipfile

    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise ImportFileError(_("This is not a readable Excel (.xlsx) file.")) from exc
    try:
        sheet = book.worksheets[0]
        headers: list[str] | None = None
        rows: list[tuple[int, list[Cell]]] = []
        for row_no, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            cells = [_xlsx_cell(v) for v in values]
            if not any(c.strip() if isinstance(c, str) else True for c in cells):
                continue
            if headers is None:
                headers = [str(c).strip() for c in cells]
                header_row = row_no
            else:
                rows.append((row_no - header_row + 1, cells))
    finally:
        book.close()
    if headers is None:
        raise ImportFileError(_("The first sheet is empty."))
    while headers and not headers[-1]:
        headers.pop()
    return Table(headers, rows, "xlsx", "")


def read_table(data: bytes, file_name: str) -> Table:
    """The header and rows of a CSV or XLSX file (by extension or by the zip magic)."""
    name = file_name.lower()
    if data.startswith(b"\xd0\xcf\x11\xe0") or name.endswith(".xls"):
        raise ImportFileError(_("Old Excel (.xls) files cannot be read: save the sheet as .xlsx or CSV."))
    if name.endswith((".xlsx", ".xlsm")) or data.startswith(b"PK\x03\x04"):
        return read_xlsx(data)
    return read_csv(data)

