"""The audit list's filters, read from the query string: a wrong value is named next to its field and
does not narrow the list."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from pelatis.core.audit import Action

from .queries import SYSTEM, AuditFilters, users_for_filter


class AuditFilterForm(forms.Form):
    customer = forms.CharField(
        label=_("Customer"),
        required=False,
        max_length=200,
        widget=forms.TextInput(
            attrs={"placeholder": _("#42, name, email or phone"), "type": "search", "autocomplete": "off"}
        ),
    )
    user = forms.ChoiceField(label=_("User"), required=False)
    action = forms.ChoiceField(label=_("Action"), required=False)
    date_from = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    date_to = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "audit_%s")
        super().__init__(*args, **kwargs)
        user_field = self.fields["user"]
        action_field = self.fields["action"]
        assert isinstance(user_field, forms.ChoiceField)  # noqa: S101 — declared above
        assert isinstance(action_field, forms.ChoiceField)  # noqa: S101 — declared above
        user_field.choices = [("", _("Everyone")), *users_for_filter(), (SYSTEM, _("The system (no user)"))]
        action_field.choices = [("", _("Any action")), *Action.choices]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("The end of the period is before its start."))
        return data

    def filters(self) -> AuditFilters:
        """The valid filters (call after ``is_valid()``); a field with an error does not narrow."""
        data = self.cleaned_data if hasattr(self, "cleaned_data") else {}
        return AuditFilters(
            customer=str(data.get("customer") or ""),
            user=str(data.get("user") or ""),
            action=str(data.get("action") or ""),
            date_from=data.get("date_from") if "date_to" not in self.errors else None,
            date_to=data.get("date_to") if "date_to" not in self.errors else None,
        )
