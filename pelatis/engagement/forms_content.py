"""Forms of the message-template pages: they only parse what was typed; the service checks it."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from pelatis.core.forms import ServiceErrorsMixin

from .models.content import Channel, Purpose

MAX_ROWS = 20  # language versions one form may carry


class TemplateForm(ServiceErrorsMixin, forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120, strip=True)
    channel = forms.ChoiceField(label=_("Channel"), choices=Channel.choices, initial=Channel.EMAIL)
    purpose = forms.ChoiceField(
        label=_("Purpose"),
        choices=Purpose.choices,
        initial=Purpose.MARKETING,
        help_text=_(
            "Consent is checked for this purpose when a message is sent; service messages are not capped."
        ),
    )
    fallback_language = forms.CharField(
        label=_("Fallback language"),
        max_length=10,
        initial="el",
        help_text=_("Customers whose language has no version get this one."),
        widget=forms.TextInput(attrs={"list": "language-codes", "autocomplete": "off"}),
    )
    rows = forms.IntegerField(widget=forms.HiddenInput, min_value=0, max_value=MAX_ROWS, required=False)


class VersionForm(ServiceErrorsMixin, forms.Form):
    """One language version; a row with neither subject nor text is left out."""

    language = forms.CharField(
        label=_("Language"),
        max_length=10,
        required=False,
        widget=forms.TextInput(attrs={"list": "language-codes", "autocomplete": "off", "size": 6}),
    )
    subject = forms.CharField(label=_("Subject"), max_length=200, required=False)
    body = forms.CharField(
        label=_("Text"), required=False, strip=False, widget=forms.Textarea(attrs={"rows": 8})
    )

    def is_blank(self) -> bool:
        data = self.cleaned_data if hasattr(self, "cleaned_data") else {}
        return not (str(data.get("subject") or "").strip() or str(data.get("body") or "").strip())


class PreviewSearchForm(forms.Form):
    q = forms.CharField(label=_("Customer"), max_length=100, required=False, strip=True)
    customer = forms.IntegerField(required=False, min_value=1)
