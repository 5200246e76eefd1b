"""The segment editor's form: the name and description, and the filter tree posted as flat inputs.

Every input is named by its place in the tree, the same name the filter's errors use: ``op`` (the
whole filter's and/or), ``rules.1.group`` and ``rules.1.op`` (a group), ``rules.1.rules.0.field`` /
``.op`` / ``.value`` (``.value`` twice for "between", once per choice for lists) / ``.within_days``
(a rule). Buttons post ``action`` = ``add-rule:<group path>``, ``add-group:<group path>`` or
``remove:<node path>``; the editor is then drawn again from the changed tree (with htmx, or as a whole
page without JavaScript).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from pelatis.core.forms import ServiceErrorsMixin
from pelatis.core.segmentfields import LIST_OPS, NO_VALUE_OPS, SegmentField, operator_label

from .segments import MAX_DEPTH, MAX_RULES, segment_fields
from .segments.services import DESCRIPTION_MAX, NAME_MAX

_KEY = re.compile(r"^((?:rules\.\d{1,3}\.)+)(group|field|op|value|within_days)$")
_STEP = re.compile(r"rules\.(\d+)\.")


class SegmentForm(ServiceErrorsMixin, forms.Form):
    name = forms.CharField(label=_("Name"), max_length=NAME_MAX)
    description = forms.CharField(
        label=_("Description"),
        max_length=DESCRIPTION_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


def _blank_rule() -> dict[str, Any]:
    return {"field": "", "op": "", "value": ""}


def tree_from_post(data: QueryDict) -> dict[str, Any]:
    """The filter tree the editor's inputs describe (indices renumbered in order, so removals close gaps)."""
    nodes: dict[tuple[int, ...], dict[str, Any]] = {}
    for key in data:
        match = _KEY.match(key)
        if not match:
            continue
        place = tuple(int(i) for i in _STEP.findall(match[1]))
        nodes.setdefault(place, {})[match[2]] = (
            data.getlist(key) if match[2] == "value" else data.get(key, "")
        )
    root: dict[str, Any] = {"op": data.get("op") if data.get("op") in ("and", "or") else "and", "rules": []}
    built: dict[tuple[int, ...], dict[str, Any]] = {(): root}
    for place in sorted(nodes):
        parent = built.get(place[:-1])
        if parent is None or "rules" not in parent:
            continue  # a rule inside something that is not a group: dropped
        raw = nodes[place]
        if raw.get("group"):
            node: dict[str, Any] = {
                "op": raw.get("op") if raw.get("op") in ("and", "or") else "and",
                "rules": [],
            }
        else:
            node = _rule_from(raw)
        parent["rules"].append(node)
        built[place] = node
    if data.get("include_internal"):
        root["include_internal"] = True
    return root


def _rule_from(raw: dict[str, Any]) -> dict[str, Any]:
    key, op, values = raw.get("field", ""), raw.get("op", ""), raw.get("value", [])
    found = segment_fields().get(key)
    if found is not None and op not in found.ops():
        op = found.ops()[0]  # the field changed: start from its first operator
    rule: dict[str, Any] = {"field": key, "op": op}
    if op in NO_VALUE_OPS:
        pass
    elif op in LIST_OPS:
        rule["value"] = [v for v in values if v != ""]
    elif op == "between":
        rule["value"] = (values + ["", ""])[:2]
    else:
        rule["value"] = values[0] if values else ""
    if raw.get("within_days"):
        rule["within_days"] = raw["within_days"]
    return rule


def _node_at(tree: dict[str, Any], path: str) -> tuple[dict[str, Any] | None, int | None]:
    """The group holding the node at ``path`` (e.g. "rules.1.rules.0.") and its index; (group, None) for a group path."""
    steps = [int(i) for i in _STEP.findall(path)]
    group: Any = tree
    for depth, index in enumerate(steps):
        rules = group.get("rules") if isinstance(group, dict) else None
        if not isinstance(rules, list) or index >= len(rules):
            return None, None
        if depth == len(steps) - 1:
            return group, index
        group = rules[index]
    return group, None


def tree_apply(tree: dict[str, Any], action: str) -> dict[str, Any]:
    """The tree after an editor button: add a rule or a group to a group, or remove a node."""
    verb, _sep, path = action.partition(":")
    holder, index = _node_at(tree, path)
    if holder is None:
        return tree
    if verb == "remove" and index is not None:
        del holder["rules"][index]
        return tree
    target = holder["rules"][index] if index is not None else holder
    if not isinstance(target, dict) or "rules" not in target:
        return tree
    if _count_rules(tree) >= MAX_RULES:
        return tree
    if verb == "add-rule":
        target["rules"].append(_blank_rule())
    elif verb == "add-group" and path.count("rules.") < MAX_DEPTH - 1:
        target["rules"].append({"op": "and", "rules": [_blank_rule()]})
    return tree


