from __future__ import annotations

import datetime
import sys
from collections import defaultdict

import pytest

from pelatis.lang import canonical_name, celebrating_on, easter, fold, greek_key, is_greek, name_day

D = datetime.date
namedays_module = sys.modules["pelatis.lang.namedays"]


@pytest.mark.parametrize(
    ("year", "expected"),
    [(2024, D(2024, 5, 5)), (2025, D(2025, 4, 20)), (2026, D(2026, 4, 12)), (2027, D(2027, 5, 2))],
)
def test_orthodox_easter(year: int, expected: datetime.date) -> None:
    assert easter(year) == expected


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Γιώργος", "Γεώργιος"),
        ("ΓΕΩΡΓΙΟΣ", "Γεώργιος"),
        ("Γιωργής", "Γεώργιος"),
        ("giorgos", "Γεώργιος"),
        ("Yiorgos", "Γεώργιος"),
        ("George", "Γεώργιος"),
        ("Γεωργία", "Γεωργία"),
        ("Γωγώ", "Γεωργία"),
        ("Κώστας", "Κωνσταντίνος"),
        ("Ντίνος", "Κωνσταντίνος"),
        ("kostas", "Κωνσταντίνος"),
        ("Κωνσταντίνα", "Κωνσταντίνα"),
        ("Μαρία", "Μαρία"),
        ("ΜΑΡΙΑ", "Μαρία"),
        ("maria", "Μαρία"),
        ("Μπάμπης", "Χαράλαμπος"),
        ("babis", "Χαράλαμπος"),
        ("Λευτέρης", "Ελευθέριος"),
        ("lefteris", "Ελευθέριος"),
        ("Μανώλης", "Εμμανουήλ"),
        ("Τζένη", "Ευγενία"),
        ("Νατάσα", "Αναστασία"),
        ("Τάσος", "Αναστάσιος"),
        ("Στέλλα", "Στυλιανή"),
        ("Βαγγέλης", "Ευάγγελος"),
        ("Θοδωρής", "Θεόδωρος"),
        ("Μαρία-Ελένη", "Μαρία"),
        ("  γιάννης  ", "Ιωάννης"),
    ],
)
def test_canonical_name(name: str, expected: str) -> None:
    assert canonical_name(name) == expected


@pytest.mark.parametrize("name", ["Παπαδόπουλος", "Xyz", "", "123", "Smith"])
def test_canonical_name_of_unknown_is_none(name: str) -> None:
    assert canonical_name(name) is None
    assert name_day(name, 2026) is None


FIXED = [
    ("Κωνσταντίνος", 5, 21),
    ("Ελένη", 5, 21),
    ("Ιωάννης", 1, 7),
    ("Νικόλαος", 12, 6),
    ("Δημήτριος", 10, 26),
    ("Μαρία", 8, 15),
    ("Παναγιώτης", 8, 15),
    ("Δέσποινα", 8, 15),
    ("Αικατερίνη", 11, 25),
    ("Βασίλειος", 1, 1),
    ("Χρήστος", 12, 25),
    ("Σπυρίδων", 12, 12),
    ("Αθανάσιος", 1, 18),
    ("Αντώνιος", 1, 17),
    ("Ευάγγελος", 3, 25),
    ("Μιχαήλ", 11, 8),
    ("Γαβριήλ", 11, 8),
    ("Άγγελος", 11, 8),
    ("Παρασκευή", 7, 26),
    ("Ειρήνη", 5, 5),
    ("Σοφία", 9, 17),
    ("Άννα", 7, 25),
    ("Ανδρέας", 11, 30),
    ("Στέφανος", 12, 27),
    ("Σταύρος", 9, 14),
    ("Πέτρος", 6, 29),
    ("Παύλος", 6, 29),
    ("Ηλίας", 7, 20),
    ("Φώτιος", 2, 6),
    ("Ευτυχία", 4, 6),
    ("Χαράλαμπος", 2, 10),
    ("Αλέξανδρος", 8, 30),
    ("Εμμανουήλ", 12, 25),
]


@pytest.mark.parametrize(("name", "month", "day"), FIXED)
@pytest.mark.parametrize("year", [2024, 2025, 2026, 2027])
def test_fixed_name_days(name: str, month: int, day: int, year: int) -> None:
    assert name_day(name, year) == D(year, month, day)


