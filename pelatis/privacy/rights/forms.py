"""The erasure's confirmation: why, and the customer's number or name typed again."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from pelatis import lang
from pelatis.customers.models import Customer

from .erase import REASON_MAX


class EraseForm(forms.Form):
    reason = forms.CharField(
        label=_("Why"),
        max_length=REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": _("At most %(limit_value)d characters (you wrote %(show_value)d).")},
    )
    confirm = forms.CharField(
        label=_("Type the customer's number or name to confirm"),
        max_length=250,
    )

    def __init__(self, *args: Any, customer: Customer, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.customer = customer
        # The trail keeps the reason whole, so the field takes no more than the trail keeps.
        self.fields["reason"].help_text = gettext(
            "E.g. the customer's request by email of 12/03. At most %(max)d characters, kept in the audit trail."
        ) % {"max": REASON_MAX}

    def clean_confirm(self) -> str:
        typed = " ".join(self.cleaned_data["confirm"].split())
        if typed.lstrip("#") != str(self.customer.pk) and lang.fold(typed) != lang.fold(
            self.customer.display_name
        ):
            raise forms.ValidationError(_("This is neither the customer's number nor their name."))
        return typed
