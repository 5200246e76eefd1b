"""Applying tone suggestions leaves grammatical sentences: real agent sentences, one suggestion or several
in a row, in Greek, English and Greeklish."""

from __future__ import annotations

import re

import pytest

from pelatis.lang.tone import ToneHint, ToneRule, check_tone, compile_rules, default_rules, rule_for
from pelatis.lang.tone_apply import Edit, apply_edit, apply_suggestion, edits_for, fix_all, plan


def first_hint(text: str, rule_id: str) -> ToneHint:
    hints = [h for h in check_tone(text) if h.rule_id == rule_id]
    assert hints, f"{rule_id} not in {[(h.rule_id, h.matched) for h in check_tone(text)]}"
    return hints[0]


def apply_rule(text: str, rule_id: str, alternative: int = 0) -> str:
    return apply_suggestion(text, first_hint(text, rule_id), alternative)


def clean(text: str) -> None:
    """No doubled spaces or marks, no space before a mark, a capital after a full stop."""
    assert "  " not in text, text
    assert not re.search(r"\s[,.;:!?·]", text), text
    assert not re.search(r"[,.:·]\s*[,.;:·]", text), text
    assert not re.search(r"[.!?]\s+[^\W\d_]", text) or all(
        m.group()[-1].isupper() for m in re.finditer(r"[.!?]\s+[^\W\d_]", text)
    ), text


