"""Staff UI forms. They only parse what was typed; the services validate and
their ValidationError is mapped back onto these fields."""

from __future__ import annotations

import functools
import zoneinfo
from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from pelatis.web.forms import ServiceErrorsMixin

from .inputs import CustomerInput
from .models import Customer
from .normalise import phone_display
from .queries import companies_for_choice

# Languages offered first in the form; any ISO code is accepted.
COMMON_LANGUAGES = ("el", "en", "de", "fr", "it", "es", "nl", "ru", "bg", "ro", "tr", "sq", "pl", "sv", "he", "zh", "ja")


@functools.cache
def time_zone_names() -> list[str]:
    return sorted(z for z in zoneinfo.available_timezones() if "/" in z and not z.startswith(("Etc/", "SystemV/")))


def _lines(text: str) -> list[str]:
    """One value per line (commas and semicolons also separate), blanks dropped."""
    parts = (text or "").replace(";", "\n").replace(",", "\n").splitlines()
    return [p.strip() for p in parts if p.strip()]


class CustomerForm(ServiceErrorsMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=Customer.Kind.choices, widget=forms.RadioSelect,
                             initial=Customer.Kind.PERSON)
    category = forms.ChoiceField(label=_("Customer type"), choices=Customer.Category.choices,
                                 initial=Customer.Category.EXTERNAL)
    title = forms.CharField(label=_("Form of address"), required=False, max_length=30,
                            help_text=_("e.g. κ., κα, Dr, Herr"))
    first_name = forms.CharField(label=_("First name"), required=False, max_length=100)
    last_name = forms.CharField(label=_("Last name"), required=False, max_length=100)
    company_name = forms.CharField(label=_("Company name"), required=False, max_length=200)
    company = forms.ModelChoiceField(label=_("Works at company"), queryset=Customer.objects.none(), required=False,
                                     empty_label=_("— none —"))
    job_title = forms.CharField(label=_("Job title / department"), required=False, max_length=120)
    formal = forms.BooleanField(label=_("Address formally (plural of politeness)"), required=False, initial=True)
    emails = forms.CharField(label=_("Emails"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
                             help_text=_("One per line; the first is the primary."))
    phones = forms.CharField(label=_("Phones"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
                             help_text=_("One per line; numbers without +country code are Greek."))
    language = forms.CharField(label=_("Language"), max_length=10, initial="el", required=False,
                               widget=forms.TextInput(attrs={"list": "language-codes", "autocomplete": "off"}),
                               help_text=_("Code such as el, en, de: the language we write to the customer in."))
    time_zone = forms.CharField(label=_("Time zone"), max_length=50, initial="Europe/Athens", required=False,
                                widget=forms.TextInput(attrs={"list": "time-zones", "autocomplete": "off"}))
    preferred_channel = forms.ChoiceField(label=_("Preferred channel"), choices=Customer.Channel.choices,
                                          initial=Customer.Channel.EMAIL)
    birthday = forms.DateField(label=_("Birthday"), required=False,
                               widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    vat_number = forms.CharField(label=_("VAT number (ΑΦΜ)"), required=False, max_length=20)
    external_ref = forms.CharField(label=_("External reference"), required=False, max_length=64,
                                   help_text=_("The customer's id in another system (shop, PMS, ERP)."))
    tags = forms.CharField(label=_("Tags"), required=False, help_text=_("Separated by commas, e.g. VIP, Newsletter"))
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 4}))

    # Service error keys that are named differently on the form.
    FIELD_OF_ERROR = {"company_id": "company"}

    def __init__(self, *args: Any, exclude_pk: int | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        companies = companies_for_choice()
        if exclude_pk is not None:
            companies = companies.exclude(pk=exclude_pk)
        self.fields["company"].queryset = companies  # type: ignore[attr-defined]

    @classmethod
    def initial_for(cls, customer: Customer) -> dict[str, Any]:
        """The form's initial values from a stored customer (contact points must be prefetched or are read once)."""
        points = list(customer.contact_points.all())
        return {
            "kind": customer.kind, "category": customer.category, "title": customer.title,
            "first_name": customer.first_name, "last_name": customer.last_name, "company_name": customer.company_name,
            "company": customer.company_id, "job_title": customer.job_title, "formal": customer.formal,
            "emails": "\n".join(p.value for p in points if p.kind == "email"),
            "phones": "\n".join(phone_display(p.value) for p in points if p.kind == "phone"),
            "language": customer.language, "time_zone": customer.time_zone,
            "preferred_channel": customer.preferred_channel, "birthday": customer.birthday,
            "vat_number": customer.vat_number, "external_ref": customer.external_ref or "",
            "tags": ", ".join(t.name for t in customer.tags.all()), "notes": customer.notes,
        }

    def to_input(self) -> CustomerInput:
        """The service input from the cleaned data (call after ``is_valid()``)."""
        d = self.cleaned_data
        company = d.get("company")
        return CustomerInput(
            kind=d["kind"], category=d["category"], first_name=d["first_name"], last_name=d["last_name"],
            company_name=d["company_name"], company_id=company.pk if company is not None else None,
            job_title=d["job_title"], title=d["title"], formal=d["formal"], language=d["language"],
            time_zone=d["time_zone"], preferred_channel=d["preferred_channel"], birthday=d.get("birthday"),
            vat_number=d["vat_number"], external_ref=d["external_ref"] or None, notes=d["notes"],
            emails=_lines(d["emails"]), phones=[p.strip() for p in (d["phones"] or "").splitlines() if p.strip()],
            tags=[t.strip() for t in (d["tags"] or "").split(",") if t.strip()],
        )


class NoteForm(forms.Form):
    body = forms.CharField(label=_("Note"), required=False, strip=True,
                           widget=forms.Textarea(attrs={"rows": 3, "placeholder": _("Write an internal note…")}))


class ImportForm(forms.Form):
    KINDS = (("customers", _("Customers")), ("orders", _("Orders")))

    file = forms.FileField(label=_("File"), help_text=_("CSV (UTF-8, comma or semicolon) or Excel .xlsx, with a header row."))
    kind = forms.ChoiceField(label=_("What the file holds"), choices=KINDS, widget=forms.RadioSelect, initial="customers")
    skip_invalid = forms.BooleanField(
        label=_("Skip invalid rows"), required=False,
        help_text=_("Import the valid rows and report the others. Otherwise a single bad row rejects the whole file."),
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        name = (upload.name or "").lower()
        if not name.endswith((".csv", ".xlsx", ".txt")):
            raise ValidationError(_("Upload a .csv or .xlsx file."))
        if upload.size > settings.PELATIS_IMPORT_MAX_BYTES:
            raise ValidationError(_("The file is larger than %(mb)d MB.") % {"mb": settings.PELATIS_IMPORT_MAX_BYTES // 2**20})
        return upload
