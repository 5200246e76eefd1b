"""A segment's filter tree, checked and turned into one ``Q`` on Customer.

``{"op": "and"|"or", "rules": [rule | group, ...], "include_internal": false}``; a rule is ``{"field":
"<registry key>", "op": "<operator>", "value": ..., "within_days": N}`` (``within_days`` only on fields
that have a time window), a group is ``{"op": ..., "rules": [...]}``. Errors name their place in the
tree the way the editor names its inputs: ``rules.1.rules.0.value``.
"""

from __future__ import annotations

import functools
import operator
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext as _

from pelatis.core.hooks import contributions_by_key
from pelatis.core.segmentfields import SegmentField, parse_window
from pelatis.customers.models import Customer

MAX_DEPTH = 4  # the whole filter is level 1; groups inside groups up to this level
MAX_RULES = 100
INTERNAL_FIELD = "customer.category"


def segment_fields() -> dict[str, SegmentField]:
    """Every field the installed apps offer, by key."""
    return contributions_by_key("SEGMENT_FIELDS")


class _Compiler:
    def __init__(self) -> None:
        self.fields = segment_fields()
        self.errors: dict[str, list[str]] = {}
        self.rules = 0
        self.uses: set[str] = set()

    def error(self, path: str, message: str) -> None:
        self.errors.setdefault(path, []).append(message)

    def group(self, node: Any, prefix: str, depth: int) -> Q | None:
        if not isinstance(node, dict):
            self.error(prefix.rstrip(".") or "definition", _("Give a rule or a group of rules."))
            return None
        # the whole filter may leave out its "and": {} is every customer (the model's default)
        op = node.get("op", "and" if depth == 1 else None)
        if op not in ("and", "or"):
            self.error(f"{prefix}op", _("Choose “and” (all rules) or “or” (any rule)."))
        rules = node.get("rules", [])
        if not isinstance(rules, list):
            self.error(f"{prefix}rules", _("The rules must be a list."))
            return None
        if depth > 1 and not rules:
            self.error(f"{prefix}rules", _("This group is empty: add a rule or remove the group."))
        parts = []
        for index, child in enumerate(rules):
            path = f"{prefix}rules.{index}."
            if isinstance(child, dict) and "rules" in child:
                if depth >= MAX_DEPTH:
                    self.error(
                        f"{path}rules", _("Groups nest at most %(depth)d levels deep.") % {"depth": MAX_DEPTH}
                    )
                    continue
                part = self.group(child, path, depth + 1)
            else:
                part = self.rule(child, path)
            if part is not None:
                parts.append(part)
        if not parts or op not in ("and", "or"):
            return Q() if not rules else None
        return functools.reduce(operator.and_ if op == "and" else operator.or_, parts)

    def rule(self, node: Any, prefix: str) -> Q | None:
        self.rules += 1
        if self.rules == MAX_RULES + 1:
            self.error(f"{prefix}field", _("A segment has at most %(n)d rules.") % {"n": MAX_RULES})
        if not isinstance(node, dict):
            self.error(prefix.rstrip("."), _("Give a rule or a group of rules."))
            return None
        key = node.get("field")
        field = self.fields.get(key) if isinstance(key, str) else None
        if field is None:
            if key in (None, ""):
                self.error(f"{prefix}field", _("Choose a field."))
            else:
                self.error(f"{prefix}field", _("Unknown field “%(field)s”.") % {"field": str(key)[:80]})
            return None
        assert isinstance(key, str)  # noqa: S101 — narrowed by the registry lookup above
        self.uses.add(key)
        op = node.get("op")
        if op not in field.ops():
            self.error(f"{prefix}op", _("Choose one of the operators this field offers."))
            return None
        within = node.get("within_days")
        if within not in (None, "") and not field.windowed:
            self.error(f"{prefix}within_days", _("This field has no time window."))
            return None
        try:
            value = field.parse(op, node.get("value"))
        except ValidationError as exc:
            self.error(f"{prefix}value", " ".join(exc.messages))
            return None
        window = None
        if field.windowed:
            try:
                window = parse_window(within)
            except ValidationError as exc:
                self.error(f"{prefix}within_days", " ".join(exc.messages))
                return None
        return field.build(op, value, window)


def _has_nul(tree: Any) -> bool:
    stack = [tree]
    while stack:
        item = stack.pop()
        if isinstance(item, str) and "\x00" in item:
            return True
        if isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list | tuple):
            stack.extend(item)
    return False


def definition_q(definition: Any) -> Q:
    """The filter of a definition on Customer, merged and (unless asked for) internal customers left out;
    ValidationError ``{path: [messages]}`` naming every bad rule."""
    if _has_nul(definition):
        # PostgreSQL can store no NUL in text or JSON: refused here, whatever key carries it
        raise ValidationError({"definition": [_("The filter contains a NUL character.")]})
    compiler = _Compiler()
    q = compiler.group(definition, "", 1)
    if isinstance(definition, dict) and not isinstance(definition.get("include_internal", False), bool):
        compiler.error("include_internal", _("Choose yes or no."))
    if compiler.errors or q is None:
        raise ValidationError(compiler.errors or {"definition": [_("Give a rule or a group of rules.")]})
    q &= Q(merged_into__isnull=True)
    if not (definition.get("include_internal") or INTERNAL_FIELD in compiler.uses):
        q &= ~Q(category=Customer.Category.INTERNAL)
    return q


def definition_validate(definition: Any) -> None:
    """Raises ValidationError naming each bad rule (``rules.2.value``); builds no query."""
    definition_q(definition)
