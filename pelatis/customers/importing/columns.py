"""Which file column feeds which field, and how a cell's text becomes a value.

The known columns of both imports with their English and Greek aliases,
header matching (case, accents and punctuation ignored), and the parsers for
dates, date-times and numbers written the Greek or the English way, plus the
word maps that turn "Εταιρεία", "Ναι" or "Ελλάδα" into stored values.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from pelatis import lang

from .common import Cell, RowError

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
