"""A table as a file people and programs can open: CSV in the reader's locale or in the machine
format, or XLSX, for every download of the product (customers, dashboard tables).

Two forms of the same table:

- **for people** (the default), in the reader's language as Django's locale formats describe it:
  for Greek ``;`` between fields (the decimal mark is a comma, so Excel set to Greek splits on ``;``),
  decimal comma, dates as dd/mm/yyyy, headers and coded values (channel, status, segment…) in Greek;
  for English ``,``, decimal point and ISO dates;
- **for programs** (``?format=machine``, ``--machine``): ``,``, decimal point, ISO dates and the
  English keys as headers and values.

CSV is UTF-8 with a byte-order mark (so Excel reads Greek), streamed a few thousand rows at a time;
XLSX is written by openpyxl's write-only workbook (rows go to disk as they come) with numbers as
numbers, dates as dates, each with its number format. Cells that Excel would run as formulas are
defused: a leading ' in CSV (the importer takes it off again), a text cell in XLSX.

Imports no app: a caller describes its columns (``Column``) and gives rows of plain values
(str, int, float, Decimal, date, datetime, bool, None).
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import math
import re
import tempfile
import zoneinfo
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import IO, Any, Literal
from urllib.parse import quote

from django.conf import settings
from django.http import FileResponse, HttpRequest, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.utils import formats, timezone, translation
from django.utils.translation import pgettext

Kind = Literal["text", "int", "decimal", "money", "date", "month", "datetime", "bool"]
Fmt = Literal["csv", "xlsx"]

CONTENT_TYPES: dict[str, str] = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
CHUNK_ROWS = 2000  # CSV rows encoded and sent at a time
# Excel runs a cell that starts with one of these as a formula ("CSV injection").
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "'")
_ILLEGAL_XML = re.compile(r"[\000-\010]|[\013-\014]|[\016-\037]")  # control characters XLSX cannot hold


@dataclass(frozen=True)
class Column:
    """One column: ``key`` is the machine header, ``label`` the header for people (a lazy string),
    ``kind`` how values are written, ``choices`` the label of each coded value (a mapping or a function
    of the value) for people; ``decimals`` fixes the digits after the mark of a decimal or money column."""

    key: str
    label: Any
    kind: Kind = "text"
    choices: Mapping[Any, Any] | Callable[[Any], str] | None = None
    decimals: int | None = None
    width: int = 0  # XLSX column width in characters; 0: from the header
    verbatim: bool = False  # text written as it is: E.164 phones start with + but are digits, not formulas


@dataclass(frozen=True)
class Layout:
    """How a table is written: the locale's marks and date formats, or the machine format."""

    machine: bool
    language: str
    delimiter: str
    decimal: str
    date_format: str  # strftime
    datetime_format: str
    month_format: str

    @property
    def name(self) -> str:
        return "machine" if self.machine else self.language


MACHINE = Layout(
    machine=True,
    language="en",
    delimiter=",",
    decimal=".",
    date_format="%Y-%m-%d",
    datetime_format="%Y-%m-%dT%H:%M:%S%z",
    month_format="%Y-%m",
)


def layout_for(language: str | None = None, *, machine: bool = False) -> Layout:
    """The layout for people reading ``language`` (default: the active one), or the machine format."""
    if machine:
        return MACHINE
    language = (language or translation.get_language() or settings.LANGUAGE_CODE).split("-")[0]
    decimal = str(formats.get_format("DECIMAL_SEPARATOR", language))
    date_format = _first_full_date(formats.get_format("DATE_INPUT_FORMATS", language))
    datetime_format = next(
        (
            f
            for f in formats.get_format("DATETIME_INPUT_FORMATS", language)
            if f.startswith(date_format) and "%S" in f and "%f" not in f
        ),
        f"{date_format} %H:%M:%S",
    )
    # The month alone: the date format without its day ("%d/%m/%Y" → "%m/%Y", "%Y-%m-%d" → "%Y-%m").
    month_format = re.sub(r"%d[^%]?|[^%]?%d", "", date_format, count=1)
    return Layout(
        machine=False,
        language=language,
        delimiter=";" if decimal == "," else ",",
        decimal=decimal,
        date_format=date_format,
        datetime_format=datetime_format,
        month_format=month_format,
    )


