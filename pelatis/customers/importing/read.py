"""Reading an import file as a header and a stream of numbered rows of cells.

Files are read from disk (or any seekable binary file) a piece at a time,
never whole: a CSV file's encoding is found by decoding it incrementally
(BOMs, strict UTF-8, then the Greek and Western single-byte code pages) and
its delimiter sniffed from the first 64 KB; an XLSX file's first sheet is
read with openpyxl in read-only mode, after checking that its zip members do
not unpack to more than ``PELATIS_IMPORT_MAX_EXPANDED_BYTES`` (a small file
that expands to gigabytes is refused before it is opened). Files of more
than ``PELATIS_IMPORT_MAX_ROWS`` rows are refused. Blank rows are left out,
but row numbers still count them, so errors point at the line a user sees
in the file.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import IO, Any, BinaryIO, cast

from django.conf import settings
from django.utils.translation import gettext as _

from pelatis.lang import charset

from .common import Cell, ImportFileError

MAX_ROWS = 1_000_000  # default of PELATIS_IMPORT_MAX_ROWS
MAX_EXPANDED_BYTES = 200 * 1024 * 1024  # default of PELATIS_IMPORT_MAX_EXPANDED_BYTES
MAX_COLUMNS = 1000  # columns of a sheet that are read at all
_PIECE = 1024 * 1024  # bytes read at a time
_SAMPLE = 4 * 1024 * 1024  # bytes charset detection looks at


def max_rows() -> int:
    return int(getattr(settings, "PELATIS_IMPORT_MAX_ROWS", MAX_ROWS))


def max_expanded_bytes() -> int:
    return int(getattr(settings, "PELATIS_IMPORT_MAX_EXPANDED_BYTES", MAX_EXPANDED_BYTES))


class Rows:
    """The data rows of a file, as (row number, cells), read afresh from the file on each iteration."""

    def __init__(self, open_rows: Callable[[], Iterator[tuple[int, list[Cell]]]], total: int) -> None:
        self._open, self.total = open_rows, total

    def __iter__(self) -> Iterator[tuple[int, list[Cell]]]:
        return self._open()

    def __len__(self) -> int:
        return self.total


@dataclass
class Table:
    headers: list[str]
    rows: Iterable[
        tuple[int, list[Cell]]
    ]  # (row number, cells), blank rows left out; a list or a ``Rows`` stream
    encoding: str = ""
    delimiter: str = ""


_DELIMITERS = ",;\t|"
# lang.charset's codec names as this module has always spelt them (Table.encoding shows them).
_GREEK = {charset.CP1253: "cp1253", charset.ISO8859_7: "iso8859_7"}
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "'")


def _too_many_rows() -> ImportFileError:
    return ImportFileError(
        _(
            "The file has more than %(n)s rows, the most one import takes "
            "(PELATIS_IMPORT_MAX_ROWS): split it into smaller files."
        )
        % {"n": f"{max_rows():,}"}
    )


# ---------------------------------------------------------------- encodings


def _pieces(source: IO[bytes], start: int = 0) -> Iterator[bytes]:
    source.seek(start)
    while piece := source.read(_PIECE):
        yield piece


def _first_bad_byte(source: IO[bytes], encoding: str, start: int = 0) -> int | None:
    """The offset of the first byte that does not decode as ``encoding``, or None when the whole file does."""
    decoder = codecs.getincrementaldecoder(encoding)("strict")
    offset = start
    for piece in [*_pieces(source, start), b""]:
        pending = len(decoder.getstate()[0])
        try:
            decoder.decode(piece, final=not piece)
        except UnicodeDecodeError as exc:
            return offset - pending + exc.start
        offset += len(piece)
    return None


def detect_encoding(source: IO[bytes]) -> str:
    """The encoding of a CSV file: BOMs first, then strict UTF-8, then the single-byte code page that
    :mod:`pelatis.lang.charset` picks from the file's first 4 MB (Greek text: windows-1253 or iso-8859-7,
    told apart by Ά; otherwise windows-1252), checked against the whole file. Reads a piece at a time."""
    source.seek(0)
    head = source.read(4)
    if head.startswith(codecs.BOM_UTF8):
        bad = _first_bad_byte(source, "utf-8", start=3)
        if bad is not None:
            raise ImportFileError(_("The file says it is UTF-8 but byte %(n)d is not.") % {"n": bad})
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        if _first_bad_byte(source, "utf-16") is not None:
            raise ImportFileError(_("The file says it is UTF-16 but cannot be read as such."))
        return "utf-16"
    if _first_bad_byte(source, "utf-8") is None:
        return "utf-8"
    source.seek(0)
    sample = source.read(_SAMPLE)
    candidates = ["cp1252"]
    if charset.looks_greek(sample):
        first = _GREEK[charset.greek_codec(sample)]
        candidates = [first, *(e for e in _GREEK.values() if e != first), *candidates]
    for encoding in candidates:
        if _first_bad_byte(source, encoding) is None:
            return encoding
    return "latin_1"  # decodes every byte


def decode_bytes(data: bytes) -> tuple[str, str]:
    """Text and encoding of a CSV file held in memory (see ``detect_encoding``)."""
    encoding = detect_encoding(io.BytesIO(data))
    return data.decode(encoding), encoding


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


# ---------------------------------------------------------------- CSV


def _csv_records(source: IO[bytes], encoding: str, delimiter: str) -> Iterator[tuple[int, list[str]]]:
    """Every non-blank record with the file line it starts on, decoded as the file is read."""
    source.seek(0)
    text = io.TextIOWrapper(source, encoding=encoding, newline="")
    try:
        reader = csv.reader(text, delimiter=delimiter)
        line = 0
        first = True
        try:
            for record in reader:
                row_no, line = line + 1, reader.line_num
                if first and record and record[0].startswith("\ufeff"):
                    record[0] = record[0][1:]
                first = False
                if not any(c.strip() for c in record):
                    continue
                yield row_no, [_unescape(c) if c[:1] == "'" else c for c in record]
        except csv.Error as exc:
            raise ImportFileError(
                _("Line %(n)d cannot be read as CSV: %(error)s") % {"n": line + 1, "error": exc}
            ) from exc
    finally:
        text.detach()  # the caller owns the file


def _numbered(
    records: Iterator[tuple[int, list[Any]]], header_row: int, limit: int
) -> Iterator[tuple[int, list[Cell]]]:
    """Data rows numbered from the header (row 1), refused past ``limit`` rows."""
    for n, (row_no, cells) in enumerate(records, start=1):
        if n > limit:
            raise _too_many_rows()
        yield row_no - header_row + 1, cells


def open_csv(source: IO[bytes]) -> Table:
    """The header and a stream of the rows of a CSV file (counted, and the row limit checked, up front)."""
    encoding = detect_encoding(source)
    source.seek(0)
    text = io.TextIOWrapper(source, encoding=encoding, newline="")
    try:
        delimiter = sniff_delimiter(text.read(65537).lstrip("\ufeff"))
    finally:
        text.detach()
    records = _csv_records(source, encoding, delimiter)
    found = next(records, None)
    if found is None:
        raise ImportFileError(_("The file is empty."))
    header_row, header_cells = found
    headers = [c.strip() for c in header_cells]
    limit = max_rows()
    total = 0
    for _row in records:
        total += 1
        if total > limit:
            raise _too_many_rows()

    def rows() -> Iterator[tuple[int, list[Cell]]]:
        records = _csv_records(source, encoding, delimiter)
        next(records, None)  # the header
        return _numbered(cast(Iterator[tuple[int, list[Any]]], records), header_row, limit)

    return Table(headers, Rows(rows, total), encoding, delimiter)


def read_csv(data: bytes) -> Table:
    """A CSV file held in memory, with its rows as a list (for small files such as review imports)."""
    table = open_csv(io.BytesIO(data))
    table.rows = list(table.rows)
    return table


# ---------------------------------------------------------------- XLSX


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


def _not_xlsx() -> ImportFileError:
    return ImportFileError(_("This is not a readable Excel (.xlsx) file."))


def check_zip_expansion(source: IO[bytes]) -> None:
    """Refuse an XLSX file whose members unpack to more than PELATIS_IMPORT_MAX_EXPANDED_BYTES.

    zipfile never unpacks a member beyond the size its directory declares (it
    stops there, and the checksum then fails), so the declared sizes bound
    what reading the file can cost."""
    try:
        source.seek(0)
        with zipfile.ZipFile(source) as archive:
            expanded = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise _not_xlsx() from exc
    limit = max_expanded_bytes()
    if expanded > limit:
        raise ImportFileError(
            _(
                "The Excel file unpacks to %(size)s MB, more than the %(limit)s MB an import may take "
                "(PELATIS_IMPORT_MAX_EXPANDED_BYTES): save it as CSV or split it."
            )
            % {"size": f"{expanded / 2**20:,.0f}", "limit": f"{limit / 2**20:,.0f}"}
        )


_MAIN_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"


def _lean_string_table(xml_source: IO[bytes]) -> list[str]:
    """openpyxl's ``read_string_table`` with the same result, without keeping an emptied element
    per string attached to the document (which costs some 15 bytes of memory per byte of XML)."""
    from openpyxl.cell.text import Text
    from openpyxl.xml.functions import iterparse

    strings: list[str] = []
    root = None
    for event, node in iterparse(xml_source, events=("start", "end")):
        if root is None:
            root = node
        if event == "end" and node.tag == f"{_MAIN_NS}si":
            text = Text.from_tree(node)
            strings.append(text.content.replace("x005F_", "") if text is not None else "")
            root.clear()  # every string before this one is done
    return strings


def _use_lean_string_table() -> None:
    import openpyxl.reader.excel

    openpyxl.reader.excel.read_string_table = _lean_string_table  # type: ignore[attr-defined]  # replaced on purpose; the stubs do not list the reader's helper


def check_sheet_shape(source: IO[bytes], sheet_path: str) -> None:
    """Refuse a sheet with a row of more than MAX_COLUMNS cells before openpyxl reads it: openpyxl
    holds a whole row in memory, and one row can unpack to hundreds of MB."""
    from openpyxl.xml.functions import iterparse

    row_tag, cell_tag = f"{_MAIN_NS}row", f"{_MAIN_NS}c"
    source.seek(0)
    with zipfile.ZipFile(source) as archive, archive.open(sheet_path) as xml:
        row: Any = None
        row_no = cells = 0
        for event, node in iterparse(xml, events=("start", "end")):
            if event == "start":
                if node.tag == row_tag:
                    row, row_no, cells = node, row_no + 1, 0
                continue
            if node.tag == cell_tag and row is not None:
                cells += 1
                if cells > MAX_COLUMNS:
                    raise ImportFileError(
                        _(
                            "Row %(row)d of the sheet has more than %(n)d cells: "
                            "only sheets up to %(n)d columns wide can be imported."
                        )
                        % {"row": row_no, "n": MAX_COLUMNS}
                    )
                row.clear()  # the cells read so far are done
            elif node.tag == row_tag:
                node.clear()
                row = None
            elif row is None:
                node.clear()


def _sheet_rows(sheet: Any, min_row: int, max_col: int) -> Iterator[tuple[int, list[Cell]]]:
    """The non-blank rows of a read-only sheet from ``min_row`` on, ``max_col`` cells wide, with their row numbers."""
    for row_no, values in enumerate(
        sheet.iter_rows(min_row=min_row, max_col=max_col, values_only=True), start=min_row
    ):
        cells = [_xlsx_cell(v) for v in values]
        if any(c.strip() if isinstance(c, str) else True for c in cells):
            yield row_no, cells


def open_xlsx(source: IO[bytes]) -> Table:
    """The header and a stream of the rows of an XLSX file's first sheet (counted up front).

    The workbook is loaded once (read-only: its shared strings in memory, the sheet streamed)
    and kept for every pass over the rows."""
    from openpyxl import load_workbook

    check_zip_expansion(source)
    _use_lean_string_table()
    source.seek(0)
    try:
        book = load_workbook(source, read_only=True, data_only=True)
        sheet = book.worksheets[0]
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, IndexError, TypeError) as exc:
        raise _not_xlsx() from exc
    try:
        check_sheet_shape(source, str(sheet._worksheet_path))  # type: ignore[attr-defined]  # a read-only sheet knows its part's path; the stubs type it as Worksheet
        # The sheet's own dimension can be wrong or forged: read the rows that are there.
        sheet.reset_dimensions()
        first = next(_sheet_rows(sheet, 1, MAX_COLUMNS), None)
        if first is None:
            raise ImportFileError(_("The first sheet is empty."))
        header_row, header_cells = first
        headers = [str(c).strip() for c in header_cells]
        while headers and not headers[-1]:
            headers.pop()
        width = max(1, len(headers))
        limit = max_rows()
        total = 0
        for _row in _sheet_rows(sheet, header_row + 1, width):
            total += 1
            if total > limit:
                raise _too_many_rows()
    except BaseException:
        book.close()
        raise

    def rows() -> Iterator[tuple[int, list[Cell]]]:
        return _numbered(_sheet_rows(sheet, header_row + 1, width), header_row, limit)

    return Table(headers, Rows(rows, total), "xlsx", "")


def read_xlsx(data: bytes) -> Table:
    """An XLSX file held in memory, with its rows as a list."""
    table = open_xlsx(io.BytesIO(data))
    table.rows = list(table.rows)
    return table


def open_table(source: BinaryIO, file_name: str) -> Table:
    """The header and a stream of the rows of a CSV or XLSX file (by extension or by the zip magic).

    ``source`` must be a seekable binary file and stay open while the rows are read."""
    name = file_name.lower()
    source.seek(0)
    head = source.read(8)
    if head.startswith(b"\xd0\xcf\x11\xe0") or name.endswith(".xls"):
        raise ImportFileError(_("Old Excel (.xls) files cannot be read: save the sheet as .xlsx or CSV."))
    if name.endswith((".xlsx", ".xlsm")) or head.startswith(b"PK\x03\x04"):
        return open_xlsx(source)
    return open_csv(source)


def read_table(data: bytes, file_name: str) -> Table:
    """The header and rows (as a list) of a CSV or XLSX file held in memory."""
    table = open_table(io.BytesIO(data), file_name)
    table.rows = list(table.rows)
    return table
