"""Segment fields: what a segment rule can test about a customer, declared by the app that owns the data.

An app declares ``SEGMENT_FIELDS = {"<area>.<name>": SegmentField(...)}`` in its ``hooks.py``; engagement
reads them with ``pelatis.core.hooks.contributions_by_key("SEGMENT_FIELDS")`` and never imports the app.
A field knows its label, the kind of value it takes (which decides the operators and the input the
editor shows), how to read a raw value (with an error that says what it accepts) and how to turn
``(operator, value)`` into a ``Q`` on Customer. The ``Q`` is set-based (``pk IN (subquery)``, ``NOT
EXISTS``, aggregates with ``HAVING``): never a Python list of ids. Imports no app.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .builders import (
    Builder,
    absent,
    aggregate,
    column,
    column_date,
    column_days_ago,
    count_of,
    related,
    related_days_ago,
    tag_set,
)

__all__ = [
    "absent",
    "KINDS",
    "LIST_OPS",
    "NO_VALUE_OPS",
    "Builder",
    "Kind",
    "SegmentField",
    "aggregate",
    "column",
    "column_date",
    "column_days_ago",
    "count_of",
    "operator_label",
    "parse_window",
    "related",
    "related_days_ago",
    "tag_set",
]

Kind = Literal["text", "number", "money", "date", "days_ago", "choice", "boolean", "tags"]
KINDS: tuple[str, ...] = ("text", "number", "money", "date", "days_ago", "choice", "boolean", "tags")

OPERATORS: dict[str, Promise] = {
    "eq": gettext_lazy("is"),
    "ne": gettext_lazy("is not"),
    "contains": gettext_lazy("contains"),
    "startswith": gettext_lazy("starts with"),
    "gt": gettext_lazy("more than"),
    "gte": gettext_lazy("at least"),
    "lt": gettext_lazy("less than"),
    "lte": gettext_lazy("at most"),
    "between": gettext_lazy("between"),
    "before": gettext_lazy("before"),
    "after": gettext_lazy("after"),
    "in": gettext_lazy("is one of"),
    "not_in": gettext_lazy("is none of"),
    "any": gettext_lazy("has any of"),
    "all": gettext_lazy("has all of"),
    "none": gettext_lazy("has none of"),
    "isnull": gettext_lazy("is empty"),
    "notnull": gettext_lazy("is set"),
}
# Where a kind reads an operator differently from the plain word.
_KIND_LABELS: dict[tuple[str, str], Promise] = {
    ("days_ago", "lt"): gettext_lazy("within the last … days"),
    ("days_ago", "gt"): gettext_lazy("more than … days ago"),
    ("days_ago", "isnull"): gettext_lazy("never"),
    ("days_ago", "notnull"): gettext_lazy("ever"),
}
DEFAULT_OPERATORS: dict[str, tuple[str, ...]] = {
    "text": ("eq", "ne", "contains", "startswith", "isnull", "notnull"),
    "number": ("gt", "gte", "lt", "lte", "eq", "ne", "between"),
    "money": ("gt", "gte", "lt", "lte", "between"),
    "date": ("before", "after", "eq", "between", "isnull", "notnull"),
    "days_ago": ("lt", "gt", "isnull", "notnull"),
    "choice": ("eq", "ne", "in", "not_in"),
    "boolean": ("eq",),
    "tags": ("any", "all", "none"),
}
NO_VALUE_OPS = frozenset({"isnull", "notnull"})
LIST_OPS = frozenset({"in", "not_in", "any", "all", "none"})
MAX_LIST = 200
MAX_TEXT = 200
MAX_NUMBER = Decimal("1e12")
MAX_DAYS = 36500


def operator_label(kind: str, op: str) -> str:
    """The operator as the editor shows it for a field of this kind."""
    label = _KIND_LABELS.get((kind, op)) or OPERATORS.get(op)
    return str(label) if label is not None else op


@dataclass(frozen=True)
class SegmentField:
    """One thing a rule can test. ``build(op, value, within_days)`` gets a value already read by
    :meth:`parse`; ``within_days`` is set only on ``windowed`` fields (e.g. "bought in the last 90 days")."""

    label: str | Promise
    kind: Kind
    build: Builder
    group: str | Promise = ""
    operators: tuple[str, ...] = ()
    choices: Callable[[], Sequence[tuple[str, str]]] | None = None
    # Static choices (a fixed list): values outside it are refused. Data-driven lists (categories,
    # cities) only suggest: a rule may name a value no customer has yet.
    strict_choices: bool = False
    windowed: bool = False
    help_text: str | Promise = ""
    # A check (and conversion) of each value after the kind's reader, e.g. an id that must be a number.
    clean: Callable[[Any], Any] | None = None

    def ops(self) -> tuple[str, ...]:
        return self.operators or DEFAULT_OPERATORS[self.kind]

    def choice_list(self) -> list[tuple[str, str]]:
        return [(str(k), str(v)) for k, v in self.choices()] if self.choices else []

    def q(self, op: str, value: Any, within_days: Any = None) -> Q:
        """The filter on Customer for ``op`` and a raw ``value``; raises ValidationError when either is bad."""
        if op not in self.ops():
            raise ValidationError(_("Choose one of the operators this field offers."))
        window = parse_window(within_days) if self.windowed else None
        return self.build(op, self.parse(op, value), window)

    def parse(self, op: str, raw: Any) -> Any:
        """The value in its stored form (Decimal, date, int, list...); ValidationError says what is expected."""
        if op in NO_VALUE_OPS:
            return None
        if op in LIST_OPS or (self.kind == "tags"):
            items = raw if isinstance(raw, list | tuple) else [raw]
            items = [i for i in items if i not in (None, "")]
            if not items:
                raise ValidationError(_("Choose at least one value."))
            if len(items) > MAX_LIST:
                raise ValidationError(_("At most %(n)d values.") % {"n": MAX_LIST})
            return list(dict.fromkeys(self._scalar(i) for i in items))
        if op == "between":
            if not isinstance(raw, list | tuple) or len(raw) != 2:
                raise ValidationError(_("Give two values: from and to."))
            low, high = self._scalar(raw[0]), self._scalar(raw[1])
            if low > high:
                raise ValidationError(_("The first value must not be greater than the second."))
            return [low, high]
        return self._scalar(raw)

    def _scalar(self, raw: Any) -> Any:
        if isinstance(raw, dict):
            raise ValidationError(_("Give one value (a text, number or date), not an object."))
        if isinstance(raw, list | tuple):
            raise ValidationError(_("Give one value, not a list."))
        reader = _READERS[self.kind]
        value = reader(raw)
        if self.clean is not None:
            value = self.clean(value)
        if self.kind == "choice" and self.strict_choices and value not in dict(self.choice_list()):
            raise ValidationError(_("“%(value)s” is not one of the choices.") % {"value": value})
        return value


def parse_window(raw: Any) -> int | None:
    """The optional "in the last N days" of a windowed field: None, or 1 to 36500."""
    if raw in (None, ""):
        return None
    days = _days(raw)
    if days < 1:
        raise ValidationError(_("Give a number of days from 1 to %(max)d.") % {"max": MAX_DAYS})
    return days


def _text(raw: Any) -> str:
    if not isinstance(raw, str | int):
        raise ValidationError(_("Give a text."))
    if isinstance(raw, str) and "\x00" in raw:
        raise ValidationError(_("The text contains a NUL character."))
    text = " ".join(str(raw).split())
    if not text:
        raise ValidationError(_("Give a value."))
    if len(text) > MAX_TEXT:
        raise ValidationError(_("At most %(n)d characters.") % {"n": MAX_TEXT})
    return text


def _number(raw: Any) -> Decimal:
    if isinstance(raw, bool) or not isinstance(raw, str | int | float | Decimal):
        raise ValidationError(_("Give a number, e.g. 12 or 12,50."))
    text = str(raw).strip().replace(" ", "")
    # Greek writes 1.234,50: a comma is the decimal mark, dots before it group thousands.
    if "," in text:
        text = text.replace(".", "").replace(",", ".")
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise ValidationError(
            _("“%(value)s” is not a number, e.g. 12 or 12,50.") % {"value": str(raw)[:40]}
        ) from None
    if not value.is_finite() or abs(value) >= MAX_NUMBER:
        raise ValidationError(_("Give a number below a trillion."))
    return value


def _money(raw: Any) -> Decimal:
    return _number(raw).quantize(Decimal("0.01"))


_DMY = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")


def _date(raw: Any) -> dt.date:
    if isinstance(raw, dt.datetime):
        raw = raw.date()
    if isinstance(raw, dt.date):
        value = raw
    else:
        text = str(raw).strip() if isinstance(raw, str) else ""
        try:
            match = _DMY.match(text)
            if match:
                value = dt.date(int(match[3]), int(match[2]), int(match[1]))
            else:
                value = dt.date.fromisoformat(text)
        except ValueError:
            raise ValidationError(
                _("“%(value)s” is not a date: write it as 2026-04-12 or 12/04/2026.")
                % {"value": str(raw)[:40]}
            ) from None
    if not 1900 <= value.year <= 2200:
        raise ValidationError(_("Use a date between the years 1900 and 2200."))
    return value


def _days(raw: Any) -> int:
    if isinstance(raw, bool):
        raw = None
    try:
        days = int(str(raw).strip()) if isinstance(raw, str | int) else None
    except ValueError:
        days = None
    if days is None or not 0 <= days <= MAX_DAYS:
        raise ValidationError(_("Give a number of days from 0 to %(max)d.") % {"max": MAX_DAYS})
    return days


_TRUE = {"true", "yes", "1", "on", "ναι"}
_FALSE = {"false", "no", "0", "off", "όχι"}


def _boolean(raw: Any) -> bool:
    if isinstance(raw, bool):
        return raw
    text = str(raw).strip().lower() if isinstance(raw, str | int) else ""
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ValidationError(_("Choose yes or no."))


_READERS: dict[str, Callable[[Any], Any]] = {
    "text": _text,
    "number": _number,
    "money": _money,
    "date": _date,
    "days_ago": _days,
    "choice": _text,
    "boolean": _boolean,
    "tags": _text,
}