ONE = [
    # the amount follows: «υπόλοιπο» right before it, «μας» before the verb goes
    ("Χρωστάτε 50 €.", "el-owe", "Τα αρχεία μας δείχνουν υπόλοιπο 50 €."),
    (
        "Καλησπέρα σας,\nμας χρωστάτε ακόμη 50 ευρώ.",
        "el-owe",
        "Καλησπέρα σας,\nΤα αρχεία μας δείχνουν ακόμη υπόλοιπο 50 ευρώ.",
    ),
    (
        "Σύμφωνα με το λογιστήριο, χρωστάτε 120 ευρώ για την προκαταβολή.",
        "el-owe",
        "Σύμφωνα με το λογιστήριο, τα αρχεία μας δείχνουν υπόλοιπο 120 ευρώ για την προκαταβολή.",
    ),
    ("Το ποσό που μας χρωστάτε είναι 80 €.", "el-owe", "Το ποσό που εκκρεμεί είναι 80 €."),
    (
        "Χρωστάτε ακόμη την προκαταβολή του δωματίου.",
        "el-owe",
        "Τα αρχεία μας δείχνουν ακόμη υπόλοιπο για την προκαταβολή του δωματίου.",
    ),
    (
        "Καλημέρα σας, οφείλετε 35 € για το μίνι μπαρ.",
        "el-owe-ofeilete",
        "Καλημέρα σας, τα αρχεία μας δείχνουν υπόλοιπο 35 € για το μίνι μπαρ.",
    ),
    ("Η οφειλή σας είναι 50 €.", "el-debt", "Το υπόλοιπο του λογαριασμού σας είναι 50 €."),
    (
        "Παρακαλούμε εξοφλήστε το οφειλόμενο ποσό έως την Παρασκευή.",
        "el-debt",
        "Παρακαλούμε εξοφλήστε το υπόλοιπο του λογαριασμού σας έως την Παρασκευή.",
    ),
    ("Δεν έχετε πληρώσει ακόμα την προκαταβολή.", "el-not-paid", "Δεν έχουμε λάβει ακόμη την προκαταβολή."),
    ("Δεν έχετε πληρώσει την προκαταβολή ακόμα.", "el-not-paid", "Δεν έχουμε λάβει την προκαταβολή ακόμα."),
    ("Δεν πληρώσατε ακόμη.", "el-not-paid", "Δεν έχουμε λάβει ακόμη την πληρωμή."),
    # lead-ins: the comma and «ότι» folded into the colon, the next word in small letters
    (
        "Όπως σας είπα ήδη, η κράτηση είναι για δύο βράδια.",
        "el-as-i-said",
        "Για να το συνοψίσουμε: η κράτηση είναι για δύο βράδια.",
    ),
    (
        "Σας το έχουμε πει ξανά ότι το check-in είναι στις 3.",
        "el-as-i-said",
        "Για να το συνοψίσουμε: το check-in είναι στις 3.",
    ),
    # ... and inside a sentence the aside goes, commas and all
    (
        "Η κράτηση, όπως σας είπα ήδη, είναι για δύο βράδια.",
        "el-as-i-said",
        "Η κράτηση είναι για δύο βράδια.",
    ),
    ("Η πισίνα προφανώς κλείνει στις 8.", "el-obviously", "Η πισίνα, όπως ίσως έχετε δει, κλείνει στις 8."),
    (
        "Το δωμάτιο, προφανώς, δεν ακυρώνεται.",
        "el-obviously",
        "Το δωμάτιο, όπως ίσως έχετε δει, δεν ακυρώνεται.",
    ),
    (
        "Κάνετε λάθος, η κράτηση ήταν για δύο βράδια.",
        "el-you-are-wrong",
        "Επιτρέψτε μου να διευκρινίσω: η κράτηση ήταν για δύο βράδια.",
    ),
    (
        "Δεν έχετε δίκιο. Το πρωινό σερβίρεται έως τις 10.",
        "el-you-are-wrong",
        "Επιτρέψτε μου να διευκρινίσω: το πρωινό σερβίρεται έως τις 10.",
    ),
    # a sentence-long suggestion takes the blaming sentence's place; the greeting stays
    (
        "Καλησπέρα σας, εσείς φταίτε για την καθυστέρηση. Θα σας στείλουμε νέο voucher.",
        "el-ftaite",
        "Καλησπέρα σας, ας δούμε μαζί τι συνέβη και πώς θα το λύσουμε. Θα σας στείλουμε νέο voucher.",
    ),
    (
        "Είναι λάθος σας που δεν ελέγξατε το email.",
        "el-your-fault",
        "Φαίνεται ότι κάτι δεν πήγε όπως έπρεπε· ας το διορθώσουμε μαζί.",
    ),
    (
        "Καταλάβατε; Η επιστροφή χρημάτων δεν ισχύει για προσφορές.",
        "el-understood",
        "Αν κάτι δεν είναι σαφές, θα χαρούμε να το εξηγήσουμε. Η επιστροφή χρημάτων δεν ισχύει για προσφορές.",
    ),
    (
        "Πρέπει να μας στείλετε το διαβατήριο.",
        "el-must-you",
        "Θα σας παρακαλούσαμε να μας στείλετε το διαβατήριο.",
    ),
    ("Ok, θα το κοιτάξουμε αύριο.", "el-ok", "Εντάξει, θα το κοιτάξουμε αύριο."),
    ("Τι εννοείτε?!? Σας το στείλαμε χθες.", "question", "Τι εννοείτε? Σας το στείλαμε χθες."),
    (
        "Ευχαριστούμε πολύ!!! Θα τα πούμε στο ξενοδοχείο.",
        "exclaim",
        "Ευχαριστούμε πολύ! Θα τα πούμε στο ξενοδοχείο.",
    ),
    (
        "γεια σου Μαρία, σε ευχαριστούμε για το μήνυμα.",
        "el-address-hello",
        "Γεια σας Μαρία, σε ευχαριστούμε για το μήνυμα.",
    ),
    ("Στείλε μας τον αριθμό κράτησης.", "el-address-imperative", "Στείλτε μας τον αριθμό κράτησης."),
    ("Το ticket σας έκλεισε χθες.", "el-ticket", "Το αίτημά σας έκλεισε χθες."),
    (
        "Esis ftaite gia tin kathisterisi. Tha sas steiloume neo voucher.",
        "el-ftaite",
        "As doume mazi ti synevi kai pos tha to lysoume. Tha sas steiloume neo voucher.",
    ),
    # English
    (
        "Hello, you owe us €45 for the minibar.",
        "en-owe",
        "Hello, our records show a balance of €45 for the minibar.",
    ),
    ("You still owe €120 for the deposit.", "en-owe", "Our records show a balance of €120 for the deposit."),
    ("You haven't paid the deposit yet.", "en-not-paid", "We haven't received the deposit yet."),
    ("You haven't paid for the room.", "en-not-paid", "We haven't yet received payment for the room."),
    (
        "As we have already explained, the refund takes 5 working days.",
        "en-as-i-said",
        "To recap: the refund takes 5 working days.",
    ),
    (
        "The refund, as I already said, takes 5 working days.",
        "en-as-i-said",
        "The refund takes 5 working days.",
    ),
    ("Obviously the pool closes at 8 pm.", "en-obviously", "As you may have seen, the pool closes at 8 pm."),
    (
        "You are wrong, the booking was for two nights.",
        "en-wrong",
        "Let me clarify: the booking was for two nights.",
    ),
    (
        "Hello Mr Smith, that's your fault. We can offer a new date.",
        "en-your-fault",
        "Hello Mr Smith, it looks like something didn't go as planned — let's fix it together. We can offer a new date.",
    ),
    ("WE DO NOT ACCEPT RETURNS AFTER 14 DAYS.", "caps", "We do not accept returns after 14 days."),
    (
        "Please send your IBAN by SMS, THIS IS VERY URGENT FOR US.",
        "caps",
        "Please send your IBAN by SMS, this is very urgent for us.",
    ),
    ("Hey Anna, your table is ready.", "en-hey", "Hello Anna, your table is ready."),
]


