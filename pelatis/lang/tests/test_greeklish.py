from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pelatis.lang import (
    fold,
    greek_key,
    is_greek,
    is_greeklish,
    latin_keys,
    name_keys,
    query_keys,
    to_latin,
)
from pelatis.lang.namedays import all_name_forms

# Every spelling on the right must reach the key of the Greek name on the left.
SPELLINGS = {
    "Παπαδόπουλος": ["papadopoulos", "papadopulos", "Papadopoulos", "PAPADOPOULOS"],
    "Γιώργος": ["giorgos", "yiorgos", "giwrgos", "Yorgos"],
    "Χρήστος": ["xristos", "hristos", "christos", "xrhstos"],
    "Κώστας": ["kwstas", "kostas", "costas"],
    "Δημήτρης": ["dimitris", "dhmhtrhs"],
    "Ευάγγελος": ["evangelos", "euaggelos"],
    "Θεόδωρος": ["theodoros", "8eodoros"],
    "Μπάμπης": ["babis", "mpampis"],
    "Ξενοφών": ["xenofon", "3enofwn"],
    "Παναγιώτης": ["panagiotis", "panayiotis"],
    "Αγγελική": ["aggeliki", "angeliki", "agelikh"],
    "Βασίλειος": ["vasileios", "basileios"],
    "Ηλίας": ["ilias", "hlias"],
    "Ευτυχία": ["eftychia", "eutuxia"],
    "Σταύρος": ["stavros", "stafros"],
    "Οικονόμου": ["oikonomou", "ikonomou"],
    "Σμιθ": ["Smith"],
    "Μύλλερ": ["Muller", "Müller"],
    "Γιάννης": ["giannis", "yannis", "yiannis"],
    "Μιχάλης": ["mixalis", "michalis", "mihalis"],
    "Ελένη": ["eleni", "elenh"],
    "Αικατερίνη": ["aikaterini", "ekaterini"],
    "Τζένη": ["tzeni", "jeni"],
    "Ευστάθιος": ["efstathios", "eustathios"],
    "Μιχαήλ": ["Michail"],
    "Παντελεήμων": ["Panteleimon"],
    "Χρύσανθος": ["Chrysanthos"],
}

COMMON_NAMES = [
    "Παπαδόπουλος", "Γιώργος", "Χρήστος", "Κώστας", "Δημήτρης", "Ευάγγελος", "Θεόδωρος", "Μπάμπης",
    "Ξενοφών", "Παναγιώτης", "Αγγελική", "Βασίλειος", "Ηλίας", "Ευτυχία", "Σταύρος", "Οικονόμου",
    "Μαρία", "Μάρκος", "Ελένη", "Νίκος", "Γιάννης", "Αικατερίνη", "Σοφία", "Ειρήνη", "Μιχάλης",
    "Αντώνης", "Σπύρος", "Αθανάσιος", "Τζένη", "Φώτης",
]  # fmt: skip


@pytest.mark.parametrize(("greek", "latin"), [(g, latin) for g, ls in SPELLINGS.items() for latin in ls])
def test_greeklish_spelling_reaches_the_greek_key(greek: str, latin: str) -> None:
    assert greek_key(greek) in latin_keys(latin)
    assert greek_key(greek) in query_keys(latin)
    assert name_keys(latin) & name_keys(greek)


def test_greek_keys_examples() -> None:
    assert greek_key("Παπαδόπουλος") == "papadopulos"
    assert greek_key("Γιώργος") == "giorgos"
    assert greek_key("Μπάμπης") == "babis"
    assert greek_key("Ευτυχία") == "evtihia"
    assert greek_key("ΠAΠAΔOΠOYΛOΣ") == greek_key("Παπαδόπουλος")  # Latin look-alikes
    assert greek_key("Papadopoulos") == ""  # no Greek letters


def test_common_names_have_distinct_keys() -> None:
    keys = [greek_key(name) for name in COMMON_NAMES]
    assert len(set(keys)) == len(COMMON_NAMES)


def test_spellings_do_not_reach_other_names() -> None:
    assert greek_key("Μάρκος") not in latin_keys("maria")
    assert greek_key("Μαρία") not in latin_keys("markos")
    for greek, spellings in SPELLINGS.items():
        others = {greek_key(g) for g in SPELLINGS if greek_key(g) != greek_key(greek)}
        for latin in spellings:
            assert not latin_keys(latin) & others, (greek, latin)


def test_latin_keys_stay_small() -> None:
    for word in ["dhmhtrhs", "xrhstos", "eutuxia", "bbbbbbbbb", "xhxhxhxhxhxhxh", "hhhhuuuubbbbxxxyyyy"]:
        assert 1 <= len(latin_keys(word)) <= 16


def test_latin_keys_of_empty_or_symbols() -> None:
    assert latin_keys("") == frozenset()
    assert latin_keys("--") == frozenset()
    assert latin_keys("2024") == frozenset({"2024"})


def test_name_keys_dispatch() -> None:
    assert name_keys("Κώστας") == frozenset({"kostas"})
    assert "kostas" in name_keys("Kostas")
    assert "miler" in name_keys("Müller")
    assert name_keys("ΠAΠAΔOΠOYΛOΣ") == frozenset({"papadopulos"})
    assert name_keys("") == frozenset()


@pytest.mark.parametrize(
    ("query", "name"),
    [
        ("papad", "Παπαδόπουλος"),
        ("papadopo", "Παπαδόπουλος"),
        ("Παπαδόπ", "Παπαδόπουλος"),
        ("Παπαδοπο", "Παπαδόπουλος"),
        ("konstan", "Κωνσταντίνος"),
        ("Κωνσταν", "Κωνσταντίνος"),
        ("xrh", "Χρήστος"),
        ("yior", "Γιώργος"),
        ("evan", "Ευάγγελος"),
        ("Ευαγ", "Ευάγγελος"),
        ("panay", "Παναγιώτης"),
    ],
)
def test_query_keys_of_a_prefix_are_prefixes_of_the_name_key(query: str, name: str) -> None:
    key = greek_key(name)
    assert any(key.startswith(q) for q in query_keys(query))


