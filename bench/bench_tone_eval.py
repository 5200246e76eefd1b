"""The tone checker (pelatis.lang.tone) against the hand-labelled replies in pelatis/lang/data/tone_eval.tsv:
precision and recall per category and overall, against a naive keyword baseline scored on the same rows.
Needs no database."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from pelatis.lang.fold import fold, is_greek
from pelatis.lang.tone import CATEGORIES, check_tone

from .common import Report

EVAL = Path(__file__).resolve().parent.parent / "pelatis" / "lang" / "data" / "tone_eval.tsv"


@dataclass(frozen=True)
class Row:
    language: str
    split: str  # 'dev': looked at while the rules were improved; 'test': held out
    categories: frozenset[str]
    text: str

    @property
    def greeklish(self) -> bool:
        return self.language == "el" and not is_greek(self.text)


def load_eval(path: Path = EVAL) -> list[Row]:
    """The labelled rows; raises ValueError naming the line of a malformed one."""
    rows = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line or line.startswith("#") or line.startswith("language\t"):
            continue
        parts = line.split("\t")
        if (
            len(parts) != 4
            or parts[0] not in ("el", "en")
            or parts[1] not in ("dev", "test")
            or not parts[3].strip()
        ):
            raise ValueError(f"tone_eval.tsv line {number}: expected language, split, categories, text")
        labels = frozenset() if parts[2] == "-" else frozenset(parts[2].split(","))
        if not labels <= set(CATEGORIES):
            raise ValueError(f"tone_eval.tsv line {number}: unknown category in {parts[2]!r}")
        rows.append(Row(parts[0], parts[1], labels, parts[3]))
    return rows


def checker(text: str) -> frozenset[str]:
    """Categories the tone checker flags (language detected, formal address)."""
    return frozenset(h.category for h in check_tone(text))


_BASELINE = {
    "blaming": r"χρωστ|φται|λαθος|owe|fault|mistake|wrong|should have",
    "negative": r"δεν γινεται|αδυνατ|τιποτα|can't|cannot|nothing|impossible|\bno\b|\bnot\b",
    "imperative": r"πρεπει|μην |\bmust\b|don't",
    "casual": r"\bρε\b|χαχα|\bοκ\b|\bok\b|lol|hey|yeah",
    "jargon": r"ticket|bug|asap|escalat|backend",
    "address": r"\bσου\b|\bεσυ\b|\bμπορεισ\b",
}


def baseline(text: str) -> frozenset[str]:
    """A naive keyword spotter: a few obvious words per category, three capitals, !!, or three words at most."""
    folded = fold(text)
    out = {c for c, rx in _BASELINE.items() if re.search(rx, folded)}
    if "!!" in text or "?!" in text or re.search(r"\b[^\W\d_a-zα-ω]{5,}\b", text):
        out.add("shouting")
    if len(text.split()) <= 3:
        out.add("structure")
    return frozenset(out)


@dataclass(frozen=True)
class Score:
    tp: int
    fp: int
    fn: int

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def score(rows: Sequence[Row], predict: Callable[[str], frozenset[str]]) -> dict[str, Score]:
    """Per-category and overall ('all', micro-averaged over row × category) counts."""
    counts = {c: [0, 0, 0] for c in (*CATEGORIES, "all")}
    for row in rows:
        predicted = predict(row.text)
        for c in CATEGORIES:
            gold, got = c in row.categories, c in predicted
            k = 0 if gold and got else 1 if got else 2 if gold else -1
            if k >= 0:
                counts[c][k] += 1
                counts["all"][k] += 1
    return {c: Score(*v) for c, v in counts.items()}


def run(report: Report, work: Path | None = None) -> None:
    rows = load_eval()
    subsets = {
        "all": rows,
        "held-out test split": [r for r in rows if r.split == "test"],
        "Greek": [r for r in rows if r.language == "el" and not r.greeklish],
        "English": [r for r in rows if r.language == "en"],
        "Greeklish": [r for r in rows if r.greeklish],
    }
    for name, subset in subsets.items():
        ours, ref = score(subset, checker)["all"], score(subset, baseline)["all"]
        clean = sum(1 for r in subset if not r.categories)
        report.add("tone eval", f"{name} (n={len(subset)}, {clean} clean) precision / recall",
                   f"{ours.precision:.2f} / {ours.recall:.2f}",
                   reference=f"{ref.precision:.2f} / {ref.recall:.2f} keywords",
                   ratio=f"F1 {ours.f1 / ref.f1:.2f}×" if ref.f1 else "")  # fmt: skip
    ours_by, ref_by = score(rows, checker), score(rows, baseline)
    for c in CATEGORIES:
        o, b = ours_by[c], ref_by[c]
        if not o.tp + o.fn:
            continue
        report.add("tone eval", f"{c} (n={o.tp + o.fn}) precision / recall", f"{o.precision:.2f} / {o.recall:.2f}",
                   reference=f"{b.precision:.2f} / {b.recall:.2f} keywords",
                   ratio=f"F1 {o.f1 / b.f1:.2f}×" if b.f1 else "")  # fmt: skip


if __name__ == "__main__":
    r = Report()
    run(r)
    r.print()
