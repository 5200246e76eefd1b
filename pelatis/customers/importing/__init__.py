"""Import customers and orders from CSV or XLSX files.

One pass reads the file (any common encoding and delimiter, or XLSX), maps
Greek or English headers, and validates every row with the service inputs
(``CustomerInput.cleaned()``, ``OrderInput.cleaned()``). Nothing is written
when a row is bad, unless ``skip_invalid``; then everything valid is written
in one transaction with bulk inserts. Rows find existing customers by
external reference, then email, then phone, so re-importing a file updates
instead of duplicating.

Decisions worth knowing:

* Every import can be previewed first (``ImportOptions.preview``, the CLI's
  ``--dry-run``, the web's only first step): new / updated / unchanged /
  rejected counts and, for updates, each field before → after; nothing is
  written until the import runs for real.
* Updates fill blanks and add: an empty stored field takes the file's value;
  a filled one is kept unless the import overwrites (``overwrite``), and a
  Greek-script name is never replaced by a Latin-script spelling of the same
  name (``lang.scripts``), even then; emails, phones, tags, addresses and
  marketing consents are added, never removed.
* What an import wrote is recorded (``ImportChange``: values before and
  after, what was added), so it can be undone within 30 days (``undo``), as
  long as those records were not changed since.
* Exports of Shopify, WooCommerce, Odoo, HubSpot and Mailchimp are
  recognised by their headers (``platforms``); their marketing consent is
  kept as ``ImportedConsent`` (channel, yes/no, the platform, its date). A
  new customer whose row gives no language or time zone gets them from the
  country or the phone's prefix (``infer``).
* Two rows of one file for the same customer key: the later row updates the
  earlier one (and counts as updated).
* An email or phone match is refused when both sides have different
  external references: they are different people sharing a contact.
* Orders: the rows of one reference are its lines; the first row gives the
  customer, date, currency and status. An order whose reference exists and
  differs is replaced (lines too) only when the import overwrites; else it is
  kept (and shown as such in the preview). If one line is bad, the whole
  order is skipped.
* ``created``/``updated``/``unchanged`` count customers (orders for orders);
  ``invalid`` counts rows. A matched customer the file does not change is
  unchanged and not written, so re-importing a file adds nothing, not even
  timeline entries.
* Every new customer gets one "Imported from FILE" timeline entry; a changed
  one gets "Updated from import of FILE: Email, Phone" (field names in words,
  in the business's language, like every timeline entry).

Speed: rows are validated in Python, new customers go in with executemany
(their derived fields and search terms from the services' own helpers), and
on SQLite a first big load builds the non-unique indexes once at the end. On
a 2-core machine 100k rows take ~22 s; phonenumbers (two parses per phone)
and CustomerInput.cleaned() are half of it, the ~13 rows written per customer
(~9 of them search terms) most of the rest. See bench/bench_import.py.

The package: ``read`` turns the file into a table, ``columns`` maps headers
(``column_aliases``) and parses cells, ``words`` reads the words files use for
stored values; ``customers`` (with ``customers_rows``, ``customers_match``,
``customers_write`` and ``customers_update``) and ``orders`` (with
``orders_write``) do the two imports on ``base``'s shared start, and ``common``
holds the results, progress, job bookkeeping and bulk-write helpers they share;
``run`` has ``import_file`` (an import now, as the CLI runs it) and ``jobs`` the
web's queued imports, which a background task runs while a page follows their
progress; ``undo`` puts an import back.

Memory stays bounded whatever the file's size: the file is read in pieces
(never decoded or unpacked whole), validated rows spill to a temporary file
on disk while matching keeps only their keys, and customers are written in
chunks as the spill is read back.
"""

from __future__ import annotations

from .column_aliases import CUSTOMER_COLUMNS, ORDER_COLUMNS
from .columns import (
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
    ImportOptions,
    ImportResult,
    RowError,
    User,
)
from .jobs import (
    ImportJobReport,
    import_job_confirm,
    import_job_create,
    import_job_preview_again,
    import_job_run,
    import_jobs_of,
)
from .labels import FIELD_LABELS, field_label, value_shown
from .platforms import PLATFORMS, Platform, platform_detect
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
from .undo import import_undo, import_undo_available, import_undo_deadline

__all__ = [
    "CHUNK",
    "CUSTOMER_COLUMNS",
    "FIELD_LABELS",
    "IN_CHUNK",
    "MAX_STORED_ERRORS",
    "ORDER_COLUMNS",
    "PLATFORMS",
    "PROGRESS_EVERY",
    "Cell",
    "Column",
    "ColumnMap",
    "ImportFileError",
    "ImportJobReport",
    "ImportOptions",
    "ImportResult",
    "Platform",
    "RowError",
    "Table",
    "User",
    "check_zip_expansion",
    "decode_bytes",
    "detect_encoding",
    "field_label",
    "header_key",
    "import_file",
    "import_job_confirm",
    "import_job_create",
    "import_job_preview_again",
    "import_job_run",
    "import_jobs_of",
    "import_run",
    "import_undo",
    "import_undo_available",
    "import_undo_deadline",
    "map_headers",
    "open_table",
    "parse_date",
    "parse_datetime",
    "parse_decimal",
    "platform_detect",
    "read_csv",
    "read_table",
    "read_xlsx",
    "sniff_delimiter",
    "text_of",
    "value_shown",
]
