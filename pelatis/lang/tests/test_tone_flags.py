"""The tone checker flags blaming, imperative, casual, informal-address and structure problems, in Greek,
English and Greeklish, with offsets into the original text."""

from __future__ import annotations

import unicodedata

import pytest

from pelatis.lang.tests.tone_helpers import by_rule
from pelatis.lang.tone import CATEGORIES, check_tone, default_rules, validate_pattern

# --- the issue's examples ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "language", "needle", "rule_id", "suggestion"),
    [
        (
            "Σύμφωνα με το σύστημα χρωστάτε 45 €.",
            "el",
            "χρωστάτε",
            "el-owe",
            "τα αρχεία μας δείχνουν υπόλοιπο",
        ),
        (
            "ΣΎΜΦΩΝΑ ΜΕ ΤΟ ΣΎΣΤΗΜΑ ΧΡΩΣΤΆΤΕ 45 €.",
            "el",
            "ΧΡΩΣΤΆΤΕ",
            "el-owe",
            "τα αρχεία μας δείχνουν υπόλοιπο",
        ),
        (
            "Κύριε Νίκο, μην το ξανακάνετε έτσι.",
            "el",
            "μην το ξανακάνετε",
            "el-dont-again",
            "Συνήθως λειτουργεί καλύτερα όταν…",
        ),
        (
            "ΜΗΝ ΤΟ ΞΑΝΑΚΆΝΕΤΕ ΈΤΣΙ",
            "el",
            "ΜΗΝ ΤΟ ΞΑΝΑΚΆΝΕΤΕ",
            "el-dont-again",
            "Συνήθως λειτουργεί καλύτερα όταν…",
        ),
        (
            "Hello, you owe us €45 for the minibar.",
            "en",
            "you owe",
            "en-owe",
            "our records show a balance of",
        ),
        (
            "Hello, YOU OWE us €45 for the minibar.",
            "en",
            "YOU OWE",
            "en-owe",
            "our records show a balance of",
        ),
    ],
)
def test_issue_examples_with_offsets(
    text: str, language: str, needle: str, rule_id: str, suggestion: str
) -> None:
    hint = by_rule(check_tone(text, language=language), rule_id)
    assert hint.suggestion == suggestion
    assert hint.severity == "warn"
    assert (hint.start, hint.end) == (text.index(needle), text.index(needle) + len(needle))
    assert hint.matched == needle


def test_issue_examples_detect_the_language() -> None:
    assert by_rule(check_tone("Σύμφωνα με τα στοιχεία μας χρωστάτε 45 ευρώ."), "el-owe").matched == "χρωστάτε"
    assert by_rule(check_tone("According to our system you owe us 45 euros."), "en-owe").matched == "you owe"


def test_offsets_survive_decomposed_accents_and_expanding_letters() -> None:
    # given: NFD input (a letter then a combining accent) and ß, which folds to two letters
    text = unicodedata.normalize("NFD", "Straße 5: Χρωστάτε ακόμη 20 €.")
    # when
    hint = by_rule(check_tone(text, language="el"), "el-owe")
    # then: the span covers the letters and their accents, nothing else
    assert unicodedata.normalize("NFC", hint.matched) == "Χρωστάτε"
    assert text[hint.start : hint.end] == hint.matched


def test_owing_an_apology_is_not_blaming() -> None:
    assert not check_tone("Σας χρωστάμε μια συγγνώμη για την καθυστέρηση.", language="el")


# --- address ----------------------------------------------------------------------------------


def test_informal_singular_is_flagged_for_a_formal_customer() -> None:
    text = "Γεια σου Μαρία, ευχαριστώ που μου έγραψες. Μπορείς να μου στείλεις τον αριθμό κράτησης;"
    hints = [h for h in check_tone(text, language="el", formal=True) if h.category == "address"]
    assert [h.matched for h in hints] == ["Γεια σου", "έγραψες", "Μπορείς", "στείλεις"]
    assert by_rule(hints, "el-address-hello").suggestion.startswith("Γεια σας")


def test_informal_singular_is_fine_for_an_informal_customer() -> None:
    text = "Γεια σου Μαρία, ευχαριστώ που μου έγραψες. Μπορείς να μου στείλεις τον αριθμό κράτησης;"
    assert not [h for h in check_tone(text, language="el", formal=False) if h.category == "address"]


def test_the_agent_speaking_in_the_first_person_singular_is_not_informal_address() -> None:
    text = "Καλημέρα σας, ευχαριστώ που μου γράψατε. Μπορείτε να μου στείλετε τον αριθμό κράτησης;"
    assert not check_tone(text, language="el", formal=True)


def test_kaneis_and_kaneis_are_told_apart_by_the_accent() -> None:
    assert by_rule(check_tone("Τι κάνεις;", language="el"), "el-address-kaneis")
    assert not check_tone("Δεν θα σας ενοχλήσει κανείς.", language="el")


