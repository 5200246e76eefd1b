"""A customer's coded values as people read them, and back.

The export for people writes «Τηλέφωνο», «Εξωτερικός», «Γερμανικά», «Ελλάδα» where the machine
format writes ``phone``, ``external``, ``de``, ``GR``; ``value_from_label`` turns such a label, in any
language the product speaks (or the code itself), back into the stored value, so an export re-imports
as it is. Language and country names come from ICU, the same names the customer form shows.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable

import icu
from django.conf import settings
from django.utils import translation
from django.utils.translation import pgettext_lazy

from pelatis import lang

from .models import Customer

# Short names of the two categories (the form's «Εξωτερικός πελάτης» is long for a cell).
CATEGORY_LABELS: dict[str, object] = {
    Customer.Category.EXTERNAL: pgettext_lazy("customer category", "External"),
    Customer.Category.INTERNAL: pgettext_lazy("customer category", "Internal"),
}
FIELDS = ("kind", "category", "preferred_channel", "language", "country")


def _fold(text: str) -> str:
    return re.sub(r"[\W_]+", "", lang.fold(text))


def _capital(name: str) -> str:
    return name[:1].upper() + name[1:]


def _reader() -> str:
    return (translation.get_language() or settings.LANGUAGE_CODE).split("-")[0]


def kind_label(value: str) -> str:
    return str(dict(Customer.Kind.choices).get(value, value))


def category_label(value: str) -> str:
    label = CATEGORY_LABELS.get(value)
    return str(label) if label is not None else value


def channel_label(value: str) -> str:
    return str(dict(Customer.Channel.choices).get(value, value))


def language_name(code: str, reader: str | None = None) -> str:
    """«Γερμανικά» for ``de`` when the reader reads Greek; an unknown code stays as it is."""
    return _language_name(code, reader or _reader())


def country_name(code: str, reader: str | None = None) -> str:
    """«Ελλάδα» for ``GR`` when the reader reads Greek; an unknown code stays as it is."""
    return _country_name(code, reader or _reader())


@functools.lru_cache(maxsize=4096)  # an export asks for the same few names on every row
def _language_name(code: str, reader: str) -> str:
    name = icu.Locale(code).getDisplayLanguage(icu.Locale(reader))
    return _capital(name) if name and name != code else code


@functools.lru_cache(maxsize=4096)
def _country_name(code: str, reader: str) -> str:
    name = icu.Locale("", code).getDisplayCountry(icu.Locale(reader))
    return name if name and name != code else code


LABELS: dict[str, Callable[[str], str]] = {
    "kind": kind_label,
    "category": category_label,
    "preferred_channel": channel_label,
    "language": language_name,
    "country": country_name,
}


def value_label(field: str, value: str) -> str:
    """The label people read for a stored value of ``field``, in the active language."""
    return LABELS[field](value) if value else value


@functools.cache
def _codes(field: str) -> frozenset[str]:
    return frozenset(icu.Locale.getISOLanguages() if field == "language" else icu.Locale.getISOCountries())


@functools.cache
def _index(field: str) -> dict[str, str]:
    """Folded label → value, for every language the product speaks (and English, and the values)."""
    readers = list(dict.fromkeys([code for code, _name in settings.LANGUAGES] + ["en"]))
    out: dict[str, str] = {}
    if field in ("language", "country"):
        codes = icu.Locale.getISOLanguages() if field == "language" else icu.Locale.getISOCountries()
        named = language_name if field == "language" else country_name
        for reader in readers:
            for code in codes:
                out.setdefault(_fold(named(code, reader)), code.lower() if field == "language" else code)
        if field == "language":  # each language by its own name too ("Deutsch")
            for code in codes:
                out.setdefault(_fold(named(code, code)), code.lower())
        return out
    choices = {
        "kind": Customer.Kind.values,
        "category": Customer.Category.values,
        "preferred_channel": Customer.Channel.values,
    }[field]
    for value in choices:
        out[_fold(value)] = value
    for reader in readers:
        with translation.override(reader):
            for value in choices:
                out.setdefault(_fold(value_label(field, value)), value)
                if field == "category":  # the form's long name («Εξωτερικός πελάτης») too
                    out.setdefault(_fold(str(dict(Customer.Category.choices)[value])), value)
    return out


def value_from_label(field: str, text: str) -> str | None:
    """The stored value a label (or the value itself) stands for, in any of the product's languages;
    None when it is none of them. Accents, case and punctuation do not matter; "Deutsch (Γερμανικά)",
    as the customer form names a language, is understood too."""
    if field not in LABELS:
        raise ValueError(f"no labels for {field!r}")
    text = text.strip()
    if field in ("language", "country") and text.isascii() and text.isalpha() and len(text) <= 3:
        codes = _codes(field)  # a code is itself, whatever name another language happens to have
        if text.lower() in codes or text.upper() in codes:
            return text.lower() if field == "language" else text.upper()
    index = _index(field)
    found = index.get(_fold(text))
    if found is None and field == "language":
        for part in re.split(r"\s*[/(]\s*", text):
            found = index.get(_fold(part.strip(" )")))
            if found is not None:
                break
    return found
