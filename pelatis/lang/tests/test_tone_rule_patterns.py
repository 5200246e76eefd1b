"""Managers' own rules and the pattern language: compiled, validated, applied, deduplicated, and
never raising on any text."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pelatis.lang.tests.tone_helpers import by_rule, make_rule
from pelatis.lang.tone import ToneRule, check_tone, compile_rules, default_rules, validate_pattern
from pelatis.lang.tone.folding import _fold_mapped
from pelatis.lang.tone.patterns import _compile_pattern

# --- manager rules ------------------------------------------------------------------------------


def test_custom_manager_rule_is_compiled_and_applied() -> None:
    # given: a manager adds a rule for a word the hotel does not want used
    custom = ToneRule(
        id="hotel-cheap",
        language="el",
        category="casual",
        pattern="φθην*|τσαμπα",
        message="Δεν περιγράφουμε τις τιμές μας ως «φθηνές».",
        suggestion="οικονομικό",
        severity="warn",
    )
    rules = compile_rules([*default_rules(), custom])
    # when
    hints = check_tone("Καλησπέρα σας, το δωμάτιο είναι πολύ φθηνό.", language="el", rules=rules)
    # then
    hint = by_rule(hints, "hotel-cheap")
    assert hint.matched == "φθηνό"
    assert not [
        h for h in check_tone("Το δωμάτιο είναι πολύ φθηνό.", language="el") if h.rule_id == "hotel-cheap"
    ]


def test_a_manager_rule_with_a_default_id_replaces_it() -> None:
    default = {r.id: r for r in default_rules()}["el-owe"]
    softer = ToneRule(**{**default.__dict__, "severity": "hint"})
    rules = compile_rules([*default_rules(), softer])
    assert by_rule(check_tone("Χρωστάτε 20 €.", language="el", rules=rules), "el-owe").severity == "hint"
    assert len(rules) == len(default_rules())


@pytest.mark.parametrize(
    "pattern",
    [
        "",
        "re:(unclosed",
        "(σας|σου",
        "σας]",
        "[σας]",
        "a||b",
        "*",
        "... σας",
        "σας ...",
        "σας(σου)",
        "@nope",
        "re:x?",
    ],
)
def test_invalid_patterns_are_rejected(pattern: str) -> None:
    assert validate_pattern(pattern) is not None


def test_invalid_rule_names_its_id() -> None:
    with pytest.raises(ValueError, match="manager-7"):
        compile_rules([*default_rules(), make_rule("manager-7", "re:(")])
    with pytest.raises(ValueError, match="manager-8"):
        compile_rules([make_rule("manager-8", "ρε", category="rude")])


@pytest.mark.parametrize(
    ("pattern", "text", "expected"),
    [
        ("χρωστ*", "Μου χρωστούσατε", ["χρωστούσατε"]),
        ("σας [το] ειπα", "σας το είπα, σας είπα", ["σας το είπα", "σας είπα"]),
        ("μην ... ξανα*", "Μην το ξανακάνετε. Μην ανησυχείτε. Ξαναγράψτε", ["Μην το ξανακάνετε"]),
        ("follow-up", "a follow up, a followup, a follow-up", ["follow up", "followup", "follow-up"]),
        ("can't", "we can’t, we cant", ["can’t", "cant"]),
        ("ok?", "ok? ok ;", ["ok?", "ok ;"]),
        ("(σας|σου) (ειπα|ειπαμε) ηδη", "Σου είπαμε ήδη", ["Σου είπαμε ήδη"]),
        ("δεν", "δενδρο δεν", ["δεν"]),
        ("{δεν|μην} φταιτε", "Δεν φταίτε. Φταίτε!", ["Φταίτε"]),
        ("οφειλετε {να}", "Οφείλετε να έρθετε. Οφείλετε 5 €.", ["Οφείλετε"]),
        ("[θα] πρεπει να *ετε", "Θα πρέπει να στείλετε", ["Θα πρέπει να στείλετε"]),
    ],
)
def test_pattern_language(pattern: str, text: str, expected: list[str]) -> None:
    hints = check_tone(text, language="el", rules=compile_rules([make_rule("t", pattern)]))
    assert [h.matched for h in hints] == expected


def test_overlapping_hints_of_one_span_are_deduplicated() -> None:
    rules = [
        make_rule("a", "ρε", severity="hint"),
        make_rule("b", "re:ρε"),
        make_rule("c", "raw:ρε", category="jargon"),
    ]
    hints = check_tone("ρε", language="el", rules=compile_rules(rules))
    assert [(h.rule_id, h.severity) for h in hints] == [("b", "warn")]


# --- robustness and speed -----------------------------------------------------------------------

_FOLDED_KINDS = ("fold",)


@settings(max_examples=300, deadline=None)
@given(
    text=st.lists(
        st.sampled_from(
            list("αβγδεζηθικλμνξοπρστυφχψωάέήίόύώςΑΒΓΔΕΩΣΆΈ ρεσουxyzYOU oweQ!?;.,'’\n\u0301ßﬁ")
            + [
                "χρωστάτε",
                "you owe",
                "ΔΙΚΟ ΣΑΣ ΛΑΘΟΣ",
                "μην το ξανα",
                " ποτέ ",
                "!!!",
                "lol",
                "ticket",
                "xrwstate ",
            ]
        ),
        max_size=40,
    ).map("".join),
    language=st.sampled_from([None, "el", "en", "de", "und"]),
    formal=st.booleans(),
)
def test_check_tone_never_raises_and_offsets_fold_to_a_match(
    text: str, language: str | None, formal: bool
) -> None:
    rules = {r.id: r for r in default_rules()}
    for hint in check_tone(text, language=language, formal=formal):
        assert 0 <= hint.start < hint.end <= len(text)
        assert hint.matched == text[hint.start : hint.end]
        pattern = _compile_pattern(rules[hint.rule_id].pattern)
        if pattern.regex is None or pattern.kind not in ("fold", "raw") or not hint.matched.strip():
            continue
        fragment = hint.matched if pattern.kind == "raw" else _fold_mapped(hint.matched).text
        latin = not any("\u0370" <= ch <= "\u03ff" for ch in fragment)
        if rules[hint.rule_id].language == "el" and latin:  # a Greeklish match, found through phonetic keys
            continue
        assert pattern.regex.search(fragment), (hint.rule_id, hint.matched)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200))
def test_check_tone_never_raises_on_any_text(text: str) -> None:
    for hint in check_tone(text):
        assert 0 <= hint.start < hint.end <= len(text)
