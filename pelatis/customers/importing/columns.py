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
from dataclasses import dataclass, field
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
    Column(
        "external_ref",
        (
            "external ref",
            "id",
            "ref",
            "customer id",
            "customer code",
            "customer ref",
            "code",
            "κωδικός πελάτη",
            "κωδικός",
            "κωδ. πελάτη",
            "αρ. πελάτη",
        ),
    ),
    Column("kind", ("type", "customer kind", "τύπος", "είδος", "είδος πελάτη")),
    Column("category", ("customer type", "κατηγορία", "κατηγορία πελάτη")),
    Column("title", ("salutation", "form of address", "προσφώνηση", "τίτλος")),
    Column("first_name", ("first name", "firstname", "given name", "forename", "όνομα")),
    Column("last_name", ("last name", "lastname", "surname", "family name", "επώνυμο", "επίθετο")),
    Column("full_name", ("name", "full name", "contact name", "ονοματεπώνυμο")),
    Column(
        "company",
        (
            "company name",
            "company_name",
            "organisation",
            "organization",
            "business",
            "εταιρεία",
            "εταιρία",
            "επωνυμία",
            "επωνυμία εταιρείας",
        ),
    ),
    Column("job_title", ("job title", "position", "department", "θέση", "τμήμα", "ιδιότητα")),
    Column(
        "email",
        (
            "e-mail",
            "mail",
            "email address",
            "e-mail address",
            "emails",
            "ηλεκτρονικό ταχυδρομείο",
            "ηλ. ταχυδρομείο",
            "διεύθυνση email",
            "διεύθυνση ηλεκτρονικού ταχυδρομείου",
        ),
        multi=True,
    ),
    Column(
        "phone",
        (
            "phones",
            "telephone",
            "tel",
            "mobile",
            "mobile phone",
            "cell",
            "cell phone",
            "phone number",
            "landline",
            "work phone",
            "home phone",
            "τηλέφωνο",
            "τηλέφωνα",
            "τηλ",
            "κινητό",
            "κινητό τηλέφωνο",
            "σταθερό",
            "αριθμός τηλεφώνου",
        ),
        multi=True,
    ),
    Column("vat", ("vat number", "vat_number", "vat no", "tax id", "afm", "αφμ")),
    Column("language", ("lang", "γλώσσα")),
    Column("time_zone", ("time zone", "timezone", "ζώνη ώρας")),
    Column("preferred_channel", ("preferred channel", "channel", "προτιμώμενο κανάλι")),
    Column("formal", ("formal address", "πληθυντικός ευγενείας")),
    Column("birthday", ("date of birth", "birth date", "dob", "ημερομηνία γέννησης", "γενέθλια")),
    Column("tags", ("labels", "ετικέτες", "ετικέτα")),
    Column("notes", ("note", "comments", "remarks", "σημειώσεις", "σχόλια", "παρατηρήσεις")),
    Column(
        "address",
        (
            "street",
            "address line",
            "address line 1",
            "address 1",
            "address1",
            "street address",
            "διεύθυνση",
            "οδός",
            "οδός και αριθμός",
        ),
    ),
    Column(
        "address2",
        ("address line 2", "address 2", "street 2", "street2", "διεύθυνση 2", "συμπλήρωμα διεύθυνσης"),
    ),
    Column("city", ("town", "πόλη")),
    Column("region", ("state", "province", "county", "state/region", "νομός", "περιφέρεια", "περιοχή")),
    Column("postcode", ("postal code", "post code", "zip", "zip code", "τκ", "ταχυδρομικός κώδικας")),
    Column("country", ("country code", "country/region", "χώρα")),
    Column(
        "email_consent",
        (
            "email consent",
            "email marketing consent",
            "accepts email marketing",
            "marketing consent",
            "newsletter",
            "συναίνεση email",
            "συγκατάθεση email",
            "αποδοχή email marketing",
            "ενημερωτικό δελτίο",
        ),
    ),
    Column(
        "sms_consent",
        ("sms consent", "sms marketing consent", "accepts sms marketing", "συναίνεση sms", "συγκατάθεση sms"),
    ),
    Column(
        "consent_date",
        (
            "consent date",
            "consent given at",
            "opt-in date",
            "optin date",
            "ημερομηνία συναίνεσης",
            "ημερομηνία συγκατάθεσης",
        ),
        multi=True,
    ),
    Column("unsubscribed", ("unsubscribed from email", "email opt out", "opted out", "διαγραφή από email")),
    Column("unsubscribed_at", ("unsubscribed at", "unsubscribe date", "ημερομηνία διαγραφής")),
)