@pytest.mark.parametrize(
    ("text", "rule_id", "expected"), ONE, ids=[f"{r}-{i}" for i, (_, r, _) in enumerate(ONE)]
)
def test_one_suggestion_leaves_a_grammatical_sentence(text: str, rule_id: str, expected: str) -> None:
    result = apply_rule(text, rule_id)
    assert result == expected
    clean(result)


SEQUENCES = [
    (
        "Κύριε Παπαδόπουλε, δεν έχετε πληρώσει την προκαταβολή!! Χρωστάτε 80 €.",
        ["el-not-paid", "exclaim", "el-owe"],
        "Κύριε Παπαδόπουλε, δεν έχουμε λάβει ακόμη την προκαταβολή! Τα αρχεία μας δείχνουν υπόλοιπο 80 €.",
    ),
    (
        "Όπως σας είπα ήδη, χρωστάτε 40 € για το πάρκινγκ. Κάνετε λάθος, η χρέωση είναι σωστή.",
        ["el-as-i-said", "el-owe", "el-you-are-wrong"],
        "Για να το συνοψίσουμε: τα αρχεία μας δείχνουν υπόλοιπο 40 € για το πάρκινγκ. "
        "Επιτρέψτε μου να διευκρινίσω: η χρέωση είναι σωστή.",
    ),
    (
        "γεια σου Μαρία, μπορείς να μου στείλεις το ticket σου?",
        ["el-address-hello", "el-address-verbs", "el-address-verbs", "el-ticket", "el-address-pronoun"],
        "Γεια σας Μαρία, μπορείτε να μου στείλετε το αίτημά σας?",
    ),
    (
        "Hey guys, ur order is ready, thx!",
        ["en-hey", "en-text-speak", "en-text-speak"],
        "Hello, your order is ready, thanks!",
    ),
    (
        "As I already told you, you owe us €60. You are wrong, the minibar was used!!",
        ["en-as-i-said", "en-owe", "en-wrong", "exclaim"],
        "To recap: our records show a balance of €60. Let me clarify: the minibar was used!",
    ),
    (
        "Η κράτηση, όπως σας είπα ήδη, είναι για δύο βράδια. Εσείς φταίτε για τη σύγχυση!!",
        ["el-as-i-said", "el-ftaite"],
        "Η κράτηση είναι για δύο βράδια. Ας δούμε μαζί τι συνέβη και πώς θα το λύσουμε.",
    ),
]


@pytest.mark.parametrize(("text", "rule_ids", "expected"), SEQUENCES)
def test_several_suggestions_in_a_row(text: str, rule_ids: list[str], expected: str) -> None:
    # given a reply with several hints, when the agent applies them one after the other (re-checked each time)
    for rule_id in rule_ids:
        text = apply_rule(text, rule_id)
        clean(text)
    # then the reply reads as one grammatical text and those hints are gone
    assert text == expected
    assert not {h.rule_id for h in check_tone(text)} & set(rule_ids)


