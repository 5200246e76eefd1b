"""The person in free text and values as an export writes them: the helpers every app's
``PERSONAL_DATA`` participant shares (``pelatis.core.personaldata``).

Finding the person in free text: a term matches whatever its case and accents ("Μαρία", "ΜΑΡΙΑ",
"Μαρια"), a Greek masculine name also in the accusative, genitive and the vocative a greeting uses
("Γιώργο", "Παπαδόπουλε"), and a phone number however it is spaced or prefixed ("+30 697 123 4567",
"6971234567").
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import phonenumbers
from django.apps import apps
from django.db.models import Model, Q, QuerySet

from pelatis.core.formatting import format_money
from pelatis.core.personaldata import Section
from pelatis.lang.address import vocative

MIN_TERM = 3  # shorter terms (initials) would scrub half of every text
_SEPARATORS = r"[\s.\-/()]*"
_GREEK_LETTERS = {
    "α": "αά",
    "ε": "εέ",
    "η": "ηή",
    "ι": "ιίϊΐ",
    "ο": "οό",
    "υ": "υύϋΰ",
    "ω": "ωώ",
    "σ": "σς",
    "ς": "σς",
}


# --- values as an export writes them ----------------------------------------------------------------------


@dataclass(frozen=True)
class LabelledSection(Section):
    """A section whose CSV columns carry short labels (``labels``: key → label, in the reader's language),
    while ``fields`` documents each key in a sentence for the schema."""

    labels: Mapping[str, Any] = field(default_factory=dict)


def labelled(sections: Iterable[Section], labels: Mapping[str, Mapping[str, Any]]) -> list[Section]:
    """The sections with their columns' short labels (``labels``: section key → column key → label, lazy
    labels are read in the active language when the CSV is written)."""
    return [
        LabelledSection(s.key, s.title, s.rows, s.fields, s.files, labels.get(s.key, {})) for s in sections
    ]


def iso(value: dt.datetime | dt.date | None) -> str | None:
    """A date or moment as ISO 8601 (a moment with its offset), None for none."""
    return None if value is None else value.isoformat()


def label(choices: Any, code: str) -> str:
    """The label of a choice in the active language (``choices`` a TextChoices class); "" for no code."""
    if not code:
        return ""
    return str(dict(choices.choices).get(code, code))


def number(value: Decimal | float | int | None) -> float | int | None:
    """A number as JSON carries it."""
    if value is None or isinstance(value, int):
        return value
    return float(value)


def money(name: str, amount: Decimal | float | int | None, currency: str, language: str) -> dict[str, Any]:
    """Money as every export writes it: ``name`` for people (``format_money`` in the reader's language,
    "535,00 €"), ``name_amount`` the plain number ("535.00", exact: a decimal string) and ``currency`` its
    ISO code, for programs."""
    exact = None if amount is None else Decimal(str(amount)).quantize(Decimal("0.01"))
    return {
        name: format_money(exact, currency, language) if exact is not None else "",
        f"{name}_amount": None if exact is None else str(exact),
        "currency": currency,
    }


def record_kind(key: str) -> str:
    """What a record is, as people read it: "customers.order" → «παραγγελία» (the model's verbose name in
    the active language); an unknown key stays as it is, "" for none."""
    if not key:
        return ""
    try:
        return str(apps.get_model(key)._meta.verbose_name)
    except (LookupError, ValueError):
        return key


def staff_name(user: Any) -> str:
    """A staff member as the export names them (their full name, else their user name)."""
    if user is None:
        return ""
    return str(user.get_full_name() or user.get_username()).strip()


# --- the person in free text --------------------------------------------------------------------------------


def _is_phone(term: str) -> bool:
    return sum(ch.isdigit() for ch in term) >= 7 and not re.search(r"[^\d\s+.\-/()]", term)


def _phone_pattern(term: str) -> str:
    """Digits with any separators between them, with or without the country code."""
    digits = re.sub(r"\D", "", term)
    national, country = digits, ""
    try:
        parsed = phonenumbers.parse(term, "GR")
        if phonenumbers.is_possible_number(parsed):
            national, country = str(parsed.national_number), str(parsed.country_code)
    except phonenumbers.NumberParseException:
        pass
    body = _SEPARATORS.join(national)
    if country:
        prefix = rf"(?:(?:\+|00){_SEPARATORS})?" + _SEPARATORS.join(country) + _SEPARATORS
        body = f"(?:{prefix})?(?:0{_SEPARATORS})?{body}"
    return rf"(?<!\d){body}(?!\d)"


def _letter(ch: str) -> str:
    if ch.isspace():
        return r"\s+"
    base = unicodedata.normalize("NFD", ch.lower())[0]
    if base in _GREEK_LETTERS:
        return f"[{_GREEK_LETTERS[base]}]"
    if base != ch.lower():  # a Latin letter with a diacritic: with or without it
        return f"[{re.escape(base)}{re.escape(ch)}]"
    return re.escape(ch)


def _declined(word: str, case: str) -> str:
    """A Greek masculine name (-ος, -ης, -ας) in the accusative or genitive; other words as they are."""
    if len(word) < 4 or word[-1] not in "ςσ" or not any("\u0370" <= ch <= "\u1fff" for ch in word):
        return word
    if case == "genitive" and word[-2].lower() in "οό":
        return word[:-1] + "υ"
    return word[:-1]


def _name_forms(term: str) -> set[str]:
    """The term, and its Greek masculine words in the accusative, genitive and vocative (first-name and
    surname forms): «τον Γιώργο Παπαδόπουλο», «του Γιώργου Παπαδόπουλου», «κύριε Παπαδόπουλε»."""
    words = term.split()
    forms = {term}
    for surname in (False, True):
        forms.add(" ".join(vocative(w, surname=surname) for w in words))
    for case in ("accusative", "genitive"):
        forms.add(" ".join(_declined(w, case) for w in words))
    return {f for f in forms if len(f) >= MIN_TERM}


@functools.lru_cache(maxsize=64)
def person_pattern(terms: frozenset[str]) -> re.Pattern[str] | None:
    """One case- and accent-insensitive pattern for every term and its forms (longest first); None for none."""
    texts: set[str] = set()
    phones: list[str] = []
    for raw in terms:
        term = " ".join((raw or "").split())
        if len(term) < MIN_TERM:
            continue
        if _is_phone(term):
            phones.append(_phone_pattern(term))
        else:
            texts |= _name_forms(term)
    parts = phones + ["".join(_letter(ch) for ch in t) for t in sorted(texts, key=len, reverse=True)]
    if not parts:
        return None
    return re.compile("|".join(parts), re.IGNORECASE)


def scrub_person(text: str, terms: frozenset[str], placeholder: str) -> str:
    """``text`` with the person's names, emails and phones (in any of the forms above) replaced."""
    pattern = person_pattern(terms)
    if not text or pattern is None:
        return text
    return pattern.sub(placeholder, text)


