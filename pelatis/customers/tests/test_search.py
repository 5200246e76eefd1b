from __future__ import annotations

from typing import Any

import pytest

from pelatis.customers.models import Customer
from pelatis.customers.queries import customer_search


@pytest.fixture
def book(make_customer: Any, make_order: Any) -> dict[str, Customer]:
    people = {
        "papadopoulos": make_customer(
            first_name="Γιώργος",
            last_name="Παπαδόπουλος",
            emails=["gp@example.gr"],
            phones=["6971234567"],
            vat_number="094259216",
        ),
        "papadakis": make_customer(first_name="Μαρία", last_name="Παπαδάκη", emails=["maria@example.gr"]),
        "christos": make_customer(first_name="Χρήστος", last_name="Οικονόμου", phones=["+30 210 765 4321"]),
        "kostas": make_customer(first_name="Κώστας", last_name="Νικολάου"),
        "eleni": make_customer(first_name="Ελένη", last_name="Κωνσταντίνου"),
        "smith": make_customer(
            first_name="John", last_name="Smith", language="en", emails=["john@smith.co.uk"]
        ),
        "mueller": make_customer(
            first_name="Jürgen", last_name="Müller", language="de", phones=["+49 151 23456789"]
        ),
        "company": make_customer(kind="company", company_name="Ταξιδιωτικό Γραφείο Αιγαίο"),
    }
    make_order(people["eleni"], "ORD-77001")
    return people


def names(q: str) -> list[str]:
    return [c.display_name for c in customer_search(q).customers]


@pytest.mark.parametrize(
    "q",
    [
        "Παπαδόπουλος",
        "παπαδοπουλος",
        "ΠΑΠΑΔΟΠΟΥΛΟΣ",
        "papadopoulos",
        "papadopulos",
        "Papadopoulos Giorgos",
        "giorgos papadopoulos",
        "Γιωργος Παπαδοπουλος",
    ],
)
def test_name_found_whatever_the_accents_case_or_script(book: dict[str, Customer], q: str) -> None:
    assert names(q)[0] == "Γιώργος Παπαδόπουλος"


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("xristos", "Χρήστος Οικονόμου"),
        ("hristos", "Χρήστος Οικονόμου"),
        ("kwstas", "Κώστας Νικολάου"),
        ("ikonomou", "Χρήστος Οικονόμου"),
        ("Σμιθ", "John Smith"),
        ("muller", "Jürgen Müller"),
        ("Ελενη", "Ελένη Κωνσταντίνου"),
    ],
)
def test_greeklish_and_greek_spellings(book: dict[str, Customer], q: str, expected: str) -> None:
    assert expected in names(q)


def test_prefix_as_you_type_ranks_exact_first(book: dict[str, Customer]) -> None:
    result = names("Παπαδ")
    assert set(result[:2]) == {"Γιώργος Παπαδόπουλος", "Μαρία Παπαδάκη"}
    assert names("Παπαδάκη")[0] == "Μαρία Παπαδάκη"


@pytest.mark.parametrize("q", ["6971234567", "697 123 4567", "+30 697 123 4567", "00306971234567", "697123"])
def test_phone_in_any_format(book: dict[str, Customer], q: str) -> None:
    assert names(q)[0] == "Γιώργος Παπαδόπουλος"


def test_email_vat_order_reference_and_company(book: dict[str, Customer]) -> None:
    assert names("gp@example.gr") == ["Γιώργος Παπαδόπουλος"]
    assert names("maria@")[0] == "Μαρία Παπαδάκη"
    assert names("094259216")[0] == "Γιώργος Παπαδόπουλος"
    assert names("EL094259216")[0] == "Γιώργος Παπαδόπουλος"
    assert names("ord-77001") == ["Ελένη Κωνσταντίνου"]
    assert names("αιγαιο") == ["Ταξιδιωτικό Γραφείο Αιγαίο"]


def test_every_word_must_match(book: dict[str, Customer]) -> None:
    assert names("Μαρία Παπαδόπουλος") == []
    assert names("zzzz") == []
    assert names("") == []


def test_merged_customers_are_not_found(book: dict[str, Customer], make_customer: Any) -> None:
    from pelatis.customers.services import customer_merge

    dup = make_customer(first_name="Giorgos", last_name="Papadopoulos", emails=["gp2@example.gr"])
    customer_merge(survivor=book["papadopoulos"], merged=dup)
    assert names("papadopoulos") == ["Γιώργος Παπαδόπουλος"]
    assert names("gp2@example.gr") == ["Γιώργος Παπαδόπουλος"]


def test_pagination(make_customer: Any) -> None:
    for i in range(30):
        make_customer(first_name=f"Νίκος{i:02d}", last_name="Αλεξίου")
    first = customer_search("Αλεξίου", limit=25)
    second = customer_search("Αλεξίου", limit=25, offset=25)
    assert len(first.customers) == 25
    assert first.has_more
    assert len(second.customers) == 5
    assert not second.has_more
    assert not {c.pk for c in first.customers} & {c.pk for c in second.customers}


def test_search_query_count_does_not_grow_with_results(
    make_customer: Any, django_assert_max_num_queries: Any
) -> None:
    for i in range(20):
        make_customer(first_name="Ελένη", last_name=f"Ιωάννου{i}", emails=[f"e{i}@example.gr"], tags=["VIP"])
    # ranking: at most one statement per match tier (4); rows: one, plus one per prefetch (2)
    with django_assert_max_num_queries(7):
        page = customer_search("Ελένη")
        assert len(page.customers) == 20
        for c in page.customers:
            list(c.contact_points.all())
            list(c.tags.all())


def test_greeklish_name_outranks_an_email_that_merely_starts_with_it(make_customer: Any) -> None:
    make_customer(first_name="Βαλέριος", last_name="Ζιάρα", emails=["papadopoulos.v@example.gr"])
    make_customer(first_name="Γιώργος", last_name="Παπαδόπουλος")
    assert names("papadopoulos") == ["Γιώργος Παπαδόπουλος", "Βαλέριος Ζιάρα"]
    assert names("papadopoulos.v@")[0] == "Βαλέριος Ζιάρα"


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("Παπαδόπολος", "Γιώργος Παπαδόπουλος"),  # a letter missing
        ("papadoupolos", "Γιώργος Παπαδόπουλος"),  # letters swapped, in Greeklish
        ("Κωνσταντινοου", "Ελένη Κωνσταντίνου"),  # a letter doubled
        ("Ελένη Κωνσταντινόθ", "Ελένη Κωνσταντίνου"),  # a typo in one of two words
    ],
)
def test_typos_are_forgiven_when_nothing_matches_exactly(
    book: dict[str, Customer], q: str, expected: str
) -> None:
    assert names(q)[0] == expected


def test_fuzzy_matching_does_not_invent_results(book: dict[str, Customer]) -> None:
    assert names("Ζαχαρόπουλος") == []
    assert names("Μαρία Ζαχαρόπουλος") == []
