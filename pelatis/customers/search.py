"""The customer search index: which normalised terms a customer is found by,
and how a typed query becomes index range scans.

Terms live in ``customers_searchterm`` as ``<kind>:<value>`` strings under a
B-tree index, so an exact match is an equality probe and a prefix match is a
range scan (``term >= 'w:παπαδ' AND term < 'w:παπαε'``) on SQLite and
PostgreSQL alike. Kinds:

``w``  folded word of a name or company name (accents, case and ς folded)
``k``  phonetic Latin key of a name word: Greek and Greeklish meet here
``e``  email address, lower-cased
``p``  phone digits in international and national forms
``v``  VAT number digits
``o``  order reference, folded
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from pelatis import lang

from .normalise import phone_search_digits

# Ranking tiers: exact > prefix > phonetic (Greeklish, spelling variants).
EXACT, PREFIX, KEY_EXACT, KEY_PREFIX = 100, 70, 50, 30
MAX_GROUPS = 6
MAX_TERM = 120
_PHONEISH = re.compile(r"^[+\d][\d\s().\-/]*$")


def name_terms(text: str) -> set[str]:
    """Word and phonetic-key terms of a name or company name."""
    terms: set[str] = set()
    for word in lang.words(text):
        terms.add(f"w:{word}"[:MAX_TERM])
        if len(word) >= 2:
            terms.update(f"k:{key}"[:MAX_TERM] for key in lang.name_keys(word) if key)
    return terms


def customer_terms(
    *,
    names: Iterable[str],
    emails: Iterable[str] = (),
    phones: Iterable[str] = (),
    vat_number: str = "",
    external_ref: str | None = None,
    order_refs: Iterable[str] = (),
) -> set[str]:
    """Every search term of one customer."""
    terms: set[str] = set()
    for name in names:
        if name:
            terms |= name_terms(name)
    for email in emails:
        terms.add(f"e:{email}"[:MAX_TERM])
    for phone in phones:
        terms.update(f"p:{digits}" for digits in phone_search_digits(phone))
    if vat_number:
        terms.add(f"v:{vat_number}")
    if external_ref:
        terms.add(f"o:{lang.fold(external_ref)}"[:MAX_TERM])
    for ref in order_refs:
        terms.add(f"o:{lang.fold(ref)}"[:MAX_TERM])
    return terms


@dataclass(frozen=True)
class Probe:
    """One way a query group can match: an exact term or a term prefix, with its score."""

    term: str
    prefix: bool
    score: int

    @property
    def upper(self) -> str:
        # The smallest string greater than every string starting with term.
        return self.term[:-1] + chr(ord(self.term[-1]) + 1)


def _probes_for_token(token: str) -> list[Probe]:
    probes: dict[tuple[str, bool], int] = {}

    def add(term: str, prefix: bool, score: int) -> None:
        term = term[:MAX_TERM]
        key = (term, prefix)
        probes[key] = max(score, probes.get(key, 0))

    folded = lang.fold(token)
    if len(folded) >= 2:
        add(f"e:{folded}", "@" in folded, EXACT if "@" in folded else PREFIX)
        add(f"o:{folded}", False, EXACT)
        add(f"o:{folded}", True, PREFIX)
    if "@" not in folded:
        digits = "".join(ch for ch in token if ch.isdigit())
        if len(digits) >= 3 and _PHONEISH.match(token.strip()):
            if token.strip().startswith("00"):
                digits = digits[2:]
            add(f"p:{digits}", True, PREFIX)
            add(f"v:{digits}", len(digits) < 9, EXACT if len(digits) == 9 else PREFIX)
        vat = re.fullmatch(r"(?:el|gr)?(\d{9})", folded.replace(" ", ""))
        if vat:
            add(f"v:{vat.group(1)}", False, EXACT)
        words = lang.words(token)
        if words:
            word = max(words, key=len)
            add(f"w:{word}", False, EXACT)
            if len(word) >= 2:
                add(f"w:{word}", True, PREFIX)
                for key in lang.query_keys(word):
                    if key:
                        add(f"k:{key}", False, KEY_EXACT)
                        if len(key) >= 3:
                            add(f"k:{key}", True, KEY_PREFIX)
    return [Probe(term, prefix, score) for (term, prefix), score in probes.items()]


def query_groups(q: str) -> list[list[Probe]]:
    """The query's whitespace-separated tokens, each a list of probes; every group must match."""
    groups = []
    text = q.strip()
    # "697 123 4567" or "+30 (210) 123-4567" is one phone number, not four words.
    tokens = [re.sub(r"[\s().\-/]", "", text)] if _PHONEISH.match(text) and " " in text else text.split()
    for token in tokens[:MAX_GROUPS]:
        probes = _probes_for_token(token)
        if probes:
            groups.append(probes)
    return groups


def search_sql(groups: list[list[Probe]], table: str, customer_table: str) -> tuple[str, list[object]]:
    """One SQL statement ranking customers for the groups; parameters follow the statement.

    Each group scores each customer by its best probe; a customer must match
    every group. LIMIT and OFFSET parameters are appended by the caller.
    """
    parts: list[str] = []
    params: list[object] = []
    for probes in groups:
        whens: list[str] = []
        wheres: list[str] = []
        case_params: list[object] = []
        where_params: list[object] = []
        for probe in sorted(probes, key=lambda p: -p.score):
            if probe.prefix:
                whens.append("WHEN term >= %s AND term < %s THEN " + str(probe.score))
                case_params += [probe.term, probe.upper]
                wheres.append("(term >= %s AND term < %s)")
                where_params += [probe.term, probe.upper]
            else:
                whens.append("WHEN term = %s THEN " + str(probe.score))
                case_params.append(probe.term)
                wheres.append("term = %s")
                where_params.append(probe.term)
        parts.append(
            f"SELECT customer_id, MAX(CASE {' '.join(whens)} ELSE 0 END) AS s "
            f"FROM {table} WHERE {' OR '.join(wheres)} GROUP BY customer_id"
        )
        params += case_params + where_params
    union = " UNION ALL ".join(parts)
    sql = (
        f"SELECT m.customer_id, SUM(m.s) AS score FROM ({union}) m "
        f"JOIN {customer_table} c ON c.id = m.customer_id AND c.merged_into_id IS NULL "
        f"GROUP BY m.customer_id, c.sort_name HAVING COUNT(*) = %s "
        f"ORDER BY score DESC, c.sort_name, m.customer_id LIMIT %s OFFSET %s"
    )
    params.append(len(groups))
    return sql, params