def test_prefixes_of_listed_spellings_reach_the_name() -> None:
    for greek, spellings in SPELLINGS.items():
        key = greek_key(greek)
        for latin in spellings:
            for end in range(3, len(latin) + 1):
                assert any(key.startswith(q) for q in query_keys(latin[:end])), (greek, latin[:end])


def test_elot_romanisation_of_every_calendar_name_reaches_its_key() -> None:
    for form in all_name_forms():
        if is_greek(form):
            roman = to_latin(form)
            assert greek_key(form) in latin_keys(roman), (form, roman)
            for end in range(3, len(roman) + 1):
                assert any(greek_key(form).startswith(q) for q in query_keys(roman[:end])), (
                    form,
                    roman[:end],
                )


greek_word = st.text(alphabet="αβγδεζηθικλμνξοπρστυφχψωάέήίόύώϊϋ", min_size=1, max_size=14)


@settings(max_examples=300)
@given(st.text(alphabet="αβγδεζηθικλμνξοπρσςτυφχψωάέήίόύώϊϋΐΰΑΒΓΔΕΖΗΘΙΚΛΜΝΞΟΠΡΣΤΥΦΧΨΩΆΈΉΊΌΎΏ", max_size=20))
def test_greek_key_ignores_folding(word: str) -> None:
    assert greek_key(word) == greek_key(fold(word)) == greek_key(word.upper())


@settings(max_examples=300)
@given(greek_word, st.integers(min_value=3, max_value=14))
def test_greek_prefix_property(word: str, cut: int) -> None:
    prefix = word[:cut]
    if len(prefix) < 3:
        return
    key = greek_key(word)
    assert any(key.startswith(q) for q in query_keys(prefix))


@settings(max_examples=200)
@given(greek_word)
def test_greek_key_alphabet(word: str) -> None:
    assert set(greek_key(word)) <= set("abdeghijklmnoprstuvz")


@pytest.mark.parametrize(
    ("greek", "latin"),
    [
        ("Παπαδόπουλος", "Papadopoulos"),
        ("ΓΙΩΡΓΟΣ", "GIORGOS"),
        ("Χρήστος", "Christos"),
        ("Μπάμπης", "Bampis"),
        ("Ντίνος", "Ntinos"),
        ("Ευάγγελος", "Evangelos"),
        ("Ευτυχία", "Eftychia"),
        ("ΕΥΤΥΧΙΑ", "EFTYCHIA"),
        ("Σταύρος", "Stavros"),
        ("Ξενοφών", "Xenofon"),
        ("Αγγελική", "Angeliki"),
        ("Γκόλφω", "Gkolfo"),
        ("ΓΚΟΛΦΩ", "GKOLFO"),
        ("Αγκίστρι", "Agkistri"),
        ("ΑΫΠΝΙΑ", "AYPNIA"),
        ("αϋπνία", "aypnia"),
        ("προϋπόθεση", "proypothesi"),
        ("Θ. Παπαδόπουλος", "Th. Papadopoulos"),
        ("Οδός Ερμού 12, Αθήνα", "Odos Ermou 12, Athina"),
        ("Müller και Σία Ο.Ε.", "Müller kai Sia O.E."),
        ("ΜακΝτόναλντ", "MakNtonalnt"),
        ("Τι κάνετε;", "Ti kanete?"),
        ("Πότε θα έρθει\u037e", "Pote tha erthei?"),
        ("Αθήνα· Πάτρα", "Athina; Patra"),
    ],
)
def test_to_latin(greek: str, latin: str) -> None:
    assert to_latin(greek) == latin


def test_to_latin_passes_non_greek_text_through() -> None:
    text = "Zoë Müller — «ok»; 100%"
    assert to_latin(text) == text


@settings(max_examples=200)
@given(
    st.text(alphabet=" αβγδεζηθικλμνξοπρσςτυφχψωάέήίόύώϊϋΐΰΑΒΓΔΕΖΗΘΙΚΛΜΝΞΟΠΡΣΤΥΦΧΨΩΆΈΉΊΌΎΏΪΫ.,;", max_size=30)
)
def test_to_latin_of_greek_text_is_ascii(text: str) -> None:
    assert to_latin(text).isascii()


@pytest.mark.parametrize(
    "text",
    [
        "kalimera, thelw na kanw mia paraggelia",
        "Efxaristw poly gia thn boh8eia",
        "geia sas, exw provlima me tin paraggelia mou",
        "den exei erthei akomi to dema",
        "mporeite na mou steilete to timologio?",
        "Pote 8a ftasei h paraggelia mou?",
        "kalimera",
    ],
)
def test_is_greeklish_flags_greeklish(text: str) -> None:
    assert is_greeklish(text)


@pytest.mark.parametrize(
    "text",
    [
        "The meeting is tomorrow at ten",
        "Can you send me the invoice for last month?",
        "She has one",
        "See you too",
        "Please call me back tomorrow morning",
        "Ich habe eine Frage zu meiner Rechnung",
        "Das ist eine gute Idee",
        "Vielen Dank für Ihre Hilfe",
        "Buongiorno, vorrei prenotare una camera per due notti",
        "Dove è la mia prenotazione?",
        "Hola",
        "Bonjour, je voudrais réserver une chambre",
        "Καλημέρα σας",
        "",
    ],
)
def test_is_greeklish_leaves_other_text_alone(text: str) -> None:
    assert not is_greeklish(text)
