from __future__ import annotations

import pytest

from bench.bench_sentiment import load_eval, metrics
from pelatis.lang.sentiment import Sentiment, sentiment


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("Πολύ καθαρό δωμάτιο και ευγενικό προσωπικό. Θα ξαναέρθουμε!", "positive"),
        ("ΥΠΕΡΟΧΑ ΟΛΑ, ευχαριστούμε!", "positive"),
        ("Βρώμικο δωμάτιο και αγενής υπάλληλος. Απαράδεκτο.", "negative"),
        ("Ζητώ επιστροφή χρημάτων, η καθυστέρηση ήταν τραγική.", "negative"),
        ("Θα ήθελα να κλείσω δίκλινο για τις 12 Αυγούστου.", "neutral"),
        ("Lovely stay, spotless room, we would recommend it to anyone.", "positive"),
        ("The receptionist was rude and the room was dirty. Never again.", "negative"),
        ("Could you send me the invoice for order 1182?", "neutral"),
    ],
)
def test_clear_examples(text: str, label: str) -> None:
    assert sentiment(text).label == label


@pytest.mark.parametrize(
    "text",
    [
        "Δεν ήταν καλό το φαγητό.",
        "Καθόλου ευχαριστημένος.",
        "Δεν θα ξαναέρθουμε.",
        "It was not good.",
        "We won't come back.",
    ],
)
def test_negation_flips_positive_words(text: str) -> None:
    result = sentiment(text)
    assert result.label == "negative", result


def test_negated_negative_is_not_negative() -> None:
    assert sentiment("Δεν είχαμε κανένα πρόβλημα.").label != "negative"
    assert sentiment("No problems at all, not bad.").label != "negative"


def test_intensifiers_and_emphasis_raise_the_score() -> None:
    plain, very = sentiment("Καλό ξενοδοχείο"), sentiment("Πολύ καλό ξενοδοχείο")
    assert very.score > plain.score > 0
    assert sentiment("good hotel!!!").score > sentiment("good hotel").score
    assert sentiment("It was AWFUL, really").score < sentiment("It was awful, really").score
    assert sentiment("λίγο βρώμικο").score > sentiment("βρώμικο").score


def test_contrast_clause_after_weighs_more() -> None:
    assert sentiment("Ευγενικό προσωπικό, αλλά το δωμάτιο ήταν βρώμικο.").label == "negative"
    assert sentiment("Το δωμάτιο ήταν μικρό, αλλά πεντακάθαρο και υπέροχο.").label == "positive"
    assert sentiment("Great location, but the room was filthy.").label == "negative"
    assert sentiment("A bit noisy but the staff were lovely.").label == "positive"


def test_greeklish() -> None:
    assert sentiment("Teleia ola, efxaristoume poly!").label == "positive"
    assert sentiment("Aparadekto, to dwmatio htan vrwmiko.").label == "negative"
    bad = sentiment("Den htan kalo to fagito, den tha ksanaerthoume.")
    assert (bad.label, bad.language) == ("negative", "el")
    assert sentiment("Yparxei parking sto ksenodoxeio?").label == "neutral"


def test_emoticons_and_emoji() -> None:
    assert sentiment("Ήρθε η παραγγελία 😍").label == "positive"
    assert sentiment("Order arrived :(").label == "negative"


def test_accents_and_case_do_not_matter() -> None:
    assert sentiment("απαραδεκτο").label == sentiment("ΑΠΑΡΆΔΕΚΤΟ").label == "negative"


@pytest.mark.parametrize("text", ["", "   ", "\n", "12345", "..."])
def test_empty_or_wordless_text_is_neutral(text: str) -> None:
    result = sentiment(text)
    assert isinstance(result, Sentiment)
    assert (result.label, result.score, result.cues) == ("neutral", 0.0, ())


def test_result_shape() -> None:
    result = sentiment("Υπέροχη διαμονή", language="el")
    assert result.language == "el"
    assert -1.0 <= result.score <= 1.0
    assert result.cues == ("Υπέροχη",)
    assert sentiment("Δεν ήταν καλό").cues == ("Δεν … καλό",)


@pytest.mark.parametrize(("lang", "floor"), [("el", 0.85), ("en", 0.82)])
def test_accuracy_floor_on_eval_set(lang: str, floor: float) -> None:
    rows = [r for r in load_eval() if r[0] == lang]
    assert len(rows) >= 100
    gold = [label for _, label, _, _ in rows]
    pred = [sentiment(text).label for _, _, _, text in rows]
    acc, macro, _ = metrics(gold, pred)
    majority = max(gold.count(c) for c in set(gold)) / len(gold)
    assert acc >= floor, acc
    assert macro >= floor - 0.02, macro
    assert acc >= majority + 0.4


def test_held_out_split_floor() -> None:
    rows = [r for r in load_eval() if r[2] == "test"]
    pred = [sentiment(text).label for _, _, _, text in rows]
    acc, _, _ = metrics([r[1] for r in rows], pred)
    assert acc >= 0.82, acc


def test_eval_set_is_balanced_and_big_enough() -> None:
    rows = load_eval()
    assert len(rows) >= 240
    for lang in ("el", "en"):
        labels = [r[1] for r in rows if r[0] == lang]
        assert min(labels.count(c) for c in ("positive", "neutral", "negative")) >= 0.3 * len(labels)
    assert {r[2] for r in rows} == {"dev", "test"}


@pytest.mark.parametrize(
    "text",
    [
        "Μας χρέωσαν δύο φορές την προκαταβολή και κανείς δεν απαντά!",
        "Κανείς δεν ήταν ευγενικός.",
        "Τίποτα δεν λειτουργούσε σωστά.",
    ],
)
def test_greek_negative_concord_is_not_a_double_negative(text: str) -> None:
    assert sentiment(text).label == "negative"
