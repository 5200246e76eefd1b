"""Crafted XLSX files for the import limits: a sheet that unpacks far beyond its size on disk,
and shared strings that unpack to tens of MB. Written a piece at a time (never whole in memory)."""

from __future__ import annotations

import zipfile
from pathlib import Path

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
    "</Types>"
)
_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    'Target="xl/workbook.xml"/></Relationships>'
)
_WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>'
    '<sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
    'Target="worksheets/sheet1.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" '
    'Target="sharedStrings.xml"/></Relationships>'
)
_SHEET_HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    '<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>first_name</t></is></c>'
    '<c r="B1" t="inlineStr"><is><t>last_name</t></is></c></row>'
)
_SHEET_TAIL = "</sheetData></worksheet>"


def _package(archive: zipfile.ZipFile) -> None:
    archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
    archive.writestr("_rels/.rels", _RELS)
    archive.writestr("xl/workbook.xml", _WORKBOOK)
    archive.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)


def sheet_bomb(path: Path, expanded_mb: int) -> None:
    """A sheet of ``expanded_mb`` MB of identical cells in one row: a few hundred KB on disk."""
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        _package(archive)
        archive.writestr(
            "xl/sharedStrings.xml",
            '<?xml version="1.0" encoding="UTF-8"?><sst '
            'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="0" uniqueCount="0"/>',
        )
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write(_SHEET_HEAD.encode())
            sheet.write(b'<row r="2">')
            cell = b'<c t="inlineStr"><is><t>x</t></is></c>' * 25_000
            for _ in range(expanded_mb * 2**20 // len(cell) + 1):
                sheet.write(cell)
            sheet.write(b"</row>" + _SHEET_TAIL.encode())


def shared_strings_bomb(path: Path, expanded_mb: int) -> None:
    """Shared strings of ``expanded_mb`` MB (short, distinct strings: the costliest to hold) and a few rows."""
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        _package(archive)
        with archive.open("xl/sharedStrings.xml", "w", force_zip64=True) as sst:
            sst.write(
                b'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/'
                b'spreadsheetml/2006/main">'
            )
            written, n = 0, 0
            while written < expanded_mb * 2**20:
                piece = "".join(f"<si><t>{i:x}</t></si>" for i in range(n, n + 10_000)).encode()
                sst.write(piece)
                written += len(piece)
                n += 10_000
            sst.write(b"</sst>")
        rows = "".join(
            f'<row r="{r}"><c r="A{r}" t="s"><v>{r}</v></c><c r="B{r}" t="s"><v>{r + 1}</v></c></row>'
            for r in range(2, 102)
        )
        archive.writestr("xl/worksheets/sheet1.xml", _SHEET_HEAD + rows + _SHEET_TAIL)
