"""Import customers and orders from CSV or XLSX files.

One pass reads the file (any common encoding and delimiter, or XLSX), maps
Greek or English headers, and validates every row with the service inputs
(``CustomerInput.cleaned()``, ``OrderInput.cleaned()``). Nothing is written
when a row is bad, unless ``skip_invalid``; then everything valid is written
in one transaction with bulk inserts. Rows find existing customers by
external reference, then email, then phone, so re-importing a file updates
instead of duplicating.

Decisions worth knowing:

* Updates fill and replace: a non-empty cell replaces the stored value, an
  empty cell or a missing column leaves it alone; emails, phones, tags and
  addresses are added, never removed.
* Two rows of one file for the same customer key: the later row updates the
  earlier one (and counts as updated).
* An email or phone match is refused when both sides have different
  external references: they are different people sharing a contact.
* Orders: the rows of one reference are its lines; the first row gives the
  customer, date, currency and status. An order whose reference exists is
  replaced (lines too) and counted as updated. If one line is bad, the whole
  order is skipped.
* ``created``/``updated`` count rows for customers (so created + updated +
  invalid = total) and orders for orders. A matched customer the file does
  not change is counted as updated but not written, so re-importing a file
  adds nothing, not even timeline entries.
* Every new customer gets one "Imported from FILE" timeline entry; a changed
  one gets "Updated from import of FILE: fields".

Speed: rows are validated in Python, new customers go in with executemany
(their derived fields and search terms from the services' own helpers), and
on SQLite a first big load builds the non-unique indexes once at the end. On
a 2-core machine 100k rows take ~22 s; phonenumbers (two parses per phone)
and CustomerInput.cleaned() are half of it, the ~13 rows written per customer
(~9 of them search terms) most of the rest. See bench/bench_import.py.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import datetime as dt
import functools
import gc
import io
import re
import time
import zoneinfo
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal, InvalidOperation
from typing import Any, BinaryIO, Literal, cast

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from pelatis import lang

from .inputs import CustomerInput, OrderInput, OrderLineInput
from .models import Address, ContactPoint, Customer, ImportJob, Interaction, Order, OrderLine, SearchTerm
from .normalise import email_normalise, phone_normalise
from .search import customer_terms, name_terms
from .services import _apply_derived, _tags_named, search_reindex

User = AbstractBaseUser
Cell = str | dt.date  # XLSX gives dates and datetimes; everything else is text

MAX_STORED_ERRORS = 1000
PROGRESS_EVERY = 1000
CHUNK = 2000  # rows per bulk write
IN_CHUNK = 500  # values per IN (...) lookup


@dataclass
class RowError:
    row: int  # 1-based line (CSV) or sheet row (XLSX); the header is row 1
    column: str  # the column's header as written in the file
    message: str


@dataclass
class ImportResult:
    kind: str
    total: int
    created: int
    updated: int
    invalid: int
    errors: list[RowError]
    written: bool
    job_id: int | None
    warnings: list[RowError] = field(default_factory=list)  # e.g. unknown columns, once each
    timings: dict[str, float] = field(default_factory=dict)  # seconds per phase, for benchmarks and logs


class ImportFileError(Exception):
    """The file as a whole cannot be imported: unreadable, empty, or missing a required column."""

    def __init__(self, message: str, column: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.column = column


# ---------------------------------------------------------------- reading files

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


# ---------------------------------------------------------------- headers

@dataclass(frozen=True)
class Column:
    name: str  # the English header the exporter writes
    aliases: tuple[str, ...]
    multi: bool = False  # several columns may feed it (phones, emails)


CUSTOMER_COLUMNS = (
    Column("external_ref", ("external ref", "id", "ref", "customer id", "customer code", "customer ref", "code",
                            "κωδικός πελάτη", "κωδικός", "κωδ. πελάτη", "αρ. πελάτη")),
    Column("kind", ("type", "customer kind", "τύπος", "είδος", "είδος πελάτη")),
    Column("category", ("customer type", "κατηγορία", "κατηγορία πελάτη")),
    Column("title", ("salutation", "form of address", "προσφώνηση", "τίτλος")),
    Column("first_name", ("first name", "firstname", "given name", "forename", "όνομα")),
    Column("last_name", ("last name", "lastname", "surname", "family name", "επώνυμο", "επίθετο")),
    Column("full_name", ("name", "full name", "contact name", "ονοματεπώνυμο")),
    Column("company", ("company name", "company_name", "organisation", "organization", "business", "εταιρεία",
                       "εταιρία", "επωνυμία", "επωνυμία εταιρείας")),
    Column("job_title", ("job title", "position", "department", "θέση", "τμήμα", "ιδιότητα")),
    Column("email", ("e-mail", "mail", "email address", "e-mail address", "emails", "ηλεκτρονικό ταχυδρομείο",
                     "ηλ. ταχυδρομείο", "διεύθυνση email", "διεύθυνση ηλεκτρονικού ταχυδρομείου"), multi=True),
    Column("phone", ("phones", "telephone", "tel", "mobile", "mobile phone", "cell", "cell phone", "phone number",
                     "landline", "work phone", "home phone", "τηλέφωνο", "τηλέφωνα", "τηλ", "κινητό",
                     "κινητό τηλέφωνο", "σταθερό", "αριθμός τηλεφώνου"), multi=True),
    Column("vat", ("vat number", "vat_number", "vat no", "tax id", "afm", "αφμ")),
    Column("language", ("lang", "γλώσσα")),
    Column("time_zone", ("time zone", "timezone", "ζώνη ώρας")),
    Column("preferred_channel", ("preferred channel", "channel", "προτιμώμενο κανάλι")),
    Column("formal", ("formal address", "πληθυντικός ευγενείας")),
    Column("birthday", ("date of birth", "birth date", "dob", "ημερομηνία γέννησης", "γενέθλια")),
    Column("tags", ("labels", "ετικέτες", "ετικέτα")),
    Column("notes", ("note", "comments", "remarks", "σημειώσεις", "σχόλια", "παρατηρήσεις")),
    Column("address", ("street", "address line", "street address", "διεύθυνση", "οδός")),
    Column("city", ("town", "πόλη")),
    Column("postcode", ("postal code", "post code", "zip", "zip code", "τκ", "ταχυδρομικός κώδικας")),
    Column("country", ("χώρα",)),
)

ORDER_COLUMNS = (
    Column("reference", ("order reference", "order ref", "order", "order id", "order no", "order number",
                         "αριθμός παραγγελίας", "αρ. παραγγελίας", "παραγγελία", "κωδικός παραγγελίας", "παραστατικό")),
    Column("customer_ref", ("customer ref", "customer id", "customer code", "external_ref", "external ref",
                            "κωδικός πελάτη", "αρ. πελάτη")),
    Column("email", ("e-mail", "customer email", "email πελάτη", "ηλεκτρονικό ταχυδρομείο")),
    Column("phone", ("customer phone", "mobile", "telephone", "τηλέφωνο", "κινητό", "τηλέφωνο πελάτη")),
    Column("placed_at", ("placed at", "date", "order date", "datetime", "ημερομηνία", "ημερομηνία παραγγελίας")),
    Column("sku", ("product code", "item code", "κωδικός προϊόντος", "κωδικός είδους")),
    Column("product", ("product name", "item", "description", "name", "προϊόν", "περιγραφή", "είδος", "όνομα προϊόντος")),
    Column("category", ("product category", "κατηγορία")),
    Column("quantity", ("qty", "ποσότητα", "τεμάχια")),
    Column("unit_price", ("unit price", "price", "τιμή", "τιμή μονάδας")),
    Column("currency", ("νόμισμα",)),
    Column("status", ("order status", "κατάσταση")),
    Column("channel", ("sales channel", "κανάλι", "κανάλι πώλησης")),
)


def header_key(text: str) -> str:
    """A header folded for matching: case, accents, spaces and punctuation ignored."""
    return re.sub(r"[\W_]+", "", lang.fold(text))


@functools.cache
def _alias_index(columns: tuple[Column, ...]) -> dict[str, Column]:
    index: dict[str, Column] = {}
    for col in columns:
        for alias in (col.name, *col.aliases):
            index.setdefault(header_key(alias), col)
    return index


@dataclass
class ColumnMap:
    headers: list[str]
    positions: dict[str, list[int]]  # column name → indexes in the file, in file order
    warnings: list[RowError]

    def has(self, name: str) -> bool:
        return name in self.positions

    def header(self, name: str) -> str:
        pos = self.positions.get(name)
        return self.headers[pos[0]] if pos else name


def map_headers(headers: list[str], columns: tuple[Column, ...]) -> ColumnMap:
    """Which file column feeds which field; unknown or repeated columns become warnings."""
    index = _alias_index(columns)
    positions: dict[str, list[int]] = {}
    warnings: list[RowError] = []
    for i, header in enumerate(headers):
        if not header:
            continue
        key = header_key(header)
        col = index.get(key)
        if col is None and key.rstrip("0123456789") != key:  # "Τηλέφωνο 2", "email2"
            col = index.get(key.rstrip("0123456789"))
            col = col if col is not None and col.multi else None
        if col is None:
            warnings.append(RowError(1, header, _("Unknown column, ignored.")))
        elif col.name in positions and not col.multi:
            warnings.append(RowError(1, header, _("Repeats the column “%(other)s”; ignored.")
                                     % {"other": headers[positions[col.name][0]]}))
        else:
            positions.setdefault(col.name, []).append(i)
    return ColumnMap(headers, positions, warnings)


# ---------------------------------------------------------------- values

_ISO_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_DMY = re.compile(r"(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})(?:[ T,]+(\d{1,2}):(\d{2})(?::(\d{2}))?)?")
_SPLIT = re.compile(r"\s*[,;|]\s*")
_SPLIT_PHONES = re.compile(r"\s*[,;|]\s*|\s+/\s+")


def text_of(cell: Cell) -> str:
    if isinstance(cell, str):
        return cell.strip()
    return cell.isoformat(" ") if isinstance(cell, dt.datetime) else cell.isoformat()


def parse_date(cell: Cell) -> dt.date:
    """A date from YYYY-MM-DD, DD/MM/YYYY or DD.MM.YYYY (day first, as in Greece); a trailing time is ignored."""
    if isinstance(cell, dt.datetime):
        return cell.date()
    if isinstance(cell, dt.date):
        return cell
    text = cell.strip()
    m = _ISO_DATE.match(text)
    if m and (len(text) == m.end() or text[m.end()] in " T"):
        return dt.date(int(m[1]), int(m[2]), int(m[3]))
    m = _DMY.match(text)
    if m and (len(text) == m.end() or text[m.end()] == " "):
        return dt.date(int(m[3]), int(m[2]), int(m[1]))
    raise ValueError(text)


def parse_datetime(cell: Cell, tz: dt.tzinfo) -> dt.datetime:
    """A moment from a date or date-time; naive values are local time in ``tz``."""
    if isinstance(cell, dt.datetime):
        value = cell
    elif isinstance(cell, dt.date):
        return dt.datetime.combine(cell, dt.time(tzinfo=tz))
    else:
        text = cell.strip()
        m = _DMY.fullmatch(text)
        if m:
            return dt.datetime(int(m[3]), int(m[2]), int(m[1]), int(m[4] or 0), int(m[5] or 0), int(m[6] or 0), tzinfo=tz)
        value = dt.datetime.fromisoformat(text)  # ValueError when it is not a date
    return value if value.tzinfo is not None else value.replace(tzinfo=tz)


def parse_decimal(cell: Cell) -> Decimal:
    """A number written the Greek way (12,50 and 1.234,50) or the English way (12.50, 1,234.50)."""
    if isinstance(cell, dt.date):
        raise ValueError(str(cell))
    text = re.sub(r"[\s\u00a0€$£]|EUR", "", cell)
    if "," in text and "." in text:
        decimal_mark = "," if text.rfind(",") > text.rfind(".") else "."
        text = text.replace("." if decimal_mark == "," else ",", "")
        text = text.replace(",", ".")
    elif text.count(",") == 1:
        text = text.replace(",", ".")
    elif text.count(",") > 1:
        text = text.replace(",", "")
    elif text.count(".") > 1:
        text = text.replace(".", "")
    try:
        value = Decimal(text)
    except InvalidOperation as exc:
        raise ValueError(cell) from exc
    if not value.is_finite():
        raise ValueError(cell)
    return value


def _words_index(table: dict[str, tuple[str, ...]]) -> dict[str, str]:
    return {header_key(word): value for value, words in table.items() for word in (value, *words)}


_KIND_WORDS = {
    "person": ("individual", "private", "πρόσωπο", "φυσικό πρόσωπο", "ιδιώτης", "άτομο"),
    "company": ("business", "organisation", "organization", "εταιρεία", "εταιρία", "νομικό πρόσωπο", "επιχείρηση"),
}
_CATEGORY_WORDS = {"external": ("εξωτερικός", "πελάτης"), "internal": ("εσωτερικός", "τμήμα", "department")}
_FORMAL_WORDS = {"yes": ("1", "y", "true", "x", "ναι", "ν"), "no": ("0", "n", "false", "όχι", "ο")}
_LANGUAGE_WORDS = {"el": ("greek", "ελληνικά"), "en": ("english", "αγγλικά"), "de": ("german", "deutsch", "γερμανικά"),
                   "fr": ("french", "français", "γαλλικά"), "it": ("italian", "italiano", "ιταλικά"),
                   "ru": ("russian", "ρωσικά"), "es": ("spanish", "español", "ισπανικά")}
_COUNTRY_WORDS = {"GR": ("el", "greece", "hellas", "ελλάδα", "ελλάς"), "CY": ("cyprus", "κύπρος"),
                  "DE": ("germany", "deutschland", "γερμανία"), "IT": ("italy", "italia", "ιταλία"),
                  "FR": ("france", "γαλλία"), "GB": ("uk", "united kingdom", "great britain", "ηνωμένο βασίλειο"),
                  "US": ("usa", "united states", "ηπα")}
_STATUS_WORDS = {"placed": ("new", "καταχωρημένη", "νέα"), "paid": ("πληρωμένη", "εξοφλημένη"),
                 "fulfilled": ("completed", "delivered", "shipped", "ολοκληρωμένη", "παραδομένη", "απεσταλμένη"),
                 "cancelled": ("canceled", "ακυρωμένη"), "refunded": ("επιστροφή χρημάτων", "επιστράφηκε")}


@functools.cache
def _word_maps() -> dict[str, dict[str, str]]:
    return {"kind": _words_index(_KIND_WORDS), "category": _words_index(_CATEGORY_WORDS),
            "formal": _words_index(_FORMAL_WORDS), "language": _words_index(_LANGUAGE_WORDS),
            "country": _words_index(_COUNTRY_WORDS), "status": _words_index(_STATUS_WORDS)}


def _word(kind: str, text: str) -> str | None:
    return _word_maps()[kind].get(header_key(text))


# ---------------------------------------------------------------- progress and bookkeeping

class _Progress:
    """Reports (done, total) every ~1,000 rows: validation is the first half, writing the second."""

    def __init__(self, callback: Callable[[int, int], None] | None, total: int) -> None:
        self.callback, self.total, self.last = callback, total, -PROGRESS_EVERY

    def at(self, phase: int, done: int) -> None:
        if self.callback is None or not self.total:
            return
        value = min(self.total, (phase * self.total + done) // 2)
        if value - self.last >= PROGRESS_EVERY or value == self.total:
            self.last = value
            self.callback(value, self.total)


def _error_dicts(items: Sequence[RowError], level: str) -> list[dict[str, Any]]:
    return [{"row": e.row, "column": e.column, "message": e.message, "level": level} for e in items]


def _finish_job(job: ImportJob, result: ImportResult, status: str) -> None:
    stored = _error_dicts(result.errors[:MAX_STORED_ERRORS], "error")
    if len(result.errors) > MAX_STORED_ERRORS:
        rest = len(result.errors) - MAX_STORED_ERRORS
        stored.append({"row": 0, "column": "", "level": "error", "more": rest,
                       "message": _("… and %(n)d more errors") % {"n": rest}})
    stored += _error_dicts(result.warnings, "warning")
    ImportJob.objects.filter(pk=job.pk).update(
        status=status, rows_total=result.total, rows_created=result.created, rows_updated=result.updated,
        rows_invalid=result.invalid, errors=stored, finished_at=timezone.now())


@contextlib.contextmanager
def _gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector: an import keeps ~10 small objects per row alive,
    which it would otherwise rescan again and again (a quarter of the validation time)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


@contextlib.contextmanager
def _timed(result: ImportResult, phase: str) -> Iterator[None]:
    started = time.perf_counter()
    try:
        yield
    finally:
        result.timings[phase] = result.timings.get(phase, 0.0) + time.perf_counter() - started


def _chunks(items: Sequence[Any], size: int) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def _invalid_rows(errors: Iterable[RowError]) -> int:
    return len({e.row for e in errors})


# ---------------------------------------------------------------- entry point

def import_file(
    *,
    source: BinaryIO,
    file_name: str,
    kind: Literal["customers", "orders"],
    skip_invalid: bool = False,
    by: User | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> ImportResult:
    """Import a CSV or XLSX file of customers or orders; see the module docstring for the rules."""
    if kind not in ("customers", "orders"):
        raise ValueError(f"unknown import kind {kind!r}")
    actor = by if by is not None and by.is_authenticated else None
    job = ImportJob.objects.create(kind=kind, file_name=file_name[:255], created_by=actor)
    result = ImportResult(kind=kind, total=0, created=0, updated=0, invalid=0, errors=[], written=False, job_id=job.pk)
    try:
        limit = settings.PELATIS_IMPORT_MAX_BYTES
        data = source.read(limit + 1)
        if isinstance(data, str):  # a text-mode file slipped through: take it as UTF-8
            data = data.encode("utf-8")
        if len(data) > limit:
            raise ImportFileError(_("The file is larger than %(mb)d MB.") % {"mb": limit // (1024 * 1024)})
        with _gc_paused():
            with _timed(result, "read"):
                table = read_table(data, file_name)
            result.total = len(table.rows)
            if not table.rows:
                raise ImportFileError(_("The file has a header but no rows."))
            importer = _CustomerImport if kind == "customers" else _OrderImport
            importer(table=table, file_name=file_name, actor=actor, job=job, result=result,
                     progress=_Progress(progress, result.total)).run(skip_invalid=skip_invalid)
    except ImportFileError as exc:
        result.errors = [RowError(1, exc.column, exc.message)]
        result.written = False
        result.created = result.updated = 0
        _finish_job(job, result, ImportJob.Status.REJECTED)
        return result
    except Exception:
        ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.FAILED, finished_at=timezone.now())
        raise
    result.invalid = _invalid_rows(result.errors)
    if not result.written:
        result.created = result.updated = 0
        status = ImportJob.Status.REJECTED
    else:
        status = ImportJob.Status.PARTIAL if result.errors else ImportJob.Status.DONE
    _finish_job(job, result, status)
    if progress is not None and result.total:
        progress(result.total, result.total)
    return result


# ---------------------------------------------------------------- raw bulk writes

def _insert_many(model: Any, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    """executemany of plain INSERTs: the fast path for the hot tables, on SQLite and PostgreSQL alike."""
    if not rows:
        return
    meta = model._meta
    names = ", ".join(connection.ops.quote_name(meta.get_field(c).column) for c in columns)
    sql = (f"INSERT INTO {connection.ops.quote_name(meta.db_table)} ({names}) "
           f"VALUES ({', '.join(['%s'] * len(columns))})")
    with connection.cursor() as cursor:
        for chunk in _chunks(rows, 20000):
            cursor.executemany(sql, chunk)


@contextlib.contextmanager
def _indexes_deferred(incoming: int, *models: Any) -> Iterator[None]:
    """On SQLite, when a load brings more customers than there are, drop the tables' non-unique
    indexes for the load and build them again after it: much faster than growing them row by row.

    Must run inside the import's transaction. SQLite's DDL is transactional, so a failed
    import rolls the drop back with everything else; readers keep their WAL snapshot, and
    no other writer can run meanwhile. PostgreSQL keeps its indexes (DROP INDEX would lock
    out readers).
    """
    indexes: list[tuple[str, str]] = []
    if connection.vendor == "sqlite" and incoming >= 1000:
        quote = connection.ops.quote_name
        tables = [m._meta.db_table for m in models]
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT COUNT(*) FROM (SELECT 1 FROM {quote(Customer._meta.db_table)} LIMIT %s)", [incoming])
            if cursor.fetchone()[0] < incoming:
                cursor.execute(f"SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
                               f"AND tbl_name IN ({', '.join(['%s'] * len(tables))})", tables)
                indexes = [(name, sql) for name, sql in cursor.fetchall() if not sql.upper().startswith("CREATE UNIQUE")]
                for name, _sql in indexes:
                    cursor.execute(f"DROP INDEX {quote(name)}")
    yield
    if indexes:
        with connection.cursor() as cursor:
            for _name, sql in indexes:
                cursor.execute(sql)


def _update_many(model: Any, columns: Sequence[str], objs: Sequence[Any]) -> None:
    """executemany of UPDATE ... WHERE id = %s: Django's bulk_update builds CASE WHEN clauses
    that cost milliseconds per row."""
    if not objs:
        return
    meta = model._meta
    fields = [meta.get_field(c) for c in columns]
    quote = connection.ops.quote_name
    sql = (f"UPDATE {quote(meta.db_table)} SET {', '.join(f'{quote(f.column)} = %s' for f in fields)} "
           f"WHERE {quote(meta.pk.column)} = %s")
    rows = [[f.get_db_prep_save(getattr(obj, f.attname), connection) for f in fields] + [obj.pk] for obj in objs]
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


def _db_datetime(value: dt.datetime) -> Any:
    return connection.ops.adapt_datetimefield_value(value)


def _db_date(value: dt.date | None) -> Any:
    return connection.ops.adapt_datefield_value(value)


# ---------------------------------------------------------------- customers

@dataclass
class _Address:
    line1: str
    city: str
    postcode: str
    country: str


@dataclass
class _Row:
    row: int
    data: CustomerInput  # cleaned
    given: frozenset[str]  # CustomerInput fields the file gave a value for
    address: _Address | None


@dataclass
class _Slot:
    """One customer the file creates or updates, with the rows that feed it."""

    data: CustomerInput
    given: set[str]
    rows: list[int]
    addresses: list[_Address]
    customer_id: int | None = None  # an existing customer


# CustomerInput field → import column that gives it (for naming columns in errors)
_FIELD_COLUMN = {"company_name": "company", "vat_number": "vat", "emails": "email", "phones": "phone"}
_SCALARS = ("kind", "category", "first_name", "last_name", "company_name", "job_title", "title", "formal",
            "language", "time_zone", "preferred_channel", "birthday", "vat_number", "external_ref", "notes")
_TEXT_COLUMNS = ("category", "title", "first_name", "last_name", "job_title", "time_zone", "preferred_channel",
                 "notes", "external_ref")


@functools.lru_cache(maxsize=65536)
def _name_terms(name: str) -> frozenset[str]:
    return frozenset(name_terms(name))


def _terms_of(data: CustomerInput) -> set[str]:
    """customer_terms() for a new customer; name words (which repeat a lot) come from a cache."""
    terms = customer_terms(names=(), emails=data.emails, phones=data.phones, vat_number=data.vat_number,
                           external_ref=data.external_ref)
    for name in (data.first_name, data.last_name, data.company_name):
        if name:
            terms |= _name_terms(name)
    return terms


class _Derived:
    """The four name fields services._apply_derived reads and the four it fills."""

    display_name = sort_name = name_key = name_day_name = ""

    def __init__(self, data: CustomerInput) -> None:
        self.kind, self.first_name, self.last_name, self.company_name = (
            data.kind, data.first_name, data.last_name, data.company_name)


class _CustomerImport:
    def __init__(self, *, table: Table, file_name: str, actor: User | None, job: ImportJob, result: ImportResult,
                 progress: _Progress) -> None:
        self.table, self.file_name, self.actor, self.job, self.result, self.progress = (
            table, file_name, actor, job, result, progress)
        self.cols = map_headers(table.headers, CUSTOMER_COLUMNS)
        result.warnings = self.cols.warnings
        if not any(self.cols.has(c) for c in ("first_name", "last_name", "full_name", "company")):
            raise ImportFileError(_("No name column found: the file needs a column such as first_name, last_name, "
                                    "company, Όνομα, Επώνυμο or Εταιρεία."))
        self.address_warned = False
        positions = self.cols.positions
        self.single = [(name, pos[0]) for name, pos in positions.items() if name not in ("email", "phone")]
        self.email_pos, self.phone_pos = positions.get("email", []), positions.get("phone", [])
        self.has_address = any(name in positions for name in ("address", "city", "postcode", "country"))

    # ---- validation

    def run(self, *, skip_invalid: bool) -> None:
        rows: list[_Row] = []
        errors = self.result.errors
        with _timed(self.result, "validate"):
            for i, (row_no, cells) in enumerate(self.table.rows):
                row = self._parse(row_no, cells, errors)
                if row is not None:
                    rows.append(row)
                if i % PROGRESS_EVERY == 0:
                    self.progress.at(0, i)
        with transaction.atomic():
            with _timed(self.result, "match"):
                slots = self._match(rows, errors)
            if errors and not skip_invalid:
                transaction.set_rollback(True)
                return
            self._write(slots)
            self.result.written = True

    def _values(self, cells: list[Cell]) -> dict[str, Cell]:
        """The row's non-empty single-column values by column name."""
        out: dict[str, Cell] = {}
        size = len(cells)
        for name, i in self.single:
            if i < size:
                value = cells[i]
                if isinstance(value, str):
                    value = value.strip()
                    if value:
                        out[name] = value
                else:
                    out[name] = value
        return out

    def _parse(self, row_no: int, cells: list[Cell], errors: list[RowError]) -> _Row | None:
        values = self._values(cells)
        fields: dict[str, Any] = {name: text_of(values[name]) for name in _TEXT_COLUMNS if name in values}
        bad: list[RowError] = []

        def fail(column: str, message: str) -> None:
            bad.append(RowError(row_no, self.cols.header(column), message))

        if "full_name" in values and "first_name" not in fields and "last_name" not in fields:
            first, _sep, last = text_of(values["full_name"]).partition(" ")
            fields["first_name"], fields["last_name"] = (first, last) if last else ("", first)
        if "company" in values:
            fields["company_name"] = text_of(values["company"])
        if "kind" in values:
            kind = text_of(values["kind"])
            fields["kind"] = _word("kind", kind) or kind
        elif "company_name" in fields and not (fields.get("first_name") or fields.get("last_name")):
            fields["kind"] = Customer.Kind.COMPANY
        if "category" in fields:
            fields["category"] = _word("category", fields["category"]) or fields["category"]
        if "preferred_channel" in fields:
            fields["preferred_channel"] = fields["preferred_channel"].lower()
        if "language" in values:
            language = text_of(values["language"])
            fields["language"] = _word("language", language) or language
        if "formal" in values:
            word = _word("formal", text_of(values["formal"]))
            if word is None:
                fail("formal", _("“%(value)s” is not yes or no.") % {"value": text_of(values["formal"])})
            else:
                fields["formal"] = word == "yes"
        if "birthday" in values:
            try:
                fields["birthday"] = parse_date(values["birthday"])
            except ValueError:
                fail("birthday", _("“%(value)s” is not a date: use DD/MM/YYYY or YYYY-MM-DD.")
                     % {"value": text_of(values["birthday"])})
        if "vat" in values:
            fields["vat_number"] = text_of(values["vat"])
        given = set(fields)
        emails = self._many(cells, self.email_pos, _SPLIT)
        phones = self._many(cells, self.phone_pos, _SPLIT_PHONES)
        tags = [t for t in _SPLIT.split(text_of(values["tags"])) if t] if "tags" in values else []
        address, region = self._address(values, fail) if self.has_address else (None, None)
        data = CustomerInput(**fields, emails=[v for _h, v in emails], phones=[v for _h, v in phones], tags=tags)
        try:
            clean = data.cleaned(region=region)
        except ValidationError as exc:
            bad += self._field_errors(row_no, exc, emails, phones)
        else:
            # A size cleaned() leaves unchecked (PostgreSQL would refuse the whole import).
            for email in clean.emails:
                if len(email) > 254:
                    fail("email", _("At most %(n)d characters.") % {"n": 254})
        if bad:
            errors.extend(bad)
            return None
        if clean.emails:
            given.add("emails")
        if clean.phones:
            given.add("phones")
        if clean.tags:
            given.add("tags")
        return _Row(row_no, clean, frozenset(given), address)

    def _many(self, cells: list[Cell], positions: list[int], splitter: re.Pattern[str]) -> list[tuple[str, str]]:
        out = []
        for pos in positions:
            if pos < len(cells) and cells[pos]:
                out += [(self.table.headers[pos], v) for v in splitter.split(text_of(cells[pos])) if v]
        return out

    def _address(self, values: dict[str, Cell], fail: Callable[[str, str], None]) -> tuple[_Address | None, str | None]:
        line1, city, postcode, country_text = (text_of(values.get(n, "")) for n in ("address", "city", "postcode",
                                                                                     "country"))
        country = settings.PELATIS_DEFAULT_REGION
        if country_text:
            found = _word("country", country_text)
            if found is None and len(country_text) == 2 and country_text.isalpha():
                found = country_text.upper()
            if found is None:
                fail("country", _("Use a two-letter country code such as GR."))
            else:
                country = found
        region = country if country_text else None
        if not line1:
            if (city or postcode) and not self.address_warned:
                self.address_warned = True
                self.result.warnings.append(RowError(1, self.cols.header("city" if city else "postcode"), _(
                    "Rows with a city or postcode but no street keep no address (an address needs a street).")))
            return None, region
        return _Address(line1[:200], city[:100], postcode[:20], country), region

    def _field_errors(self, row_no: int, exc: ValidationError, emails: list[tuple[str, str]],
                      phones: list[tuple[str, str]]) -> list[RowError]:
        out = []
        for name, messages in exc.message_dict.items():
            for message in messages:
                column = _FIELD_COLUMN.get(name, name)
                header = self.cols.header(column)
                if name in ("emails", "phones"):
                    pairs = emails if name == "emails" else phones
                    header = next((h for h, v in pairs if f"“{v.strip()}”" in message), header)
                elif name == "last_name" and not self.cols.has("last_name"):
                    header = self.cols.header(next((c for c in ("first_name", "full_name", "company")
                                                    if self.cols.has(c)), "last_name"))
                elif name == "company_name" and not self.cols.has("company"):
                    header = self.cols.header("kind")
                out.append(RowError(row_no, header, message))
        return out

    # ---- matching

    def _match(self, rows: list[_Row], errors: list[RowError]) -> list[_Slot]:
        by_ref, by_email, by_phone, refs_of = self._existing(rows)
        slots: list[_Slot] = []
        file_ref: dict[str, _Slot] = {}
        file_email: dict[str, _Slot] = {}
        file_phone: dict[str, _Slot] = {}
        db_slots: dict[int, _Slot] = {}

        def slot_ref(slot: _Slot) -> str | None:
            if slot.customer_id is not None and "external_ref" not in slot.given:
                return refs_of.get(slot.customer_id)
            return slot.data.external_ref

        for row in rows:
            data, ref = row.data, row.data.external_ref
            slot: _Slot | None = file_ref.get(ref) if ref else None
            cid: int | None = by_ref.get(ref) if ref and slot is None else None
            if slot is None and cid is None:
                # A stored owner of the email or phone comes before an earlier row that gave it.
                for value, file_map, db_map in [(e, file_email, by_email) for e in data.emails] + [
                        (p, file_phone, by_phone) for p in data.phones]:
                    found = db_map.get(value)
                    if found is not None and not (ref and refs_of.get(found) not in (None, ref)):
                        cid = found
                        break
                    candidate = file_map.get(value)
                    if candidate is not None and not (ref and slot_ref(candidate) not in (None, ref)):
                        slot = candidate
                        break
            if slot is None and cid is not None:
                slot = db_slots.get(cid)
            if slot is None:
                # The row's cleaned input is ours alone: the slot takes it over.
                slot = _Slot(data=data, given=set(row.given), rows=[row.row],
                             addresses=[row.address] if row.address else [], customer_id=cid)
                slots.append(slot)
                if cid is not None:
                    db_slots[cid] = slot
            else:
                self._overlay(slot, row)
            if slot.data.external_ref and (slot.customer_id is None or "external_ref" in slot.given):
                file_ref.setdefault(slot.data.external_ref, slot)
            for e in data.emails:
                file_email.setdefault(e, slot)
            for p in data.phones:
                file_phone.setdefault(p, slot)
        # What a customer becomes from several rows, or from a row laid over its
        # stored profile, is checked again as a whole; errors go to its last row.
        self.loaded: dict[int, Customer] = {}
        for chunk in _chunks([s.customer_id for s in slots if s.customer_id is not None], IN_CHUNK):
            self.loaded.update(Customer.objects.in_bulk(chunk))
        for slot in slots:
            if slot.customer_id is not None:
                stored = self.loaded[slot.customer_id]
                merged = CustomerInput(**{f: getattr(slot.data if f in slot.given else stored, f) for f in _SCALARS})
            elif len(slot.rows) > 1:
                merged = replace(slot.data, emails=[], phones=[], tags=[])
            else:
                continue
            try:
                merged.cleaned()
            except ValidationError as exc:
                errors += self._field_errors(slot.rows[-1], exc, [], [])
                errors += [RowError(r, "", _("Skipped: row %(row)d for the same customer is invalid.")
                                    % {"row": slot.rows[-1]}) for r in slot.rows[:-1]]
                slot.rows = []
        slots = [s for s in slots if s.rows]
        rows_in = sum(len(s.rows) for s in slots)
        self.result.created = sum(1 for s in slots if s.customer_id is None)
        self.result.updated = rows_in - self.result.created
        return slots

    @staticmethod
    def _overlay(slot: _Slot, row: _Row) -> None:
        for name in row.given & set(_SCALARS):
            setattr(slot.data, name, getattr(row.data, name))
        for name in ("emails", "phones", "tags"):
            have = getattr(slot.data, name)
            have += [v for v in getattr(row.data, name) if v not in have]
        slot.given |= row.given
        slot.rows.append(row.row)
        if row.address:
            slot.addresses.append(row.address)

    def _existing(self, rows: list[_Row]) -> tuple[dict[str, int], dict[str, int], dict[str, int], dict[int, str | None]]:
        """Existing customers by external reference, email and phone (lowest id wins), and their references."""
        live = Customer.objects.filter(merged_into__isnull=True)
        refs = sorted({r.data.external_ref for r in rows if r.data.external_ref})
        by_ref: dict[str, int] = {}
        if not live.exists():
            return {}, {}, {}, {}
        for chunk in _chunks(refs, IN_CHUNK):
            by_ref.update(live.filter(external_ref__in=chunk).values_list("external_ref", "id"))
        by_point: dict[str, dict[str, int]] = {"email": {}, "phone": {}}
        if ContactPoint.objects.exists():
            for kind, values in (("email", {e for r in rows for e in r.data.emails}),
                                 ("phone", {p for r in rows for p in r.data.phones})):
                found = by_point[kind]
                for chunk in _chunks(sorted(values), IN_CHUNK):
                    points = ContactPoint.objects.filter(kind=kind, value__in=chunk, customer__merged_into__isnull=True)
                    for value, cid in points.order_by("-customer_id").values_list("value", "customer_id"):
                        found[value] = cid
        ids = sorted(set(by_point["email"].values()) | set(by_point["phone"].values()))
        refs_of: dict[int, str | None] = {cid: ref for ref, cid in by_ref.items()}
        for chunk in _chunks(ids, IN_CHUNK):
            refs_of.update(Customer.objects.filter(pk__in=chunk).values_list("id", "external_ref"))
        return by_ref, by_point["email"], by_point["phone"], refs_of

    # ---- writing

    def _write(self, slots: list[_Slot]) -> None:
        now = timezone.now()
        new = [s for s in slots if s.customer_id is None]
        old = [s for s in slots if s.customer_id is not None]
        tag_ids = self._tag_ids(slots)
        done = 0
        with _indexes_deferred(len(new), Customer, ContactPoint, SearchTerm, Interaction):
            for chunk in _chunks(new, CHUNK):
                self._create(chunk, now, tag_ids)
                done += sum(len(s.rows) for s in chunk)
                self.progress.at(1, done)
            started = time.perf_counter()
        self.result.timings["index rebuild"] = time.perf_counter() - started
        with _timed(self.result, "update"):
            for chunk in _chunks(old, IN_CHUNK):
                self._update(chunk, now, tag_ids)
                done += sum(len(s.rows) for s in chunk)
                self.progress.at(1, done)

    @staticmethod
    def _tag_ids(slots: list[_Slot]) -> dict[str, int]:
        names = list(dict.fromkeys(t for s in slots for t in s.data.tags))
        return {name.casefold(): tag.pk for name, tag in zip(names, _tags_named(names), strict=True)}

    def _create(self, slots: Sequence[_Slot], now: dt.datetime, tag_ids: dict[str, int]) -> None:
        stamp = _db_datetime(now)
        with _timed(self.result, "derive"):
            rows = []
            for slot in slots:
                d = slot.data
                derived = _Derived(d)
                _apply_derived(cast(Customer, derived))  # the service's own helper, on a stand-in
                rows.append((d.kind, d.category, d.first_name, d.last_name, d.company_name, derived.display_name[:250],
                             d.job_title, d.title, d.formal, d.language, d.time_zone, d.preferred_channel,
                             _db_date(d.birthday), derived.name_day_name, d.vat_number, d.external_ref, d.notes,
                             derived.sort_name, derived.name_key, stamp, stamp))
            terms_of = [_terms_of(slot.data) for slot in slots]
        with _timed(self.result, "insert"):
            with connection.cursor() as cursor:
                cursor.execute(f"SELECT MAX(id) FROM {connection.ops.quote_name(Customer._meta.db_table)}")
                before = cursor.fetchone()[0] or 0
            _insert_many(Customer, ("kind", "category", "first_name", "last_name", "company_name", "display_name",
                                    "job_title", "title", "formal", "language", "time_zone", "preferred_channel",
                                    "birthday", "name_day_name", "vat_number", "external_ref", "notes", "sort_name",
                                    "name_key", "created_at", "updated_at"), rows)
            # Ids grow in insertion order within our transaction; the shared stamp keeps out
            # rows another connection may insert meanwhile (PostgreSQL).
            ids = list(Customer.objects.filter(pk__gt=before, created_at=now).order_by("pk").values_list("pk", flat=True))
        if len(ids) != len(slots):
            raise RuntimeError(f"inserted {len(slots)} customers but found {len(ids)}")
        with _timed(self.result, "derive"):
            points, terms, links, events, addresses = [], [], [], [], []
            summary = (_("Imported from %(file)s") % {"file": self.file_name})[:300]
            actor_id = self.actor.pk if self.actor is not None else None
            source = str(self.job.pk)
            for cid, slot, slot_terms in zip(ids, slots, terms_of, strict=True):
                d = slot.data
                points += [(cid, "email", v, "", i == 0, stamp) for i, v in enumerate(d.emails)]
                points += [(cid, "phone", v, "", i == 0, stamp) for i, v in enumerate(d.phones)]
                terms += [(cid, t) for t in slot_terms]
                if d.tags:
                    links += [(cid, tag_ids[t.casefold()]) for t in d.tags]
                events.append((cid, "system", "internal", summary, "", stamp, actor_id, "customers.importjob", source))
                if slot.addresses:
                    addresses += [Address(customer_id=cid, line1=a.line1, city=a.city, postcode=a.postcode,
                                          country=a.country, is_primary=i == 0) for i, a in enumerate(slot.addresses)]
        with _timed(self.result, "insert"):
            _insert_many(ContactPoint, ("customer", "kind", "value", "label", "is_primary", "created_at"), points)
            _insert_many(SearchTerm, ("customer", "term"), terms)
            _insert_many(Customer.tags.through, ("customer", "tag"), links)
            _insert_many(Interaction, ("customer", "channel", "direction", "summary", "body", "occurred_at", "actor",
                                       "source_type", "source_id"), events)
            Address.objects.bulk_create(addresses, batch_size=500)

    def _update(self, slots: Sequence[_Slot], now: dt.datetime, tag_ids: dict[str, int]) -> None:
        """Lay the slots over their stored customers; only customers that really change are written,
        get a timeline entry and are re-indexed (re-importing an unchanged file writes nothing)."""
        by_id = {s.customer_id: s for s in slots if s.customer_id is not None}
        ids = list(by_id)
        have_points: dict[int, set[tuple[str, str]]] = {}
        primary: set[tuple[int, str]] = set()
        for cid, kind, value, is_primary in ContactPoint.objects.filter(customer_id__in=ids).values_list(
                "customer_id", "kind", "value", "is_primary"):
            have_points.setdefault(cid, set()).add((kind, value))
            if is_primary:
                primary.add((cid, kind))
        have_tags = set(Customer.tags.through.objects.filter(customer_id__in=ids).values_list("customer_id", "tag_id"))
        have_addresses: dict[int, set[tuple[str, str, str]]] = {}
        for cid, line1, city, postcode in Address.objects.filter(customer_id__in=ids).values_list(
                "customer_id", "line1", "city", "postcode"):
            have_addresses.setdefault(cid, set()).add((lang.fold(line1), lang.fold(city), postcode))
        changed_rows: list[Customer] = []
        points, links, addresses, events = [], [], [], []
        for cid, slot in by_id.items():
            customer = self.loaded[cid]
            changed = [f for f in _SCALARS if f in slot.given and getattr(customer, f) != getattr(slot.data, f)]
            if changed:
                for f in changed:
                    setattr(customer, f, getattr(slot.data, f))
                _apply_derived(customer)
                customer.updated_at = now
                changed_rows.append(customer)
            for kind, values in (("email", slot.data.emails), ("phone", slot.data.phones)):
                for value in values:
                    if (kind, value) not in have_points.get(cid, set()):
                        points.append(ContactPoint(customer_id=cid, kind=kind, value=value,
                                                   is_primary=(cid, kind) not in primary))
                        primary.add((cid, kind))
                        changed.append(f"{kind}s")
            for tag in slot.data.tags:
                if (cid, tag_ids[tag.casefold()]) not in have_tags:
                    links.append(Customer.tags.through(customer_id=cid, tag_id=tag_ids[tag.casefold()]))
                    have_tags.add((cid, tag_ids[tag.casefold()]))
                    changed.append("tags")
            seen = have_addresses.setdefault(cid, set())
            for a in slot.addresses:
                key = (lang.fold(a.line1), lang.fold(a.city), a.postcode)
                if key not in seen:
                    addresses.append(Address(customer_id=cid, line1=a.line1, city=a.city, postcode=a.postcode,
                                             country=a.country, is_primary=not seen))
                    seen.add(key)
                    changed.append("address")
            if changed:
                summary = _("Updated from import of %(file)s: %(fields)s") % {
                    "file": self.file_name, "fields": ", ".join(dict.fromkeys(changed))}
                events.append(Interaction(customer_id=cid, channel=Interaction.Channel.SYSTEM,
                                          direction=Interaction.Direction.INTERNAL, summary=summary[:300],
                                          occurred_at=now, actor=self.actor, source_type="customers.importjob",
                                          source_id=str(self.job.pk)))
        _update_many(Customer, (*_SCALARS, "display_name", "sort_name", "name_key", "name_day_name", "updated_at"),
                     changed_rows)
        ContactPoint.objects.bulk_create(points, batch_size=500)
        Customer.tags.through.objects.bulk_create(links, batch_size=500)
        Address.objects.bulk_create(addresses, batch_size=500)
        Interaction.objects.bulk_create(events, batch_size=500)
        touched = [e.customer_id for e in events]
        if touched:
            # A company's name is in its contacts' search terms too (as customer_update does).
            touched += Customer.objects.filter(company_id__in=touched).values_list("pk", flat=True)
            for chunk in _chunks(list(dict.fromkeys(touched)), IN_CHUNK):
                search_reindex(customer_ids=chunk)


