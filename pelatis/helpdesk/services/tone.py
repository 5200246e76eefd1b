"""The tone checker with the managers' own rules: shipped rules (pelatis.lang.tone) plus the
ToneRule rows, which add rules, replace shipped ones by id, or switch them off."""

from __future__ import annotations

from typing import cast

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Max
from django.utils.translation import gettext as _

from pelatis.lang import tone

from ..models import ToneRule

_cache: dict[str, object] = {"key": None, "rules": None}


def _compiled() -> tone.CompiledRules:
    """Shipped plus stored rules, recompiled only when the stored rules change."""
    stamp = ToneRule.objects.aggregate(n=Count("id"), last=Max("updated_at"))
    key = (stamp["n"], stamp["last"])
    if _cache["key"] != key:
        stored = list(ToneRule.objects.all())
        off = {r.rule_id for r in stored if not r.active}
        rules = [r for r in tone.default_rules() if r.id not in off] + [
            tone.ToneRule(
                id=r.rule_id,
                language=r.language,
                category=r.category,
                pattern=r.pattern,
                message=r.message,
                suggestion=r.suggestion,
                severity=r.severity,
                formal_only=r.formal_only,
            )
            for r in stored
            if r.active
        ]
        _cache["rules"], _cache["key"] = tone.compile_rules(rules), key
    return cast("tone.CompiledRules", _cache["rules"])  # set just above whenever the key changed


def tone_rules() -> tone.CompiledRules:
    """The rules in force: shipped plus the house rules."""
    return _compiled()


def tone_check(text: str, *, language: str | None = None, formal: bool = True) -> list[tone.ToneHint]:
    """Hints for a reply or a public answer, with the house rules."""
    return tone.check_tone(text, language=language, formal=formal, rules=_compiled())


@transaction.atomic
def tone_rule_save(
    *,
    rule_id: str,
    language: str,
    category: str,
    pattern: str,
    message: str,
    suggestion: str,
    severity: str = "warn",
    formal_only: bool = False,
    active: bool = True,
) -> ToneRule:
    """Create or update a house rule; a bad pattern is refused with the reason."""
    problem = tone.validate_pattern(pattern) if active else None
    if problem:
        raise ValidationError({"pattern": [problem]})
    if language not in ("el", "en", "*"):
        raise ValidationError({"language": [_("Use el, en or *.")]})
    rule, _created = ToneRule.objects.update_or_create(
        rule_id=rule_id,
        defaults={
            "language": language,
            "category": category,
            "pattern": pattern,
            "message": message,
            "suggestion": suggestion,
            "severity": severity,
            "formal_only": formal_only,
            "active": active,
        },
    )
    return rule
