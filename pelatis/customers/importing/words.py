"""The words files use for stored values, in English, Greek and the platforms' own terms: "Εταιρεία",
"Ναι", "Ελλάδα", "wc-completed" → "company", "yes", "GR", "fulfilled"; language and country codes."""

from __future__ import annotations

import functools
import re

from .columns import header_key


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


def word_value(kind: str, text: str) -> str | None:
    """The stored value a word of a cell stands for ("Εταιρεία" → "company" for ``kind``), or None."""
    return _word_maps()[kind].get(header_key(text))


_LOCALE_CODE = re.compile(r"([a-zA-Z]{2,3})(?:[_-][A-Za-z]{2,4})?")


def language_code(text: str) -> str:
    """A language code from a word ("Ελληνικά", "English"), a locale ("el_GR", "en-GB") or a
    label such as Odoo's "English (US)" or "Greek / Ελληνικά"; the text itself when none fits."""
    found = word_value("language", text)
    if found:
        return found
    m = _LOCALE_CODE.fullmatch(text.strip())
    if m:
        return m[1].lower()
    for part in re.split(r"\s*[/(]\s*", text):
        found = word_value("language", part.strip(" )"))
        if found:
            return found
    return text


def country_code(text: str) -> str | None:
    """A two-letter country code from a code or a name in English, Greek and other languages."""
    found = word_value("country", text)
    if found is None and len(text) == 2 and text.isalpha():
        found = text.upper()
    return found
