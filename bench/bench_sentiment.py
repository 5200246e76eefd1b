"""Sentiment of customer feedback (pelatis.lang.sentiment) on the hand-labelled evaluation set,
against the majority-class baseline on the same texts, plus throughput. Needs no database."""

from __future__ import annotations

import time
from collections import Counter
from pathlib import Path

from pelatis.lang import is_greek
from pelatis.lang.sentiment import LABELS, sentiment

from .common import Report, scale

EVAL = Path(__file__).resolve().parent.parent / "pelatis" / "lang" / "data" / "sentiment_eval.tsv"


def load_eval(path: Path = EVAL) -> list[tuple[str, str, str, str]]:
    """(language, label, split, text) rows of the evaluation set."""
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line or line.startswith("#") or line.startswith("language\t"):
            continue
        lang, label, split, text = line.split("\t")
        rows.append((lang, label, split, text))
    return rows


def f1_scores(gold: list[str], pred: list[str]) -> dict[str, float]:
    """Per-class F1 over LABELS."""
    out = {}
    for c in LABELS:
        tp = sum(1 for g, p in zip(gold, pred, strict=True) if g == c and p == c)
        fp = sum(1 for g, p in zip(gold, pred, strict=True) if g != c and p == c)
        fn = sum(1 for g, p in zip(gold, pred, strict=True) if g == c and p != c)
        out[c] = 2 * tp / (2 * tp + fp + fn) if tp else 0.0
    return out


def metrics(gold: list[str], pred: list[str]) -> tuple[float, float, dict[str, float]]:
    """Accuracy, macro-F1 and per-class F1."""
    acc = sum(1 for g, p in zip(gold, pred, strict=True) if g == p) / len(gold)
    per = f1_scores(gold, pred)
    return acc, sum(per.values()) / len(per), per


def run(report: Report, work: Path | None = None) -> None:
    rows = load_eval()
    preds = [sentiment(text).label for _, _, _, text in rows]
    subsets = {}
    for lang in ("el", "en"):
        subsets[f"{lang} all"] = [i for i, r in enumerate(rows) if r[0] == lang]
        for split in ("dev", "test"):
            subsets[f"{lang} {split}"] = [i for i, r in enumerate(rows) if r[0] == lang and r[2] == split]
    # Greeklish: Greek rows written in Latin script
    subsets["Greeklish all"] = [i for i, r in enumerate(rows) if r[0] == "el" and not is_greek(r[3])]
    for name, idx in subsets.items():
        gold = [rows[i][1] for i in idx]
        pred = [preds[i] for i in idx]
        majority = Counter(gold).most_common(1)[0][0]
        acc, macro, per = metrics(gold, pred)
        b_acc, b_macro, _ = metrics(gold, [majority] * len(gold))
        report.add("sentiment", f"{name} accuracy (n={len(idx)})", f"{acc:.3f}", reference=f"{b_acc:.3f} majority",
                   ratio=f"{acc / b_acc:.2f}×")  # fmt: skip
        report.add("sentiment", f"{name} macro-F1", f"{macro:.3f}", reference=f"{b_macro:.3f} majority",
                   ratio=f"{macro / b_macro:.2f}×" if b_macro else "")  # fmt: skip
        report.add("sentiment", f"{name} F1 pos/neu/neg", " / ".join(f"{per[c]:.2f}" for c in LABELS))
    texts = [r[3] for r in rows]
    rounds = scale(20)
    started = time.perf_counter()
    for _ in range(rounds):
        for t in texts:
            sentiment(t)
    elapsed = time.perf_counter() - started
    report.add("sentiment", "throughput, language detected", f"{rounds * len(texts) / elapsed:,.0f} texts/s")
    started = time.perf_counter()
    for _ in range(rounds):
        for lang, _, _, t in rows:
            sentiment(t, language=lang)
    elapsed = time.perf_counter() - started
    report.add("sentiment", "throughput, language given", f"{rounds * len(texts) / elapsed:,.0f} texts/s")


if __name__ == "__main__":
    r = Report()
    run(r)
    r.print()
