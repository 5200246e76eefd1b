"""Forms of the public support pages. They only parse and validate what was typed; web.py acts on it."""

from __future__ import annotations

import functools
import zoneinfo

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from pelatis.customers.normalise import email_normalise, phone_normalise
from pelatis.helpdesk.models import Ticket

# What a customer may open from outside; "internal request" is for staff.
PUBLIC_TYPES = [
    (t.value, t.label)
    for t in (
        Ticket.Type.QUESTION,
        Ticket.Type.COMPLAINT,
        Ticket.Type.RETURN,
        Ticket.Type.CLAIM,
        Ticket.Type.COMPLIMENT,
    )
]
# A field a person never sees (hidden by CSS, skipped by the tab key) but a
# form-filling bot does: anything in it means the post is not from a human.
HONEYPOT = "website"
MESSAGE_MAX = 10_000


@functools.cache
def _time_zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


class _Honeypot(forms.Form):
    website = forms.CharField(
        required=False,
        label=_("Leave this field empty"),
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )


class SupportForm(_Honeypot):
    name = forms.CharField(
        label=_("Your name"), max_length=100, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    email = forms.EmailField(
        label=_("Email"),
        max_length=254,
        help_text=_("We answer here, and send you a link to follow your request."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    phone = forms.CharField(
        label=_("Phone"),
        required=False,
        max_length=40,
        help_text=_("Optional. Numbers without a country code are taken as Greek."),
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )
    type = forms.ChoiceField(
        label=_("What is it about?"),
        choices=PUBLIC_TYPES,
        initial=Ticket.Type.QUESTION,
        widget=forms.RadioSelect,
    )
    subject = forms.CharField(label=_("Subject"), max_length=200)
    message = forms.CharField(
        label=_("Message"), max_length=MESSAGE_MAX, widget=forms.Textarea(attrs={"rows": 7})
    )
    consent = forms.BooleanField(
        label=_(
            "I agree that my name, contact details and message are stored and used to answer this request."
        ),
        error_messages={"required": _("We can only take your request with your agreement to store it.")},
    )
    # Filled by the page's script with the browser's time zone, so that we
    # tell a new customer abroad the time of our answer in their own clock.
    time_zone = forms.CharField(required=False, max_length=60, widget=forms.HiddenInput)

    def clean_email(self) -> str:
        try:
            return email_normalise(self.cleaned_data["email"])
        except ValueError as exc:
            raise ValidationError(str(exc)) from exc

    def clean_phone(self) -> str:
        raw = self.cleaned_data["phone"]
        if not raw:
            return ""
        try:
            return phone_normalise(raw)
        except ValueError as exc:
            raise ValidationError(str(exc)) from exc

    def clean_time_zone(self) -> str:
        value = self.cleaned_data["time_zone"].strip()
        return value if value in _time_zones() else ""  # a wrong guess is no reason to refuse a request


class ReplyForm(_Honeypot):
    message = forms.CharField(
        label=_("Your reply"), max_length=MESSAGE_MAX, widget=forms.Textarea(attrs={"rows": 5})
    )