def test_fix_all_clicks_through_every_suggestion() -> None:
    text = "Όπως σας είπα ήδη, χρωστάτε 40 € για το πάρκινγκ!!"
    fixed = fix_all(text)
    assert fixed == "Για να το συνοψίσουμε: τα αρχεία μας δείχνουν υπόλοιπο 40 € για το πάρκινγκ!"
    assert not [h for h in check_tone(fixed) if h.category != "structure"]


@pytest.mark.parametrize(
    ("text", "rule_id"),
    [
        ("Δεν γίνεται τίποτα.", "el-nothing-to-do"),  # the agent has to say what can be done
        ("Μην το ξανακάνετε αυτό.", "el-dont-again"),
        ("You should have checked the dates.", "en-should-have"),
        ("No.", "en-curt"),
        ("ΔΕΝ ΕΠΙΣΤΡΕΦΟΥΜΕ ΧΡΗΜΑΤΑ.", "caps"),  # small letters would lose the accents
    ],
)
def test_advice_is_never_spliced_into_the_text(text: str, rule_id: str) -> None:
    hint = first_hint(text, rule_id)
    assert edits_for(text, hint, rule=rule_for(rule_id)) == []
    assert apply_suggestion(text, hint) == text


def test_a_house_rule_without_fits_is_fitted_by_its_punctuation() -> None:
    rules = compile_rules(
        [
            *default_rules(),
            ToneRule(
                id="house-noproblem",
                language="el",
                category="casual",
                pattern="κανενα προβλημα",
                message="",
                suggestion="ευχαρίστως",
                severity="warn",
            ),
            ToneRule(
                id="house-policy",
                language="en",
                category="negative",
                pattern="company policy says",
                message="",
                suggestion="Here is why we work this way:",
                severity="warn",
            ),
        ]
    )
    text = "Κανένα πρόβλημα, θα σας περιμένουμε."
    hint = next(h for h in check_tone(text, rules=rules) if h.rule_id == "house-noproblem")
    assert apply_suggestion(text, hint, rules=rules) == "Ευχαρίστως, θα σας περιμένουμε."
    text = "Company policy says no pets. Sorry."
    hint = next(h for h in check_tone(text, rules=rules) if h.rule_id == "house-policy")
    assert apply_suggestion(text, hint, rules=rules) == "Here is why we work this way: no pets. Sorry."


def test_a_shipped_rule_replaced_by_a_house_rule_loses_its_fits() -> None:
    rules = compile_rules(
        [
            *default_rules(),
            ToneRule(
                id="el-owe",
                language="el",
                category="blaming",
                pattern="χρωστατε",
                message="",
                suggestion="έχετε υπόλοιπο",
                severity="warn",
            ),
        ]
    )
    text = "Χρωστάτε 50 €."
    hint = check_tone(text, rules=rules)[0]
    assert apply_suggestion(text, hint, rules=rules) == "Έχετε υπόλοιπο 50 €."


def test_an_edit_is_a_plain_splice() -> None:
    text = "Σύμφωνα με το λογιστήριο, χρωστάτε 120 ευρώ."
    hint = first_hint(text, "el-owe")
    edit = plan(text, hint, rule=rule_for("el-owe"))
    assert isinstance(edit, Edit)
    assert apply_edit(text, edit) == text[: edit.start] + edit.text + text[edit.end :]
    assert edit.start <= hint.start
    assert edit.end >= hint.end


def test_refusals_with_an_alternative_are_not_flagged() -> None:
    for text in (
        "Δεν γίνεται, μπορούμε όμως να σας προτείνουμε άλλη ημερομηνία.",
        "Δυστυχώς δεν γίνεται τίποτα για την επιστροφή. Μπορούμε να σας δώσουμε ένα κουπόνι.",
        "There is nothing we can do about the fare, but we can offer a free upgrade.",
        "Den ginetai tipota, alla mporoume na sas steiloume voucher.",
    ):
        assert not [h for h in check_tone(text) if h.category == "negative"], text
    for text in ("Δυστυχώς δεν γίνεται τίποτα.", "There is nothing we can do.", "Den ginetai tipota."):
        assert [h for h in check_tone(text) if h.category == "negative"], text
