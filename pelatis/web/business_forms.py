"""The business details form: it parses what was typed; the service checks the name, colour and logo."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from pelatis.core.business import DEFAULT_COLOUR, LOGO_MAX_BYTES, logo_too_big
from pelatis.core.forms import ServiceErrorsMixin
from pelatis.core.models import BusinessProfile


class BusinessProfileForm(ServiceErrorsMixin, forms.Form):
    name = forms.CharField(
        label=_("Business name"),
        max_length=120,
        required=False,
        help_text=_("As customers know you: shown on the support form, the portal and every email."),
    )
    legal_name = forms.CharField(
        label=_("Legal name"),
        max_length=200,
        required=False,
        help_text=_("The registered company name, for the foot of emails."),
    )
    address = forms.CharField(
        label=_("Address"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": _("Street and number\nPostcode, city")}),
    )
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)
    email = forms.EmailField(label=_("Email"), required=False)
    website = forms.URLField(label=_("Website"), required=False, assume_scheme="https")
    primary_colour = forms.CharField(
        label=_("Main colour"),
        max_length=20,
        required=False,
        help_text=_("A hex code such as #1a7f5a: buttons and links of the public pages and emails."),
        widget=forms.TextInput(
            attrs={"placeholder": DEFAULT_COLOUR, "spellcheck": "false", "autocomplete": "off"}
        ),
    )
    logo = forms.FileField(
        label=_("Logo"),
        required=False,
        help_text=_("PNG or JPEG, up to %(kb)s KB; shown about 40 pixels high.")
        % {"kb": LOGO_MAX_BYTES // 1024},
        widget=forms.ClearableFileInput(attrs={"accept": "image/png,image/jpeg"}),
    )
    remove_logo = forms.BooleanField(label=_("Remove the logo"), required=False)

    FIELDS = ("name", "legal_name", "address", "phone", "email", "website", "primary_colour")

    @classmethod
    def initial_for(cls, profile: BusinessProfile) -> dict[str, Any]:
        return {name: getattr(profile, name) for name in cls.FIELDS}

    def clean_logo(self) -> Any:
        upload = self.cleaned_data.get("logo")
        if upload and upload.size > LOGO_MAX_BYTES:
            raise logo_too_big(upload.size)  # refused before it is read
        return upload

    def logo_bytes(self) -> bytes | None:
        """The uploaded logo's bytes (read up to one byte over the limit, so a huge file is refused unread)."""
        upload = self.cleaned_data.get("logo")
        if not upload:
            return None
        upload.seek(0)
        return bytes(upload.read(LOGO_MAX_BYTES + 1))
