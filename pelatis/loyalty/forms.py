"""Loyalty's forms: they parse what was typed; the services decide what is valid and name the field."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import gettext_lazy as _

from pelatis.core.forms import ServiceErrorsMixin

from .models import LoyaltyProgramme, Reward, Tier
from .services.ledger import MAX_POINTS
from .services.programme import (
    PROGRAMME_FIELDS,
    PROGRAMME_LIMITS,
    REWARD_FIELDS,
    REWARD_LIMITS,
    TIER_FIELDS,
    TIER_LIMITS,
    range_errors,
)

MULTIPLIER_ROWS_EXTRA = 3


class _ModelFieldsForm(ServiceErrorsMixin, forms.Form):
    """A form over some of a model's fields: decimals typed and shown in the reader's format («1,5»), and
    the service's ranges checked with its words, so a wrong value shows with every other wrong one."""

    MODEL: type[Any]
    FIELDS: tuple[str, ...] = ()
    LIMITS: dict[str, tuple[Decimal, Decimal | None]] = {}
    ROWS: dict[str, int] = {}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        decimals = tuple(
            n for n in self.FIELDS if self.MODEL._meta.get_field(n).get_internal_type() == "DecimalField"
        )
        self.fields.update(forms.fields_for_model(self.MODEL, fields=self.FIELDS, localized_fields=decimals))
        for name in decimals:
            self.fields[name].widget.attrs["inputmode"] = "decimal"
        for name, (low, high) in self.LIMITS.items():
            field = self.fields[name]
            field.validators = [
                v for v in field.validators if not isinstance(v, MinValueValidator | MaxValueValidator)
            ]
            if not field.localize:  # a number input: the browser's hint (the page has novalidate)
                field.widget.attrs.update(
                    {"min": str(low), **({"max": str(high)} if high is not None else {})}
                )
        for name, rows in self.ROWS.items():
            self.fields[name].widget.attrs["rows"] = rows

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for name, messages in range_errors(data, self.LIMITS).items():
            self.add_error(name, messages)
        return data


class ProgrammeForm(_ModelFieldsForm):
    """The programme's rules (the category multipliers are rows of their own: MultiplierFormSet)."""

    ID_PREFIX = "programme"
    MODEL = LoyaltyProgramme
    FIELDS = PROGRAMME_FIELDS
    LIMITS = PROGRAMME_LIMITS


class MultiplierForm(forms.Form):
    category = forms.CharField(label=_("Category"), max_length=100, required=False)
    multiplier = forms.DecimalField(
        label=_("Multiplier"),
        required=False,
        localize=True,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
        min_value=Decimal("0"),
        max_value=Decimal("100"),
        decimal_places=2,
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        category = (data.get("category") or "").strip()
        multiplier = data.get("multiplier")
        if category and multiplier is None and "multiplier" not in self.errors:
            self.add_error("multiplier", _("Give the multiplier of this category (1 is the normal rate)."))
        if not category and multiplier is not None:
            self.add_error("category", _("Name the category this multiplier is for."))
        return data


class _MultiplierRows(forms.BaseFormSet):  # type: ignore[type-arg]  # django-stubs' BaseFormSet is generic
    def clean(self) -> None:
        seen: set[str] = set()
        for form in self.forms:
            category = (form.cleaned_data.get("category") or "").strip() if form.is_valid() else ""
            if category.casefold() in seen:
                form.add_error("category", _("This category is already in the list."))
            elif category:
                seen.add(category.casefold())

    def multipliers(self) -> dict[str, Decimal]:
        """``{category: multiplier}`` of the filled-in rows (call after is_valid)."""
        return {
            form.cleaned_data["category"].strip(): form.cleaned_data["multiplier"]
            for form in self.forms
            if (form.cleaned_data.get("category") or "").strip()
        }


MultiplierFormSet = forms.formset_factory(
    MultiplierForm, formset=_MultiplierRows, extra=MULTIPLIER_ROWS_EXTRA, max_num=200, validate_max=True
)


def multiplier_rows(programme: LoyaltyProgramme, data: Any = None) -> Any:
    """The formset of the programme's category multipliers, one row each plus empty rows to add."""
    initial = [
        {"category": category, "multiplier": Decimal(str(value))}
        for category, value in sorted(programme.category_multipliers.items())
    ]
    return MultiplierFormSet(data, initial=initial, prefix="mult")


class TierForm(_ModelFieldsForm):
    ID_PREFIX = "tier"
    MODEL = Tier
    FIELDS = TIER_FIELDS
    LIMITS = TIER_LIMITS
    ROWS = {"perks": 3}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["perks"].help_text = _("One perk per line.")


class RewardForm(_ModelFieldsForm):
    ID_PREFIX = "reward"
    MODEL = Reward
    FIELDS = REWARD_FIELDS
    LIMITS = REWARD_LIMITS
    ROWS = {"description": 2}


class RedeemForm(ServiceErrorsMixin, forms.Form):
    """At the counter: a reward from the catalogue, or a number of points with a reason."""

    ID_PREFIX = "redeem"
    FIELD_OF_ERROR = {"reward_id": "reward"}

    reward = forms.TypedChoiceField(label=_("Reward"), required=False, coerce=int, empty_value=None)
    points = forms.IntegerField(label=_("Points"), required=False, min_value=1, max_value=MAX_POINTS)
    reason = forms.CharField(label=_("Reason"), max_length=500, required=False)

    def __init__(self, *args: Any, rewards: list[Reward], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices: list[tuple[Any, Any]] = [("", _("— points instead —"))]
        choices += [
            (r.pk, _("%(name)s (%(points)s points)") % {"name": r.name, "points": r.points_cost})
            for r in rewards
        ]
        self.fields["reward"].choices = choices  # type: ignore[attr-defined]  # a TypedChoiceField

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("reward") is None and data.get("points") is None and not self.errors:
            self.add_error("points", _("Choose a reward, or give the points to redeem."))
        return data


class AdjustForm(ServiceErrorsMixin, forms.Form):
    ID_PREFIX = "adjust"

    points = forms.IntegerField(label=_("Points"), help_text=_("Positive adds, negative takes away."))
    reason = forms.CharField(label=_("Reason"), max_length=500, required=False)


class CreditForm(ServiceErrorsMixin, forms.Form):
    ID_PREFIX = "credit"

    points = forms.IntegerField(label=_("Points"), min_value=1, max_value=MAX_POINTS)
    reason = forms.CharField(label=_("Reason"), max_length=500, required=False)


class StatementPeriodForm(forms.Form):
    start = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    end = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if start and end and start > end:
            self.add_error("end", _("The end comes before the start."))
        return data
