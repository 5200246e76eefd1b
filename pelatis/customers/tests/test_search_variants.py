"""Search knows other forms of a first name (the name-day table's groups), ranked after exact and Greeklish matches."""

from __future__ import annotations

from typing import Any

import pytest

from pelatis.customers.queries import customer_search
from pelatis.lang import fold
from pelatis.lang.name_variants import name_group, name_variants

pytestmark = pytest.mark.django_db


def _names(q: str) -> list[str]:
    return [c.display_name for c in customer_search(q).customers]


def test_giorgos_finds_georgios_and_giorgis_after_the_exact_and_greeklish_matches(make_customer: Any) -> None:
    make_customer(first_name="Γεώργιος", last_name="Αλεξίου")
    make_customer(first_name="Γιωργής", last_name="Μαυρίδης")
    make_customer(first_name="Giorgos", last_name="Zervas")
    make_customer(first_name="Γιώργος", last_name="Παπαδόπουλος")
    make_customer(first_name="Νίκος", last_name="Γεωργίου")  # a surname that merely looks alike
    names = _names("Γιώργος")
    assert names[0] == "Γιώργος Παπαδόπουλος"  # exact
    assert names[1] == "Giorgos Zervas"  # the same name in Greeklish
    assert set(names[2:]) == {"Γεώργιος Αλεξίου", "Γιωργής Μαυρίδης"}  # other forms of it
    assert "Νίκος Γεωργίου" not in names


def test_kostas_finds_konstantinos_in_greek_and_latin(make_customer: Any) -> None:
    make_customer(first_name="Κωνσταντίνος", last_name="Ραφαηλίδης")
    make_customer(first_name="Konstantinos", last_name="Vlachos")
    make_customer(first_name="Κωνσταντίνα", last_name="Σιδέρη")  # another name: not a form of Κώστας
    assert set(_names("Κώστας")) == {"Κωνσταντίνος Ραφαηλίδης", "Konstantinos Vlachos"}
    assert set(_names("κωστας")) == {"Κωνσταντίνος Ραφαηλίδης", "Konstantinos Vlachos"}


def test_mairi_finds_maria_and_two_words_still_narrow(make_customer: Any) -> None:
    make_customer(first_name="Μαρία", last_name="Νικολάου")
    make_customer(first_name="Μαρία", last_name="Ιωάννου")
    assert set(_names("Μαίρη")) == {"Μαρία Νικολάου", "Μαρία Ιωάννου"}
    assert _names("Μαίρη Νικολάου") == ["Μαρία Νικολάου"]


def test_an_exact_match_outranks_a_variant_in_two_word_queries(make_customer: Any) -> None:
    make_customer(first_name="Γεώργιος", last_name="Παπαδόπουλος")
    make_customer(first_name="Γιώργος", last_name="Παπαδόπουλος", emails=["g@example.gr"])
    assert [c.first_name for c in customer_search("Γιώργος Παπαδόπουλος").customers] == [
        "Γιώργος",
        "Γεώργιος",
    ]


def test_a_surname_has_no_variants(make_customer: Any) -> None:
    make_customer(first_name="Γεώργιος", last_name="Αλεξίου")
    assert _names("Παπαδόπουλος") == []
    assert name_variants("Παπαδόπουλος") == ()


def test_the_groups_come_from_the_name_day_table() -> None:
    assert {"γεωργιοσ", "γιωργησ"} <= {fold(v) for v in name_variants("Γιώργος")}
    assert "Γιώργης" in name_variants("ΓΙΩΡΓΟΣ")
    assert "Κωνσταντίνος" in name_variants("Κώστας")
    assert "Μαρία" in name_variants("Μαίρη")
    assert "Γιώργος" not in name_variants("Γιώργος")  # the typed form itself is no variant
    assert "Γιώργος" in name_group("giorgos")  # Greeklish finds its group
