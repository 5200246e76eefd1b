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

The package: ``read`` turns the file into a table, ``columns`` maps headers and
parses cells, ``customers`` (validation and matching) with ``customers_write``
and ``orders`` do the two imports, and ``common`` holds the results, progress,
job bookkeeping and bulk-write helpers they share; ``run`` has ``import_file``
(an import now, as the CLI runs it) and ``jobs`` the web's queued imports,
which a background task runs while a page follows their progress.

Memory stays bounded whatever the file's size: the file is read in pieces
(never decoded or unpacked whole), validated rows spill to a temporary file
on disk while matching keeps only their keys, and customers are written in
chunks as the spill is read back.
"""

from __future__ import annotations

from .columns import (
    CUSTOMER_COLUMNS,
    ORDER_COLUMNS,
    Column,
    ColumnMap,
    header_key,
    map_headers,
    parse_date,
    parse_datetime,
    parse_decimal,
    text_of,
)
from .common import (
    CHUNK,
    IN_CHUNK,
    MAX_STORED_ERRORS,
    PROGRESS_EVERY,
    Cell,
    ImportFileError,
    ImportResult,
    RowError,
    User,
)
from .jobs import ImportJobReport, import_job_create, import_job_run, import_jobs_of
from .read import (
    Table,
    check_zip_expansion,
    decode_bytes,
    detect_encoding,
    open_table,
    read_csv,
    read_table,
    read_xlsx,
    sniff_delimiter,
)
from .run import import_file, import_run

__all__ = [
    "CHUNK",
    "CUSTOMER_COLUMNS",
    "IN_CHUNK",
    "MAX_STORED_ERRORS",
    "ORDER_COLUMNS",
    "PROGRESS_EVERY",
    "Cell",
    "Column",
    "ColumnMap",
    "ImportFileError",
    "ImportJobReport",
    "ImportResult",
    "RowError",
    "Table",
    "User",
    "check_zip_expansion",
    "decode_bytes",
    "detect_encoding",
    "header_key",
    "import_file",
    "import_job_create",
    "import_job_run",
    "import_jobs_of",
    "import_run",
    "map_headers",
    "open_table",
    "parse_date",
    "parse_datetime",
    "parse_decimal",
    "read_csv",
    "read_table",
    "read_xlsx",
    "sniff_delimiter",
    "text_of",
]


