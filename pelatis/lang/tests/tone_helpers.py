"""Rule and hint helpers shared by the tone checker's tests."""

from __future__ import annotations

from pelatis.lang.tone import ToneHint, ToneRule


def make_rule(rule_id: str, pattern: str, *, category: str = "casual", severity: str = "warn") -> ToneRule:
    return ToneRule(
        id=rule_id,
        language="*",
        category=category,
        pattern=pattern,
        message="",
        suggestion="",
        severity=severity,
    )


def warnings(hints: list[ToneHint]) -> list[ToneHint]:
    return [h for h in hints if h.severity == "warn"]


def by_rule(hints: list[ToneHint], rule_id: str) -> ToneHint:
    matching = [h for h in hints if h.rule_id == rule_id]
    assert matching, f"{rule_id} not in {[(h.rule_id, h.matched) for h in hints]}"
    return matching[0]
