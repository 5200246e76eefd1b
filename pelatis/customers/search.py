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
from pelatis.lang.name_variants import name_variants

from .normalise import phone_search_digits

# Ranking tiers. A whole word matched through its phonetic key ("papadopoulos"
# for Παπαδόπουλος) is the same word in another script or spelling, so it
# ranks above a mere prefix; a phonetic prefix ranks last. An email that
# merely starts with a name-like word is weak evidence. Another form of the
# same first name (Γεώργιος for "Γιώργος", from the name-day table's groups)
# is probably the same person, but ranks after every exact, prefix and
# Greeklish match of what was typed.
EXACT, KEY_EXACT, PREFIX, KEY_PREFIX, VARIANT, WEAK = 100, 80, 70, 30, 25, 20
# Typo tolerance, tried only for a word that matches nothing: indexed keys
# with a similarity (rapidfuzz ratio, 0-100) of at least FUZZY_MIN, among the
# first FUZZY_SCAN entries sharing the word's first three key letters.
FUZZY, FUZZY_MIN, FUZZY_SCAN = 10, 80, 20000
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
        if "@" in folded:
            add(f"e:{folded}", False, EXACT)
        add(f"e:{folded}", True, PREFIX if "@" in folded else WEAK)
        add(f"o:{folded}", False, EXACT)
        add(f"o:{folded}", True, PREFIX)
    if "@" in folded:
        return [Probe(term, prefix, score) for (term, prefix), score in probes.items()]
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
        if len(word) >= 2 and not word.isdigit():
            add(f"w:{word}", True, PREFIX)
            for key in lang.query_keys(word):
                if key:
                    add(f"k:{key}", False, KEY_EXACT)
                    if len(key) >= 3:
                        add(f"k:{key}", True, KEY_PREFIX)
            for variant in name_variants(word):
                # The form as indexed (w:) and its phonetic key (k:), so that «Κώστας» also
                # finds Κωνσταντίνος written "Konstantinos"; equality probes only.
                for form in lang.words(variant)[:1]:
                    add(f"w:{form}", False, VARIANT)
                    for key in lang.name_keys(form):
                        if key:
                            add(f"k:{key}", False, VARIANT)
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


# How many index entries one probe may contribute. A lone prefix such as
# "Κωνστ" matches tens of thousands of people in a large book; the first
# entries in term order are the alphabetically first matching words, which is
# what the top of a ranked list shows anyway.
SINGLE_GROUP_CAP = 2000
DRIVER_CAP = 20000


def _probe_select(probe: Probe, table: str, cap: int | None) -> tuple[str, list[str]]:
    where, params = (
        ("term >= %s AND term < %s", [probe.term, probe.upper])
        if probe.prefix
        else ("term = %s", [probe.term])
    )
    sql = f"SELECT customer_id, {probe.score} AS s FROM {table} WHERE {where}"  # noqa: S608 — table and column names are our own; scores and caps are ints; search terms are parameters
    if cap is not None:
        sql = f"SELECT customer_id, s FROM ({sql} ORDER BY term, customer_id LIMIT {int(cap)}) capped"  # noqa: S608 — table and column names are our own; scores and caps are ints; search terms are parameters
    return sql, params


def group_candidates_sql(probes: list[Probe], table: str, cap: int | None) -> tuple[str, list[str]]:
    """(customer_id, s): each customer matching any probe, with its best score.

    One SELECT per probe, each an index equality or range scan: a single
    SELECT with OR-ed ranges tempts planners into a full index scan.
    """
    union, params = _union(probes, table, cap)
    return f"SELECT customer_id, MAX(s) AS s FROM ({union}) u GROUP BY customer_id", params  # noqa: S608 — table and column names are our own; scores and caps are ints; search terms are parameters


def group_count_sql(probes: list[Probe], table: str, cap: int) -> tuple[str, list[str]]:
    """The number of index entries the group's probes touch, counted up to ``cap``."""
    union, params = _union(probes, table, None)
    return f"(SELECT COUNT(*) FROM ({union} LIMIT {int(cap)}) n)", params  # noqa: S608 — table and column names are our own; scores and caps are ints; search terms are parameters


def _union(probes: list[Probe], table: str, cap: int | None) -> tuple[str, list[str]]:
    parts: list[str] = []
    params: list[str] = []
    for probe in probes:
        sql, p = _probe_select(probe, table, cap)
        parts.append(sql)
        params += p
    return " UNION ALL ".join(parts), params


def group_check_sql(probes: list[Probe], table: str, outer: str) -> tuple[str, list[str]]:
    """A scalar subquery scoring the customer ``outer``.customer_id against the group (NULL or 0: no match)."""
    whens, params = [], []
    for probe in sorted(probes, key=lambda p: -p.score):
        if probe.prefix:
            whens.append(f"WHEN t.term >= %s AND t.term < %s THEN {probe.score}")
            params += [probe.term, probe.upper]
        else:
            whens.append(f"WHEN t.term = %s THEN {probe.score}")
            params.append(probe.term)
    sql = f"(SELECT MAX(CASE {' '.join(whens)} ELSE 0 END) FROM {table} t WHERE t.customer_id = {outer}.customer_id)"  # noqa: S608 — table and column names are our own; scores and caps are ints; search terms are parameters
    return sql, params


def ranked_sql(
    groups: list[list[Probe]], driver: int, table: str, customer_table: str
) -> tuple[str, list[str]]:
    """One statement ranking customers that match every group; LIMIT and OFFSET parameters go last.

    The ``driver`` group (the most selective) supplies the candidates from the
    index; every other group is checked per candidate through the customer's
    own handful of terms, so a common word like "Μαρία" never has to be
    gathered in full.
    """
    order = "ORDER BY score DESC, c.sort_name, d.customer_id LIMIT %s OFFSET %s"
    join = f"JOIN {customer_table} c ON c.id = d.customer_id AND c.merged_into_id IS NULL"
    if len(groups) == 1:
        cand, params = group_candidates_sql(groups[0], table, SINGLE_GROUP_CAP)
        return f"SELECT d.customer_id, d.s AS score FROM ({cand}) d {join} {order}", params  # noqa: S608 — table and column names are our own; scores and caps are ints; search terms are parameters
    checks, params = [], []
    for i, probes in enumerate(groups):
        if i != driver:
            sql, p = group_check_sql(probes, table, "d0")
            checks.append(sql)
            params += p
    cand, p = group_candidates_sql(groups[driver], table, DRIVER_CAP)
    params += p
    cols = ", ".join(f"{sql} AS s{i}" for i, sql in enumerate(checks))
    total = " + ".join(["d.s"] + [f"d.s{i}" for i in range(len(checks))])
    matched = " AND ".join(f"d.s{i} > 0" for i in range(len(checks)))
    sql = (
        f"SELECT d.customer_id, {total} AS score FROM (SELECT d0.customer_id, d0.s, {cols} FROM ({cand}) d0) d "  # noqa: S608 — table and column names are our own; scores and caps are ints; search terms are parameters
        f"{join} WHERE {matched} {order}"
    )
    return sql, params
