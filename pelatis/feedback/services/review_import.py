"""``reviews_import``: reviews from a CSV file (Greek or English headers), all rows or none.

Every bad row is reported by its row number and the column as headed in the
file; nothing is written unless every row is valid. Rows without an id get
one from their link, or from their content, so importing a file twice adds
nothing the second time.
"""

from __future__ import annotations

import contextlib
import hashlib
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from pelatis.customers.importing.columns import Column, map_headers, parse_datetime, text_of
from pelatis.customers.importing.common import ImportFileError, RowError
from pelatis.customers.importing.read import read_csv

from .reviews import ReviewInput, review_ingest, review_input_clean

REVIEW_COLUMNS = (
    Column("platform", ("source", "site", "network", "πλατφόρμα", "πηγή", "ιστότοπος")),
    Column("rating", ("stars", "score", "βαθμολογία", "αξιολόγηση", "βαθμός", "αστέρια")),
    Column("text", ("review", "comment", "content", "message", "κείμενο", "κριτική", "σχόλιο", "σχόλια")),
    Column(
        "author", ("name", "reviewer", "user", "συντάκτης", "όνομα", "ονοματεπώνυμο", "χρήστης", "κριτής")
    ),
    Column("url", ("link", "address", "σύνδεσμος", "διεύθυνση", "url κριτικής")),
    Column(
        "published_at",
        ("date", "published", "published at", "ημερομηνία", "δημοσίευση", "ημερομηνία δημοσίευσης"),
    ),
    Column("author_email", ("email", "e-mail", "mail", "ηλεκτρονικό ταχυδρομείο", "ηλ. ταχυδρομείο")),
    Column("author_phone", ("phone", "telephone", "mobile", "τηλέφωνο", "κινητό")),
    Column("external_id", ("id", "review id", "external id", "κωδικός", "κωδικός κριτικής")),
    Column("language", ("lang", "γλώσσα")),
    Column("kind", ("type", "είδος", "τύπος")),
)
REQUIRED = ("platform", "published_at")


@dataclass
class ReviewImportResult:
    total: int = 0
    created: int = 0
    existing: int = 0
    errors: list[RowError] = field(default_factory=list)
    warnings: list[RowError] = field(default_factory=list)
    written: bool = False


def _content_id(values: dict[str, str]) -> str:
    """A stable id for a row that has none: its link, else a digest of who said what when."""
    if values.get("url"):
        return values["url"][:200]
    key = "\x1f".join(values.get(k, "") for k in ("author", "published_at", "rating", "text"))
    return "csv-" + hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]


def reviews_import(*, data: bytes, file_name: str = "reviews.csv") -> ReviewImportResult:
    """Import reviews from CSV bytes (UTF-8 with or without BOM, Greek code pages); raises ImportFileError
    when the file as a whole is unusable (unreadable, empty, a required column missing)."""
    table = read_csv(data)
    columns = map_headers(table.headers, REVIEW_COLUMNS)
    missing = [name for name in REQUIRED if not columns.has(name)]
    if missing:
        raise ImportFileError(
            _("The file has no “%(column)s” column.") % {"column": missing[0]}, column=missing[0]
        )
    if not (columns.has("text") or columns.has("rating")):
        raise ImportFileError(_("The file needs a “text” or a “rating” column."), column="text")
    rows = list(table.rows)  # read_csv holds the rows as a list already
    result = ReviewImportResult(total=len(rows), warnings=columns.warnings)
    tz = timezone.get_default_timezone()
    cleaned: list[ReviewInput] = []
    for row_no, cells in rows:
        values = {
            name: text_of(cells[pos[0]]) if pos[0] < len(cells) else ""
            for name, pos in columns.positions.items()
        }
        raw: dict[str, object] = dict(values)
        if values.get("published_at"):
            with contextlib.suppress(ValueError):  # review_input_clean names the column
                raw["published_at"] = parse_datetime(values["published_at"], tz)
        raw["external_id"] = values.get("external_id") or _content_id(values)
        try:
            cleaned.append(review_input_clean(raw, region=settings.PELATIS_DEFAULT_REGION))
        except ValidationError as exc:
            for name, messages in exc.message_dict.items():
                result.errors.extend(RowError(row_no, columns.header(name), m) for m in messages)
    if result.errors:
        return result
    with transaction.atomic():
        for item in cleaned:
            _review, created = review_ingest(data=item)
            result.created += created
            result.existing += not created
    result.written = True
    return result
