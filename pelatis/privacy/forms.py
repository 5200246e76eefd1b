"""The agent's form: a consent the customer gave or withdrew by phone, in person or in writing."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from pelatis.core.forms import ServiceErrorsMixin

from .models import ConsentChannel, Purpose
from .services import NOTE_MAX, WORDING_MAX


class ConsentRecordForm(ServiceErrorsMixin, forms.Form):
    ID_PREFIX = "consent"

    purpose = forms.ChoiceField(label=_("Purpose"), choices=Purpose.choices)
    channel = forms.ChoiceField(label=_("Channel"), choices=ConsentChannel.choices)
    granted = forms.TypedChoiceField(
        label=_("The customer"),
        choices=[("yes", _("gives consent")), ("no", _("withdraws consent"))],
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
    )
    wording = forms.CharField(
        label=_("Wording read out or shown"),
        max_length=WORDING_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The exact sentence the customer agreed to or refused, as you said it."),
    )
    note = forms.CharField(label=_("Note"), max_length=NOTE_MAX, required=False)