def _first_full_date(candidates: Sequence[str]) -> str:
    """The locale's first input format with a day, a month and a four-digit year."""
    return next((f for f in candidates if all(p in f for p in ("%d", "%m", "%Y"))), "%Y-%m-%d")


def layout_from_request(request: HttpRequest) -> Layout:
    """``?format=machine`` gives the machine format; otherwise the page's language."""
    return layout_for(machine=request.GET.get("format") == "machine")


# ---------------------------------------------------------------- values


def csv_safe(value: str) -> str:
    """Text Excel would run as a formula gets a leading ' (which the importer takes off)."""
    return "'" + value if value.startswith(FORMULA_START) else value


def header(column: Column, layout: Layout) -> str:
    return column.key if layout.machine else str(column.label)


def _label(column: Column, value: Any) -> Any:
    choices = column.choices
    if choices is None or value is None or value == "":
        return value
    if callable(choices):
        return choices(value)
    found = choices.get(value)
    return str(found) if found is not None else value


def _number(value: Any, column: Column) -> float | int | Decimal | None:
    if isinstance(value, bool) or value is None or value == "":
        return None
    if isinstance(value, int | Decimal):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    try:
        number = Decimal(str(value))
    except ArithmeticError:
        return None
    return number if number.is_finite() else None


def _local(value: dt.datetime) -> dt.datetime:
    if timezone.is_aware(value):
        return value.astimezone(zoneinfo.ZoneInfo(settings.TIME_ZONE))
    return value