ORDER_COLUMNS = (
    Column(
        "reference",
        (
            "order reference",
            "order ref",
            "order",
            "order id",
            "order no",
            "order number",
            "αριθμός παραγγελίας",
            "αρ. παραγγελίας",
            "παραγγελία",
            "κωδικός παραγγελίας",
            "παραστατικό",
        ),
    ),
    Column(
        "customer_ref",
        (
            "customer ref",
            "customer id",
            "customer code",
            "external_ref",
            "external ref",
            "κωδικός πελάτη",
            "αρ. πελάτη",
        ),
    ),
    Column("email", ("e-mail", "customer email", "email πελάτη", "ηλεκτρονικό ταχυδρομείο")),
    Column("phone", ("customer phone", "mobile", "telephone", "τηλέφωνο", "κινητό", "τηλέφωνο πελάτη")),
    Column(
        "placed_at", ("placed at", "date", "order date", "datetime", "ημερομηνία", "ημερομηνία παραγγελίας")
    ),
    Column("sku", ("product code", "item code", "κωδικός προϊόντος", "κωδικός είδους")),
    Column(
        "product",
        ("product name", "item", "description", "name", "προϊόν", "περιγραφή", "είδος", "όνομα προϊόντος"),
    ),
    Column("category", ("product category", "κατηγορία")),
    Column("quantity", ("qty", "ποσότητα", "τεμάχια")),
    Column("unit_price", ("unit price", "price", "τιμή", "τιμή μονάδας")),
    Column("line_total", ("line total", "item total", "σύνολο γραμμής", "αξία")),
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
    unknown: list[int] = field(default_factory=list)  # indexes of the columns no field takes, to map by hand
    ignored: list[int] = field(default_factory=list)  # indexes the user or the platform chose to leave out

    def has(self, name: str) -> bool:
        return name in self.positions

    def header(self, name: str) -> str:
        pos = self.positions.get(name)
        return self.headers[pos[0]] if pos else name

    def field_of(self, index: int) -> str:
        """The field column ``index`` feeds, or "" when none."""
        return next((name for name, pos in self.positions.items() if index in pos), "")


def map_headers(
    headers: list[str],
    columns: tuple[Column, ...],
    *,
    overrides: dict[str, str] | None = None,
) -> ColumnMap:
    """Which file column feeds which field; unknown or repeated columns become warnings.

    ``overrides`` maps header keys (``header_key``) to a field name, or to "" to leave the column
    out: a platform's own layout and the user's choices in the preview, which win over the aliases.
    """
    index = _alias_index(columns)
    known = {col.name: col for col in columns}
    overrides = overrides or {}
    positions: dict[str, list[int]] = {}
    warnings: list[RowError] = []
    unknown: list[int] = []
    ignored: list[int] = []
    for i, header in enumerate(headers):
        if not header:
            continue
        key = header_key(header)
        col: Column | None
        if key in overrides:
            target = overrides[key]
            if not target or target not in known:
                ignored.append(i)
                continue
            col = known[target]
        else:
            col = index.get(key)
            if col is None and key.rstrip("0123456789") != key:  # "Τηλέφωνο 2", "email2"
                col = index.get(key.rstrip("0123456789"))
                col = col if col is not None and col.multi else None
        if col is None:
            unknown.append(i)
            warnings.append(RowError(1, header, _("Unknown column, ignored.")))
        elif col.name in positions and not col.multi:
            ignored.append(i)
            warnings.append(
                RowError(
                    1,
                    header,
                    _("Repeats the column “%(other)s”; ignored.")
                    % {"other": headers[positions[col.name][0]]},
                )
            )
        else:
            positions.setdefault(col.name, []).append(i)
    return ColumnMap(headers, positions, warnings, unknown, ignored)


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
            return dt.datetime(
                int(m[3]), int(m[2]), int(m[1]), int(m[4] or 0), int(m[5] or 0), int(m[6] or 0), tzinfo=tz
            )
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
    "company": (
        "business",
        "organisation",
        "organization",
        "εταιρεία",
        "εταιρία",
        "νομικό πρόσωπο",
        "επιχείρηση",
    ),
}
_CATEGORY_WORDS = {"external": ("εξωτερικός", "πελάτης"), "internal": ("εσωτερικός", "τμήμα", "department")}
_FORMAL_WORDS = {"yes": ("1", "y", "true", "x", "ναι", "ν"), "no": ("0", "n", "false", "όχι", "ο")}
_LANGUAGE_WORDS = {
    "el": ("greek", "ελληνικά"),
    "en": ("english", "αγγλικά"),
    "de": ("german", "deutsch", "γερμανικά"),
    "fr": ("french", "français", "γαλλικά"),
    "it": ("italian", "italiano", "ιταλικά"),
    "ru": ("russian", "ρωσικά"),
    "es": ("spanish", "español", "ισπανικά"),
}
_COUNTRY_WORDS = {
    "GR": ("el", "greece", "hellas", "ελλάδα", "ελλάς"),
    "CY": ("cyprus", "κύπρος"),
    "DE": ("germany", "deutschland", "γερμανία"),
    "IT": ("italy", "italia", "ιταλία"),
    "FR": ("france", "γαλλία"),
    "GB": ("uk", "united kingdom", "great britain", "ηνωμένο βασίλειο"),
    "US": ("usa", "united states", "ηπα"),
}
_STATUS_WORDS = {
    "placed": (
        "new",
        "καταχωρημένη",
        "νέα",
        "pending",
        "pending payment",
        "authorized",
        "on-hold",
        "on hold",
        "draft",
        "quotation",
        "quotation sent",
        "sent",
        "wc-pending",
        "wc-on-hold",
    ),
    "paid": (
        "πληρωμένη",
        "εξοφλημένη",
        "partially_paid",
        "partially paid",
        "partially_refunded",
        "partially refunded",
        "processing",
        "wc-processing",
        "sale",
        "sales order",
    ),
    "fulfilled": (
        "completed",
        "delivered",
        "shipped",
        "ολοκληρωμένη",
        "παραδομένη",
        "απεσταλμένη",
        "done",
        "locked",
        "wc-completed",
    ),
    "cancelled": ("canceled", "ακυρωμένη", "voided", "cancel", "failed", "wc-cancelled", "wc-failed"),
    "refunded": ("επιστροφή χρημάτων", "επιστράφηκε", "wc-refunded"),
}
# Marketing consent as exports write it; "none" is a statement that is neither yes nor no
# (HubSpot's other legal bases, Mailchimp's pending), which records nothing.
_CONSENT_WORDS = {
    "yes": (
        "1",
        "y",
        "true",
        "x",
        "ναι",
        "ν",
        "subscribed",
        "opted in",
        "opt in",
        "opt-in",
        "granted",
        "freely given consent from contact",
        "consent",
        "συναίνεση",
    ),
    "no": (
        "0",
        "n",
        "false",
        "όχι",
        "ο",
        "unsubscribed",
        "opted out",
        "opt out",
        "opt-out",
        "not subscribed",
        "never subscribed",
        "withdrawn",
        "denied",
        "cleaned",
        "άρνηση",
    ),
    "none": (
        "pending",
        "not applicable",
        "legitimate interest prospect/lead",
        "legitimate interest existing customer",
        "legitimate interest other",
        "performance of a contract",
        "transactional",
        "unknown",
        "-",
    ),
}