def identifying_terms(terms: Iterable[str]) -> frozenset[str]:
    """The terms that name one person on their own: emails, phone numbers and full names (two words or
    more). A first name or a surname alone would also scrub other people's text, so text that is not the
    person's by key is scrubbed of these only."""
    found = set()
    for raw in terms:
        term = " ".join((raw or "").split())
        if len(term) >= MIN_TERM and ("@" in term or _is_phone(term) or len(term.split()) >= 2):
            found.add(term)
    return frozenset(found)


def _needles(terms: frozenset[str]) -> set[str]:
    """What a database LIKE can look for (the pattern then decides): an email as it is, a phone's last
    digits, a name's longest word without its ending (so any case of it is found)."""
    found = set()
    for term in terms:
        if _is_phone(term):
            found.add(re.sub(r"\D", "", term)[-4:])
        elif "@" in term:
            found.add(term)
        else:
            longest = max(term.split(), key=len, default="")
            found.add(longest[:-2] if len(longest) > 5 else longest)
    return {n for n in found if len(n) >= MIN_TERM}


def rows_scrub(
    rows: QuerySet[Any],
    fields: Sequence[str],
    terms: frozenset[str],
    placeholder: str,
    *,
    search: bool = False,
) -> int:
    """Scrub the person from the text ``fields`` of ``rows``; returns how many rows changed.

    ``rows`` are one person's (bounded by their data); with ``search`` they may be a whole table, and the
    database first narrows them to rows that contain a term. A scrubbed value is cut to its column's size.
    """
    pattern = person_pattern(terms)
    if pattern is None or not fields:
        return 0
    model: type[Model] = rows.model
    if search:
        found = Q()
        for needle in _needles(terms):
            for name in fields:
                found |= Q(**{f"{name}__icontains": needle})
        rows = rows.filter(found)
    sizes = {name: getattr(model._meta.get_field(name), "max_length", None) for name in fields}
    changed = 0
    for pk, *values in rows.values_list("pk", *fields).iterator():
        updates = {}
        for name, value in zip(fields, values, strict=True):
            if not value:
                continue
            new = pattern.sub(placeholder, value)
            if new != value:
                updates[name] = new[: sizes[name]] if sizes[name] else new
        if updates:
            model._default_manager.filter(pk=pk).update(**updates)
            changed += 1
    return changed


def json_scrub(
    value: Any,
    terms: frozenset[str],
    placeholder: str,
    *,
    text: Callable[[str, frozenset[str], str], str] = scrub_person,
) -> Any:
    """A JSON value with the person scrubbed from every string in it (keys included); ``text`` scrubs
    one string (by default in every form of the person's names, emails and phones)."""
    if isinstance(value, str):
        return text(value, terms, placeholder)
    if isinstance(value, list):
        return [json_scrub(v, terms, placeholder, text=text) for v in value]
    if isinstance(value, dict):
        return {
            text(str(k), terms, placeholder): json_scrub(v, terms, placeholder, text=text)
            for k, v in value.items()
        }
    return value


def term_variants(terms: Iterable[str]) -> set[str]:
    """The forms a term may be stored in: as written, lower and upper case, and JSON-escaped (SQLite
    keeps JSON columns with \\u escapes, and its LIKE folds ASCII case only)."""
    out: set[str] = set()
    for term in terms:
        if len(term) < MIN_TERM:
            continue
        for form in {term, term.lower(), term.upper(), term.title()}:
            out.add(form)
            escaped = json.dumps(form)[1:-1]
            if escaped != form:
                out.add(escaped)
    return out


def mentions_q(fields: Iterable[str], terms: Iterable[str]) -> Q:
    """Rows whose ``fields`` mention any term (a filter for scrubbing text not tied to the customer by key).
    An empty term list matches nothing."""
    q = Q(pk__in=[])
    variants = term_variants(terms)
    for name in fields:
        for form in variants:
            q |= Q(**{f"{name}__icontains": form})
    return q