def _as_date(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return _local(value).date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and value:
        try:  # "2025-12" (a month) or "2025-12-06"
            return dt.date.fromisoformat(value if len(value) > 7 else f"{value}-01")
        except ValueError:
            return None
    return None


def text(value: Any, column: Column, layout: Layout) -> str:
    """A value as the CSV form writes it."""
    if value is None:
        return ""
    kind = column.kind
    if kind == "bool" or isinstance(value, bool):
        if not isinstance(value, bool):
            return csv_safe(str(value))
        if layout.machine:
            return "yes" if value else "no"
        return pgettext("table cell", "yes") if value else pgettext("table cell", "no")
    if kind in ("int", "decimal", "money"):
        number = _number(value, column)
        if number is None:
            return "" if value == "" or value is None else csv_safe(str(value))
        if kind == "int" or isinstance(number, int):
            written = str(int(number)) if kind == "int" else str(number)
        else:
            places = column.decimals if column.decimals is not None else (2 if kind == "money" else None)
            exact = Decimal(str(number)) if isinstance(number, float) else number
            if places is not None:  # rounded as people round (87.25 → 87.3), not to even
                exact = exact.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
            written = format(exact, "f") if places is not None else format(exact.normalize(), "f")
        return written.replace(".", layout.decimal)
    if kind in ("date", "month", "datetime"):
        if kind == "datetime" and isinstance(value, dt.datetime):
            moment = _local(value)
            if layout.machine:
                return moment.isoformat()
            return moment.strftime(layout.datetime_format)
        day = _as_date(value)
        if day is None:
            return csv_safe(str(value))
        return day.strftime(layout.month_format if kind == "month" else layout.date_format)
    shown = str(value if layout.machine else _label(column, value))
    return shown if column.verbatim else csv_safe(shown)


# ---------------------------------------------------------------- CSV


def csv_chunks(
    columns: Sequence[Column], rows: Iterable[Sequence[Any]], layout: Layout, *, bom: bool = True
) -> Iterator[bytes]:
    """The table as CSV bytes, CHUNK_ROWS rows at a time (the BOM first). Each piece is rendered in the
    layout's language, so a stream sent after the view returned still speaks the reader's language."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=layout.delimiter)
    with translation.override(layout.language):
        writer.writerow([header(c, layout) for c in columns])
    head = buffer.getvalue().encode("utf-8")
    yield (codecs.BOM_UTF8 + head) if bom else head
    buffer.seek(0)
    buffer.truncate()
    iterator = iter(rows)
    while True:
        with translation.override(layout.language):
            count = 0
            for row in iterator:
                writer.writerow([text(v, c, layout) for c, v in zip(columns, row, strict=False)])
                count += 1
                if count == CHUNK_ROWS:
                    break
        if buffer.tell():
            yield buffer.getvalue().encode("utf-8")
            buffer.seek(0)
            buffer.truncate()
        if count < CHUNK_ROWS:
            return


def write_csv(
    dest: IO[bytes],
    columns: Sequence[Column],
    rows: Iterable[Sequence[Any]],
    layout: Layout,
    *,
    bom: bool = True,
) -> int:
    """Write the table as CSV to ``dest`` (anything with write(bytes)); returns the number of data rows."""
    counted = _Counter(rows)
    for piece in csv_chunks(columns, counted, layout, bom=bom):
        dest.write(piece)
    return counted.n


class _Counter:
    def __init__(self, rows: Iterable[Sequence[Any]]) -> None:
        self.rows, self.n = rows, 0

    def __iter__(self) -> Iterator[Sequence[Any]]:
        for row in self.rows:
            self.n += 1
            yield row


# ---------------------------------------------------------------- XLSX


def _excel_format(strftime: str) -> str:
    return (
        strftime.replace("%d", "dd")
        .replace("%m", "mm")
        .replace("%Y", "yyyy")
        .replace("%H", "hh")
        .replace("%M", "mm")
        .replace("%S", "ss")
    )


def _number_format(column: Column) -> str:
    if column.kind == "int":
        return "#,##0"
    places = column.decimals if column.decimals is not None else 2 if column.kind == "money" else None
    if places is None:
        return "General"
    return "#,##0" + ("." + "0" * places if places else "")


class _XlsxCells:
    """Turns values into write-only cells: numbers as numbers, dates as dates, each column's format."""

    def __init__(self, sheet: Any, columns: Sequence[Column], layout: Layout) -> None:
        from openpyxl.cell import WriteOnlyCell

        self.sheet, self.columns, self.layout, self.cell = sheet, columns, layout, WriteOnlyCell
        date = "yyyy-mm-dd" if layout.machine else _excel_format(layout.date_format)
        self.formats = {
            "date": date,
            "month": "yyyy-mm" if layout.machine else _excel_format(layout.month_format),
            "datetime": "yyyy-mm-dd hh:mm:ss" if layout.machine else _excel_format(layout.datetime_format),
        }

    def _formatted(self, value: Any, number_format: str) -> Any:
        cell = self.cell(self.sheet, value=value)
        cell.number_format = number_format
        return cell

    def _text(self, value: str) -> Any:
        value = _ILLEGAL_XML.sub("", value)
        if value.startswith("="):
            cell = self.cell(self.sheet, value=value)
            cell.data_type = "s"  # text, never a formula
            return cell
        return value

    def value(self, value: Any, column: Column) -> Any:
        if value is None or value == "":
            return None
        kind = column.kind
        if isinstance(value, bool) or kind == "bool":
            return value if isinstance(value, bool) else self._text(str(value))
        if kind in ("int", "decimal", "money"):
            number = _number(value, column)
            if number is None:
                return self._text(str(value))
            if isinstance(number, Decimal):
                number = int(number) if kind == "int" else float(number)
            return self._formatted(number, _number_format(column))
        if kind == "datetime" and isinstance(value, dt.datetime):
            return self._formatted(_local(value).replace(tzinfo=None), self.formats["datetime"])
        if kind in ("date", "month", "datetime"):
            day = _as_date(value)
            return self._formatted(day, self.formats[kind]) if day is not None else self._text(str(value))
        shown = value if self.layout.machine else _label(column, value)
        return self._text(str(shown))


def sheet_title(title: str) -> str:
    """A worksheet name Excel accepts: at most 31 characters, none of []:*?/\\."""
    cleaned = re.sub(r"[\[\]:*?/\\]", " ", title).strip("' ") or "Sheet"
    return cleaned[:31]


def write_xlsx(
    dest: IO[bytes],
    columns: Sequence[Column],
    rows: Iterable[Sequence[Any]],
    layout: Layout,
    *,
    title: str = "data",
) -> int:
    """Write the table as one XLSX sheet to ``dest`` (seekable); returns the number of data rows.
    The workbook is write-only: rows go to a temporary file as they come, memory stays flat."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    book = Workbook(write_only=True)
    sheet: Any = book.create_sheet(sheet_title(title))
    cells = _XlsxCells(sheet, columns, layout)
    with translation.override(layout.language):
        heads = [header(c, layout) for c in columns]
        for i, (column, head) in enumerate(zip(columns, heads, strict=True), start=1):
            sheet.column_dimensions[get_column_letter(i)].width = column.width or max(
                10, min(40, len(head) + 2)
            )
        sheet.freeze_panes = "A2"
        bold = Font(bold=True)
        head_cells = []
        for head in heads:
            cell = cells.cell(sheet, value=_ILLEGAL_XML.sub("", head))
            cell.font = bold
            cell.data_type = "s"
            head_cells.append(cell)
        sheet.append(head_cells)
        count = 0
        for row in rows:
            sheet.append([cells.value(v, c) for c, v in zip(columns, row, strict=False)])
            count += 1
    book.save(dest)
    return count


# ---------------------------------------------------------------- responses


def attachment(name: str, ascii_name: str) -> str:
    """A download name that survives every browser: an ASCII fallback plus the UTF-8 (Greek) name per RFC 6266."""
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name)}"


def csv_response(
    columns: Sequence[Column],
    rows: Iterable[Sequence[Any]],
    layout: Layout,
    *,
    name: str,
    ascii_name: str,
    stream: bool = True,
) -> HttpResponse | StreamingHttpResponse:
    """The table as a CSV download: streamed (rows are read as the response is sent), or for a small
    table (``stream=False``) in one piece."""
    response: HttpResponse | StreamingHttpResponse
    if stream:
        response = StreamingHttpResponse(csv_chunks(columns, rows, layout), content_type=CONTENT_TYPES["csv"])
    else:
        response = HttpResponse(
            b"".join(csv_chunks(columns, rows, layout)), content_type=CONTENT_TYPES["csv"]
        )
    response["Content-Disposition"] = attachment(f"{name}.csv", f"{ascii_name}.csv")
    return response


def xlsx_response(
    columns: Sequence[Column],
    rows: Iterable[Sequence[Any]],
    layout: Layout,
    *,
    name: str,
    ascii_name: str,
    title: str,
) -> FileResponse:
    """The table as an XLSX download: written to a temporary file, then streamed from it."""
    spool = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it
    try:
        write_xlsx(spool, columns, rows, layout, title=title)
    except BaseException:
        spool.close()
        raise
    spool.seek(0)
    response = FileResponse(spool, content_type=CONTENT_TYPES["xlsx"])
    response["Content-Disposition"] = attachment(f"{name}.xlsx", f"{ascii_name}.xlsx")
    return response


def table_response(
    fmt: str,
    columns: Sequence[Column],
    rows: Iterable[Sequence[Any]],
    layout: Layout,
    *,
    name: str,
    ascii_name: str,
    title: str,
    stream: bool = True,
) -> HttpResponseBase:
    """CSV or XLSX, as ``fmt`` says (``stream``: see ``csv_response``)."""
    if fmt == "xlsx":
        return xlsx_response(columns, rows, layout, name=name, ascii_name=ascii_name, title=title)
    if fmt == "csv":
        return csv_response(columns, rows, layout, name=name, ascii_name=ascii_name, stream=stream)
    raise ValueError(f"unknown table format {fmt!r}")