@pytest.mark.parametrize(
    ("year", "george", "mark"),
    [
        (2024, D(2024, 5, 6), D(2024, 5, 7)),  # Easter 5 May: both move to Bright Monday/Tuesday
        (2025, D(2025, 4, 23), D(2025, 4, 25)),  # Easter 20 April: both after Easter, stay
        (2026, D(2026, 4, 23), D(2026, 4, 25)),  # Easter 12 April: stay
        (2027, D(2027, 5, 3), D(2027, 5, 4)),  # Easter 2 May: move
    ],
)
def test_george_and_mark_move_after_easter(year: int, george: datetime.date, mark: datetime.date) -> None:
    assert name_day("Γιώργος", year) == george
    assert name_day("Γεωργία", year) == george
    assert name_day("Μάρκος", year) == mark


def test_george_moves_when_23_april_is_easter_itself() -> None:
    assert easter(2017) == D(2017, 4, 16)
    assert easter(2006) == D(2006, 4, 23)
    assert name_day("Γιώργος", 2006) == D(2006, 4, 24)
    assert name_day("Μάρκος", 2006) == D(2006, 4, 25)  # Easter Tuesday is 25 April itself


@pytest.mark.parametrize(
    ("name", "offset"),
    [
        ("Λάζαρος", -8),
        ("Βάιος", -7),
        ("Αναστάσιος", 0),
        ("Λάμπρος", 0),
        ("Ραφαήλ", 2),
        ("Ζωή", 5),
        ("Πηγή", 5),
        ("Θωμάς", 7),
        ("Τριαντάφυλλος", 50),
        ("Θεόδωρος", -43),
        ("Περικλής", 56),
    ],
)
@pytest.mark.parametrize("year", [2024, 2025, 2026, 2027])
def test_easter_relative_name_days(name: str, offset: int, year: int) -> None:
    assert name_day(name, year) == easter(year) + datetime.timedelta(days=offset)


def test_theodore_is_on_the_saturday_of_the_first_week_of_lent() -> None:
    day = name_day("Θεόδωρος", 2026)
    assert day == D(2026, 2, 28)
    assert day is not None
    assert day.weekday() == 5


def test_celebrating_on() -> None:
    assert celebrating_on(D(2026, 4, 23)) == ["Γεώργιος", "Γεωργία"]
    assert celebrating_on(D(2024, 4, 23)) == []
    assert set(celebrating_on(D(2024, 5, 6))) >= {"Γεώργιος", "Γεωργία"}
    assert {"Κωνσταντίνος", "Κωνσταντίνα", "Ελένη"} <= set(celebrating_on(D(2025, 5, 21)))
    assert {"Μαρία", "Παναγιώτης", "Παναγιώτα", "Δέσποινα"} <= set(celebrating_on(D(2027, 8, 15)))
    assert "Τριαντάφυλλος" in celebrating_on(easter(2026) + datetime.timedelta(days=50))
    assert celebrating_on(datetime.datetime(2026, 4, 23, 10, 30, tzinfo=datetime.UTC)) == [
        "Γεώργιος",
        "Γεωργία",
    ]


def test_every_name_day_round_trips_through_celebrating_on() -> None:
    calendar = namedays_module._calendar()
    for year in (2024, 2025, 2026, 2027):
        for canonical in calendar.rules:
            day = name_day(canonical, year)
            assert day is not None, canonical
            assert canonical in celebrating_on(day)


def test_calendar_table_is_consistent() -> None:
    calendar = namedays_module._calendar()
    assert len(calendar.rules) >= 250
    forms: dict[str, set[str]] = defaultdict(set)
    keys: dict[str, set[str]] = defaultdict(set)
    for entry in calendar.entries:
        assert canonical_name(entry.canonical) == entry.canonical
        for form in (entry.canonical, *entry.variants):
            forms[fold(form)].add(entry.canonical)
            if is_greek(form):
                keys[greek_key(form)].add(entry.canonical)
            assert canonical_name(form) == entry.canonical, form
    assert {form: names for form, names in forms.items() if len(names) > 1} == {}
    # Names that share a key must at least share the name day.
    for names in keys.values():
        assert len({calendar.rules[name] for name in names}) == 1, names
