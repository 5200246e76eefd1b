from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pelatis.lang import fold, is_greek, words

GREEK_LETTERS = "αβγδεζηθικλμνξοπρσςτυφχψωάέήίόύώϊϋΐΰΑΒΓΔΕΖΗΘΙΚΛΜΝΞΟΠΡΣΤΥΦΧΨΩΆΈΉΊΌΎΏΪΫ"
greek_text = st.text(alphabet=GREEK_LETTERS + " ", max_size=30)
mixed_text = st.text(alphabet=GREEK_LETTERS + "AOPKHXETMNBIYZaoekxyptuvwdlsr ,.-'", max_size=30)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Παπαδόπουλος", "παπαδοπουλοσ"),
        ("ΠΑΠΑΔΟΠΟΥΛΟΣ", "παπαδοπουλοσ"),
        ("ΚΏΣΤΑΣ", "κωστασ"),
        ("προϊόν", "προιον"),
        ("ΠΡΟΪΟΝ", "προιον"),
        ("ΐ ΰ", "ι υ"),
        ("Ὀδυσσεύς", "οδυσσευσ"),
        ("  Γιώργος \t Παπαδόπουλος\n", "γιωργοσ παπαδοπουλοσ"),
        ("Τι κάνεις\u037e", "τι κανεισ;"),
        ("Αθήνα\u0387 Πάτρα", "αθηνα· πατρα"),
        ("Müller", "muller"),
        ("  MIXED Case  ascii ", "mixed case ascii"),
        ("Straße", "strasse"),
    ],
)
def test_fold_examples(text: str, expected: str) -> None:
    assert fold(text) == expected


def test_fold_maps_latin_lookalikes_inside_a_greek_word() -> None:
    # A, O, Y below are Latin capitals typed into a Greek surname
    assert fold("ΠAΠAΔOΠOYΛOΣ") == "παπαδοπουλοσ"
    assert fold("ΚΩΣΤAΣ") == "κωστασ"
    assert fold("ΧΡHΣΤΟΣ") == "χρηστοσ"


def test_fold_maps_greek_lookalikes_inside_a_latin_word() -> None:
    # Α (alpha), Ο (omicron), Ρ (rho) and Κ (kappa) below are Greek
    assert fold("PΑPADOPOULOS") == "papadopoulos"
    assert fold("NΙKE") == "nike"
    assert fold("ΡΟΚ") == "ροκ"  # all-Greek words are left alone


def test_fold_leaves_mixed_words_without_a_majority_alone() -> None:
    assert fold("aβ") == "aβ"


def test_fold_drops_invisible_characters() -> None:
    assert fold("Γιώρ\u00adγος") == "γιωργοσ"
    assert fold("Γιώρ\u200bγος") == "γιωργοσ"


@settings(max_examples=300)
@given(st.text(max_size=40))
def test_fold_is_idempotent(text: str) -> None:
    assert fold(fold(text)) == fold(text)


@settings(max_examples=300)
@given(mixed_text)
def test_fold_is_idempotent_on_mixed_scripts(text: str) -> None:
    assert fold(fold(text)) == fold(text)


@given(greek_text)
def test_fold_ignores_case_of_greek_text(text: str) -> None:
    assert fold(text) == fold(text.upper()) == fold(text.lower())


@settings(max_examples=300)
@given(st.text(max_size=40))
def test_fold_output_has_no_marks_no_final_sigma_no_edge_spaces(text: str) -> None:
    out = fold(text)
    assert not any(unicodedata.category(ch) in ("Mn", "Me") for ch in out)
    assert "ς" not in out
    assert out == out.strip()
    assert "  " not in out


def test_fold_of_pure_ascii_is_lowercase() -> None:
    assert fold("Hello World") == "hello world"


def test_words_splits_on_non_alphanumerics() -> None:
    assert words("Ο Γιώργος-Μάριος Παπαδόπουλος, κ.λπ. O'Brien 2024") == [
        "ο",
        "γιωργοσ",
        "μαριοσ",
        "παπαδοπουλοσ",
        "κ",
        "λπ",
        "o",
        "brien",
        "2024",
    ]
    assert words("maria@example.gr") == ["maria", "example", "gr"]
    assert words("   ") == []


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("Παπαδόπουλος", True),
        ("ΠΑΠΑΔΟΠΟΥΛΟΣ", True),
        ("Papadopoulos", False),
        ("Müller", False),
        ("", False),
        ("123", False),
        ("Γιώργοςxy", True),
        ("abΓ", False),
    ],
)
def test_is_greek(word: str, expected: bool) -> None:
    assert is_greek(word) is expected