def _country_words() -> dict[str, tuple[str, ...]]:
    """Country names in English, Greek and the big European languages, from phonenumbers' data."""
    from phonenumbers.geodata.locale import LOCALE_DATA

    out: dict[str, tuple[str, ...]] = {}
    for region, names in LOCALE_DATA.items():
        found = []
        for language in ("aa", "el", "de", "fr", "it", "es"):
            name = names.get(language, "")
            while name.startswith("*"):  # a reference to another language's name
                name = names.get(name[1:], "")
            if name:
                found.append(name)
        out[region] = (*_COUNTRY_WORDS.get(region, ()), *found)
    return out


@functools.cache
def _word_maps() -> dict[str, dict[str, str]]:
    return {
        "kind": _words_index(_KIND_WORDS),
        "category": _words_index(_CATEGORY_WORDS),
        "formal": _words_index(_FORMAL_WORDS),
        "language": _words_index(_LANGUAGE_WORDS),
        "country": {**_words_index(_country_words()), **_words_index(_COUNTRY_WORDS)},
        "status": _words_index(_STATUS_WORDS),
        "consent": _words_index(_CONSENT_WORDS),
    }


def _word(kind: str, text: str) -> str | None:
    return _word_maps()[kind].get(header_key(text))


_LOCALE_CODE = re.compile(r"([a-zA-Z]{2,3})(?:[_-][A-Za-z]{2,4})?")


def language_code(text: str) -> str:
    """A language code from a word ("Ελληνικά", "English"), a locale ("el_GR", "en-GB") or a
    label such as Odoo's "English (US)" or "Greek / Ελληνικά"; the text itself when none fits."""
    found = _word("language", text)
    if found:
        return found
    m = _LOCALE_CODE.fullmatch(text.strip())
    if m:
        return m[1].lower()
    for part in re.split(r"\s*[/(]\s*", text):
        found = _word("language", part.strip(" )"))
        if found:
            return found
    return text


def country_code(text: str) -> str | None:
    """A two-letter country code from a code or a name in English, Greek and other languages."""
    found = _word("country", text)
    if found is None and len(text) == 2 and text.isalpha():
        found = text.upper()
    return found