def _count_rules(node: Any) -> int:
    if isinstance(node, dict) and isinstance(node.get("rules"), list):
        return sum(_count_rules(child) for child in node["rules"])
    return 1


# ---------------------------------------------------------------- what the editor template draws


@dataclass
class FieldGroup:
    label: str
    fields: list[tuple[str, str]]


@dataclass
class EditorNode:
    path: str  # "" for the whole filter, "rules.1." for a group or rule
    is_group: bool
    op: str = "and"
    depth: int = 1
    children: list[EditorNode] = field(default_factory=list)
    can_nest: bool = False
    field_key: str = ""
    field_label: str = ""
    op_label: str = ""
    kind: str = ""
    ops: list[tuple[str, str]] = field(default_factory=list)
    values: list[str] = field(default_factory=list)
    choices: list[tuple[str, str]] = field(default_factory=list)
    windowed: bool = False
    within_days: str = ""
    help_text: str = ""
    errors: dict[str, list[str]] = field(default_factory=dict)

    @property
    def value_labels(self) -> list[str]:
        """The values as people read them (a choice's label, yes/no), for the segment's summary."""
        named = dict(self.choices)
        if self.kind == "boolean":
            named = {"true": str(_("yes")), "false": str(_("no"))}
        return [named.get(v, v) for v in self.values]

    @property
    def needs_value(self) -> bool:
        return self.op not in NO_VALUE_OPS

    @property
    def is_list(self) -> bool:
        return self.op in LIST_OPS

    @property
    def is_between(self) -> bool:
        return self.op == "between"


def field_groups() -> list[FieldGroup]:
    """The fields for the field select, grouped by what they are about."""
    groups: dict[str, FieldGroup] = {}
    for key, f in segment_fields().items():
        label = str(f.group) or str(_("Other"))
        groups.setdefault(label, FieldGroup(label, [])).fields.append((key, str(f.label)))
    return list(groups.values())


def editor_tree(tree: Any, errors: dict[str, list[str]] | None = None) -> EditorNode:
    """The tree as the template draws it, each node with its own errors."""
    fields = segment_fields()
    errs = errors or {}
    return _group_node(tree if isinstance(tree, dict) else {}, "", 1, _Choices(fields), errs)


class _Choices(dict[str, SegmentField]):
    """The registry, with each field's choices read once per drawing (one query per field, not per rule)."""

    def __init__(self, fields: dict[str, SegmentField]) -> None:
        super().__init__(fields)
        self.read: dict[str, list[tuple[str, str]]] = {}

    def of(self, key: str) -> list[tuple[str, str]]:
        if key not in self.read:
            self.read[key] = self[key].choice_list()
        return self.read[key]


def _mine(path: str, errs: dict[str, list[str]], names: tuple[str, ...]) -> dict[str, list[str]]:
    return {name: errs[f"{path}{name}"] for name in names if f"{path}{name}" in errs}


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _group_node(
    node: dict[str, Any], path: str, depth: int, fields: _Choices, errs: dict[str, list[str]]
) -> EditorNode:
    out = EditorNode(
        path=path,
        is_group=True,
        op="or" if node.get("op") == "or" else "and",
        depth=depth,
        can_nest=depth < MAX_DEPTH,
        errors=_mine(path, errs, ("op", "rules")),
    )
    rules: list[Any] = node["rules"] if isinstance(node.get("rules"), list) else []
    for index, child in enumerate(rules):
        child_path = f"{path}rules.{index}."
        if isinstance(child, dict) and "rules" in child:
            out.children.append(_group_node(child, child_path, depth + 1, fields, errs))
        else:
            out.children.append(
                _rule_node(child if isinstance(child, dict) else {}, child_path, fields, errs)
            )
    return out


def _rule_node(node: dict[str, Any], path: str, fields: _Choices, errs: dict[str, list[str]]) -> EditorNode:
    key = _text(node.get("field"))
    found = fields.get(key)
    raw = node.get("value")
    values = (
        [str(v) for v in raw]
        if isinstance(raw, list)
        else ([] if raw is None else [str(raw).lower() if isinstance(raw, bool) else str(raw)])
    )
    out = EditorNode(
        path=path,
        is_group=False,
        field_key=key,
        values=values,
        errors=_mine(path, errs, ("field", "op", "value", "within_days")),
    )
    if found is not None:
        out.kind = found.kind
        out.ops = [(op, operator_label(found.kind, op)) for op in found.ops()]
        op = _text(node.get("op"))
        out.op = op if op in found.ops() else found.ops()[0]
        out.field_label = str(found.label)
        out.op_label = operator_label(found.kind, out.op)
        if found.kind in ("choice", "tags"):
            listed = fields.of(key)
            known = {code for code, _label in listed}
            # a value saved over the API that the list does not offer stays visible (and selected)
            out.choices = listed + [(v, v) for v in values if v not in known]
        out.windowed = found.windowed
        out.help_text = str(found.help_text)
        within = node.get("within_days")
        out.within_days = "" if within in (None, "") else str(within)
    return out
