"""The evaluation that decides whether stored sentiment is worth showing."""

from __future__ import annotations

import pytest

from bench.bench_sentiment import load_eval, metrics
from pelatis.lang.sentiment import LABELS, evaluation, sentiment


@pytest.mark.parametrize("language", ["el", "en"])
def test_accuracy_beats_the_majority_baseline(language: str) -> None:
    result = evaluation(language)
    assert result.n > 50
    assert result.baseline_accuracy < 0.5  # the set is balanced: a constant guess is weak
    assert result.accuracy > result.baseline_accuracy
    assert result.beats_baseline
    assert set(result.f1) == set(LABELS)
    assert all(0.0 < f <= 1.0 for f in result.f1.values())


@pytest.mark.parametrize("language", ["el", "en"])
def test_matches_the_benchmark_numbers(language: str) -> None:
    rows = [r for r in load_eval() if r[0] == language]
    gold = [r[1] for r in rows]
    accuracy, _macro, per_class = metrics(gold, [sentiment(r[3]).label for r in rows])
    result = evaluation(language)
    assert result.accuracy == pytest.approx(accuracy)
    assert result.f1 == pytest.approx(per_class)


def test_unknown_language_has_no_evidence_and_is_not_shown() -> None:
    result = evaluation("de")
    assert result.n == 0
    assert not result.beats_baseline


def test_is_cached() -> None:
    assert evaluation("el") is evaluation("el")