# --- one positive case per category ----------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "language", "category", "matched"),
    [
        ("Είναι δικό σας λάθος που δεν ήρθατε.", "el", "blaming", "δικό σας λάθος"),
        ("Εσείς φταίτε για την καθυστέρηση.", "el", "blaming", "φταίτε"),
        ("Όπως σας είπα ήδη, το δωμάτιο είναι έτοιμο.", "el", "blaming", "Όπως σας είπα ήδη"),
        ("As I already said, the room is ready.", "en", "blaming", "As I already said"),
        ("You failed to send the form.", "en", "blaming", "You failed to"),
        ("It was your fault, not ours.", "en", "blaming", "your fault"),
        ("Πρέπει να στείλετε τα έγγραφα.", "el", "imperative", "Πρέπει να στείλετε"),
        ("You must send the documents.", "en", "imperative", "You must"),
        ("You need to fill in the form.", "en", "imperative", "You need to"),
        ("Ρε φίλε, το είδαμε.", "el", "casual", "Ρε"),
        ("Hey guys, thanks lol", "en", "casual", "Hey guys"),
        ("Is that ok? Let me know.", "en", "casual", "ok?"),
        ("Το ticket σας έκλεισε.", "el", "jargon", "ticket"),
        ("Το SLA μας είναι 24 ώρες.", "el", "jargon", "SLA"),
        ("I will escalate this to the backend team.", "en", "jargon", "escalate"),
        ("Δυστυχώς δεν γίνεται.", "el", "negative", "δεν γίνεται"),
        ("Αυτό δεν θα συμβεί ποτέ.", "el", "negative", "ποτέ"),
        ("That is impossible.", "en", "negative", "impossible"),
        ("We will never refund this.", "en", "negative", "never"),
        ("Είναι ΔΙΚΟ ΣΑΣ ΛΑΘΟΣ ΤΕΛΙΚΑ.", "el", "shouting", "ΔΙΚΟ ΣΑΣ ΛΑΘΟΣ ΤΕΛΙΚΑ"),
        ("Please READ THE EMAIL AGAIN carefully.", "en", "shouting", "READ THE EMAIL AGAIN"),
        ("Το στείλαμε ήδη!!!", "el", "shouting", "!!!"),
        ("Where is it??", "en", "shouting", "??"),
        ("Το λάβατε;;", "el", "shouting", ";;"),
        ("Γεια σου, τι κάνεις;", "el", "address", "Γεια σου"),
    ],
)
def test_category_examples(text: str, language: str, category: str, matched: str) -> None:
    hints = [h for h in check_tone(text, language=language) if h.category == category]
    assert matched in [h.matched for h in hints], [
        (h.rule_id, h.matched) for h in check_tone(text, language=language)
    ]


def test_missing_greeting_and_closing_are_soft_hints() -> None:
    text = (
        "Η κράτησή σας για τις 12 Ιουλίου είναι επιβεβαιωμένη. Το δωμάτιο θα είναι έτοιμο από τις δύο το "
        "μεσημέρι και το πρωινό σερβίρεται στη βεράντα από τις επτά και μισή."
    )
    hints = check_tone(text, language="el")
    assert {h.rule_id for h in hints} == {"el-greeting-missing", "el-closing-missing"}
    assert all(h.category == "structure" and h.severity == "hint" for h in hints)
    assert (
        by_rule(hints, "el-greeting-missing").matched
        == "Η κράτησή σας για τις 12 Ιουλίου είναι επιβεβαιωμένη."
    )


def test_short_replies_get_no_structure_hints() -> None:
    assert not check_tone("Η κράτησή σας είναι επιβεβαιωμένη.", language="el")
    assert not check_tone("Your booking is confirmed.", language="en")


def test_every_category_has_default_rules() -> None:
    rules = default_rules()
    assert {r.category for r in rules} == set(CATEGORIES)
    assert sum(r.language == "el" for r in rules) >= 40
    assert sum(r.language == "en" for r in rules) >= 30
    assert len({r.id for r in rules}) == len(rules)


def test_default_rule_patterns_are_valid() -> None:
    for rule in default_rules():
        assert validate_pattern(rule.pattern) is None, rule.id


# --- Greeklish ----------------------------------------------------------------------------------


def test_greeklish_is_checked_with_the_greek_rules() -> None:
    text = "Kalispera sas, apo ton elegxo fainetai oti xrwstate akoma 20 euro. Mhn to ksanakanete etsi."
    hints = check_tone(text)
    assert by_rule(hints, "el-owe").matched == "xrwstate"
    assert by_rule(hints, "el-dont-again").matched == "Mhn to ksanakanete"


@pytest.mark.parametrize(
    ("text", "rule_id", "matched"),
    [
        ("Den ginetai na allaksoume thn hmeromhnia.", "el-cant-be-done", "Den ginetai na"),
        ("Prepei na plhrwsete mexri aurio.", "el-must-you", "Prepei na plhrwsete"),
        ("Einai diko sas lathos, ftaite eseis.", "el-your-fault", "diko sas lathos"),
        ("Opws sas eipa hdh, to dwmatio einai etoimo.", "el-as-i-said", "Opws sas eipa hdh"),
        ("Geia sou Maria, ti wra tha ertheis?", "el-address-hello", "Geia sou"),
    ],
)
def test_greeklish_examples(text: str, rule_id: str, matched: str) -> None:
    assert by_rule(check_tone(text, language="el"), rule_id).matched == matched


def test_polite_greeklish_gets_no_warnings_and_its_greeting_counts() -> None:
    text = (
        "Kalispera sas kyrie Papadopoule, sas eyxaristoume gia to minima sas. To dwmatio sas tha einai etoimo "
        "stis 2 to mesimeri kai to prwino serviretai apo tis 7:30. Den ftaite eseis gia thn kathysterhsh.\n"
        "Me ektimisi,\nMaria"
    )
    assert not check_tone(text, language="el")


def test_other_languages_get_only_the_rules_for_every_language() -> None:
    hints = check_tone("Sie schulden uns 50 €!!! Du musst zahlen.", language="de")
    assert [h.rule_id for h in hints] == ["exclaim"]