# ---------------------------------------------------------------- orders

@dataclass
class _Line:
    row: int
    reference: str
    customer_id: int
    placed_at: dt.datetime
    currency: str
    status: str
    channel: str
    line: OrderLineInput
    customer_column: str


class _OrderImport:
    REQUIRED = ("reference", "placed_at", "product", "unit_price")

    def __init__(self, *, table: Table, file_name: str, actor: User | None, job: ImportJob, result: ImportResult,
                 progress: _Progress) -> None:
        self.table, self.file_name, self.actor, self.job, self.result, self.progress = (
            table, file_name, actor, job, result, progress)
        self.cols = map_headers(table.headers, ORDER_COLUMNS)
        result.warnings = self.cols.warnings
        for name in self.REQUIRED:
            if not self.cols.has(name):
                raise ImportFileError(_("The column “%(column)s” is missing.") % {"column": name}, column=name)
        if not any(self.cols.has(c) for c in ("customer_ref", "email", "phone")):
            raise ImportFileError(_("No customer column found: give customer_ref, email or phone."), column="customer_ref")
        self.tz = zoneinfo.ZoneInfo(settings.TIME_ZONE)

    def _cell(self, cells: list[Cell], name: str) -> Cell:
        pos = self.cols.positions.get(name)
        if not pos or pos[0] >= len(cells):
            return ""
        value = cells[pos[0]]
        return value.strip() if isinstance(value, str) else value

    def run(self, *, skip_invalid: bool) -> None:
        errors = self.result.errors
        parsed: list[tuple[int, dict[str, Any]]] = []
        for i, (row_no, cells) in enumerate(self.table.rows):
            row = self._parse(row_no, cells, errors)
            if row is not None:
                parsed.append((row_no, row))
            if i % PROGRESS_EVERY == 0:
                self.progress.at(0, i)
        with transaction.atomic():
            lines = self._resolve(parsed, errors)
            orders = self._group(lines, errors)
            if errors and not skip_invalid:
                transaction.set_rollback(True)
                return
            self._write(orders)
            self.result.written = True

    def _parse(self, row_no: int, cells: list[Cell], errors: list[RowError]) -> dict[str, Any] | None:
        bad: list[RowError] = []
        header = self.cols.header

        def fail(column: str, message: str) -> None:
            bad.append(RowError(row_no, header(column), message))

        out: dict[str, Any] = {"reference": text_of(self._cell(cells, "reference"))}
        placed = self._cell(cells, "placed_at")
        if placed == "":
            fail("placed_at", _("The order date is missing."))
        else:
            try:
                out["placed_at"] = parse_datetime(placed, self.tz)
            except (ValueError, OverflowError):
                fail("placed_at", _("“%(value)s” is not a date: use DD/MM/YYYY [HH:MM] or YYYY-MM-DD [HH:MM].")
                     % {"value": text_of(placed)})
        numbers = {}
        for name, default in (("quantity", Decimal("1")), ("unit_price", None)):
            raw = self._cell(cells, name)
            if raw == "":
                if default is None:
                    fail(name, _("The price is missing."))
                numbers[name] = default
                continue
            try:
                numbers[name] = parse_decimal(raw)
            except ValueError:
                fail(name, _("“%(value)s” is not a number.") % {"value": text_of(raw)})
                continue
            if abs(numbers[name]) >= 10**9:  # the columns hold 12 digits with 2 or 3 decimals
                fail(name, _("“%(value)s” is too large.") % {"value": text_of(raw)})
        status = text_of(self._cell(cells, "status"))
        currency = text_of(self._cell(cells, "currency")) or settings.PELATIS_DEFAULT_CURRENCY
        currency = "EUR" if currency == "€" or header_key(currency) in ("ευρω", "euro") else currency
        price, quantity = numbers.get("unit_price"), numbers.get("quantity")
        line = OrderLineInput(name=text_of(self._cell(cells, "product")),
                              unit_price=Decimal("0") if price is None else price,
                              quantity=Decimal("1") if quantity is None else quantity, sku=text_of(self._cell(cells, "sku")),
                              category=text_of(self._cell(cells, "category")))
        data = OrderInput(reference=out["reference"], placed_at=out.get("placed_at") or timezone.now(), lines=[line],
                          currency=currency, status=(_word("status", status) or status.lower()) if status else
                          Order.Status.PAID, channel=text_of(self._cell(cells, "channel")))
        try:
            clean = data.cleaned()
        except ValidationError as exc:
            for name, messages in exc.message_dict.items():
                for message in messages:
                    if name == "lines":
                        if not line.name:
                            column = "product"
                        elif numbers.get("quantity") is not None and Decimal(str(line.quantity)) <= 0:
                            column = "quantity"
                        else:
                            column = "unit_price"
                        message = re.sub(r"^[^:]*\d[^:]*:\s*", "", message)  # "Line 1: " means nothing in a file
                        message = message[:1].upper() + message[1:]
                    else:
                        column = "placed_at" if name == "placed_at" else name
                    fail(column, message)
            clean = None
        keys = {}
        for name in ("customer_ref", "email", "phone"):
            value = text_of(self._cell(cells, name))
            if not value:
                continue
            try:
                keys[name] = (email_normalise(value) if name == "email" else
                              phone_normalise(value) if name == "phone" else value)
            except ValueError as exc:
                fail(name, str(exc))
        if not keys and not bad:
            fail(next(c for c in ("customer_ref", "email", "phone") if self.cols.has(c)),
                 _("The customer is missing: give the customer's reference, email or phone."))
        if bad:
            errors.extend(bad)
            return None
        assert clean is not None
        return {"order": clean, "keys": keys}

    def _resolve(self, parsed: list[tuple[int, dict[str, Any]]], errors: list[RowError]) -> list[_Line]:
        """Find each row's customer by reference, then email, then phone."""
        wanted: dict[str, set[str]] = {"customer_ref": set(), "email": set(), "phone": set()}
        for _row, p in parsed:
            for name, value in p["keys"].items():
                wanted[name].add(value)
        live = Customer.objects.filter(merged_into__isnull=True)
        found: dict[str, dict[str, int]] = {name: {} for name in wanted}
        for chunk in _chunks(sorted(wanted["customer_ref"]), IN_CHUNK):
            found["customer_ref"].update(live.filter(external_ref__in=chunk).values_list("external_ref", "id"))
        for name in ("email", "phone"):
            for chunk in _chunks(sorted(wanted[name]), IN_CHUNK):
                points = ContactPoint.objects.filter(kind=name, value__in=chunk, customer__merged_into__isnull=True)
                for value, cid in points.order_by("-customer_id").values_list("value", "customer_id"):
                    found[name][value] = cid
        lines = []
        for row_no, p in parsed:
            keys: dict[str, str] = p["keys"]
            match = next(((name, found[name][v]) for name, v in keys.items() if v in found[name]), None)
            if match is None:
                name, value = next(iter(keys.items()))
                messages = {"customer_ref": _("No customer with the reference “%(value)s”."),
                            "email": _("No customer with the email “%(value)s”."),
                            "phone": _("No customer with the phone “%(value)s”.")}
                errors.append(RowError(row_no, self.cols.header(name), messages[name] % {"value": value}))
                continue
            order: OrderInput = p["order"]
            lines.append(_Line(row_no, order.reference, match[1], order.placed_at, order.currency, order.status,
                               order.channel, order.lines[0], self.cols.header(match[0])))
        return lines

    def _group(self, lines: list[_Line], errors: list[RowError]) -> list[list[_Line]]:
        """The lines of each reference, the first line's customer and currency holding for all."""
        groups: dict[str, list[_Line]] = {}
        for line in lines:
            groups.setdefault(line.reference, []).append(line)
        bad_refs = {e.row for e in errors}
        ref_of_row = {}
        for row_no, cells in self.table.rows:
            ref = text_of(self._cell(cells, "reference"))
            if ref:
                ref_of_row[row_no] = ref
        broken = {ref_of_row[r] for r in bad_refs if r in ref_of_row}
        orders = []
        for ref, group in groups.items():
            first = group[0]
            ok = ref not in broken
            for line in group[1:]:
                if line.customer_id != first.customer_id:
                    errors.append(RowError(line.row, line.customer_column, _(
                        "Order %(ref)s already belongs to another customer (row %(row)d).") % {"ref": ref, "row": first.row}))
                    ok = False
                elif line.currency != first.currency:
                    errors.append(RowError(line.row, self.cols.header("currency"), _(
                        "Order %(ref)s is in %(currency)s (row %(row)d).") % {"ref": ref, "currency": first.currency,
                                                                             "row": first.row}))
                    ok = False
            if ok:
                orders.append(group)
            else:
                failed = {e.row for e in errors}
                for line in group:
                    if line.row not in failed:
                        errors.append(RowError(line.row, self.cols.header("reference"), _(
                            "Skipped: another line of order %(ref)s is invalid.") % {"ref": ref}))
        return orders

    def _write(self, orders: list[list[_Line]]) -> None:
        refs = [g[0].reference for g in orders]
        existing: dict[str, Order] = {}
        for chunk in _chunks(refs, IN_CHUNK):
            existing.update((o.reference, o) for o in Order.objects.filter(reference__in=chunk))
        new = [g for g in orders if g[0].reference not in existing]
        old = [g for g in orders if g[0].reference in existing]
        done = 0
        for chunk in _chunks(new, CHUNK):
            self._create(chunk)
            done += sum(len(g) for g in chunk)
            self.progress.at(1, done)
        if old:
            self._update(old, existing)
        self.result.created, self.result.updated = len(new), len(old)

    @staticmethod
    def _total(group: list[_Line]) -> Decimal:
        total = sum((Decimal(str(ln.line.quantity)) * Decimal(str(ln.line.unit_price)) for ln in group), Decimal("0"))
        return total.quantize(Decimal("0.01"))

    @staticmethod
    def _lines(order_id: int, group: list[_Line]) -> list[OrderLine]:
        return [OrderLine(order_id=order_id, name=ln.line.name, sku=ln.line.sku, category=ln.line.category,
                          quantity=Decimal(str(ln.line.quantity)), unit_price=Decimal(str(ln.line.unit_price)))
                for ln in group]

    def _event(self, order: Order) -> Interaction:
        # The same entry order_create() writes.
        return Interaction(
            customer_id=order.customer_id, channel=Interaction.Channel.ORDER, direction=Interaction.Direction.INBOUND,
            summary=(_("Order %(ref)s: %(total)s %(currency)s") % {"ref": order.reference, "total": order.total,
                                                                     "currency": order.currency})[:300],
            occurred_at=order.placed_at, actor=self.actor, source_type="customers.order", source_id=str(order.pk))

    def _create(self, groups: Sequence[list[_Line]]) -> None:
        orders = [Order(customer_id=g[0].customer_id, reference=g[0].reference, placed_at=g[0].placed_at,
                        currency=g[0].currency, status=g[0].status, channel=g[0].channel, total=self._total(g))
                  for g in groups]
        Order.objects.bulk_create(orders, batch_size=500)
        if any(o.pk is None for o in orders):  # a backend that cannot return ids from bulk inserts
            ids = dict(Order.objects.filter(reference__in=[o.reference for o in orders]).values_list("reference", "id"))
            for o in orders:
                o.pk = ids[o.reference]
        OrderLine.objects.bulk_create([ln for o, g in zip(orders, groups, strict=True) for ln in self._lines(o.pk, g)],
                                      batch_size=500)
        Interaction.objects.bulk_create([self._event(o) for o in orders], batch_size=500)
        SearchTerm.objects.bulk_create([SearchTerm(customer_id=o.customer_id, term=f"o:{lang.fold(o.reference)}"[:120])
                                        for o in orders], batch_size=500)

    def _update(self, groups: list[list[_Line]], existing: dict[str, Order]) -> None:
        moved: set[int] = set()
        orders = []
        for g in groups:
            order = existing[g[0].reference]
            if order.customer_id != g[0].customer_id:
                moved |= {order.customer_id, g[0].customer_id}
            order.customer_id, order.placed_at, order.currency = g[0].customer_id, g[0].placed_at, g[0].currency
            order.status, order.channel, order.total = g[0].status, g[0].channel, self._total(g)
            orders.append(order)
        Order.objects.bulk_update(orders, ["customer", "placed_at", "currency", "status", "channel", "total"],
                                  batch_size=500)
        ids = [o.pk for o in orders]
        for chunk in _chunks(ids, IN_CHUNK):
            OrderLine.objects.filter(order_id__in=chunk).delete()
        OrderLine.objects.bulk_create([ln for o, g in zip(orders, groups, strict=True) for ln in self._lines(o.pk, g)],
                                      batch_size=500)
        by_id = {str(o.pk): o for o in orders}
        events = []
        for chunk in _chunks(list(by_id), IN_CHUNK):
            for event in Interaction.objects.filter(source_type="customers.order", source_id__in=chunk):
                fresh = self._event(by_id[event.source_id])
                event.customer_id, event.summary, event.occurred_at = fresh.customer_id, fresh.summary, fresh.occurred_at
                events.append(event)
        Interaction.objects.bulk_update(events, ["customer", "summary", "occurred_at"], batch_size=500)
        for chunk in _chunks(sorted(moved), IN_CHUNK):
            search_reindex(customer_ids=chunk)
