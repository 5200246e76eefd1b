"""Staff UI forms. They only parse what was typed; the services validate and
their ValidationError is mapped back onto these fields."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from pelatis.core.forms import ServiceErrorsMixin
from pelatis.lang.phones import phone_display

from .form_choices import country_choices, language_choices, language_label, time_zone_choices, ui_language
from .inputs import CustomerInput, OrderInput, OrderLineInput
from .models import Address, Customer
from .queries import companies_for_choice

_STREET_NUMBER = re.compile(r"^(?P<street>.*?\D)\s+(?P<number>\d+[\w/-]*)$")


def street_and_number(line1: str) -> tuple[str, str]:
    """ "Ερμού 25" → ("Ερμού", "25"): the first address line split back into the form's two fields."""
    match = _STREET_NUMBER.match(line1 or "")
    return (match.group("street"), match.group("number")) if match else (line1 or "", "")


def _lines(text: str) -> list[str]:
    """One value per line (commas and semicolons also separate), blanks dropped."""
    parts = (text or "").replace(";", "\n").replace(",", "\n").splitlines()
    return [p.strip() for p in parts if p.strip()]


def split_values(text: str) -> list[str]:
    """The emails typed into the form's box, as the form reads them."""
    return _lines(text)


class CustomerForm(ServiceErrorsMixin, forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind"), choices=Customer.Kind.choices, widget=forms.RadioSelect, initial=Customer.Kind.PERSON
    )
    category = forms.ChoiceField(
        label=_("Customer type"), choices=Customer.Category.choices, initial=Customer.Category.EXTERNAL
    )
    title = forms.CharField(
        label=_("Form of address"), required=False, max_length=30, help_text=_("e.g. κ., κα, Dr, Herr")
    )
    first_name = forms.CharField(label=_("First name"), required=False, max_length=100)
    last_name = forms.CharField(label=_("Last name"), required=False, max_length=100)
    company_name = forms.CharField(label=_("Company name"), required=False, max_length=200)
    company = forms.ModelChoiceField(
        label=_("Works at company"),
        queryset=Customer.objects.none(),
        required=False,
        empty_label=_("— none —"),
    )
    job_title = forms.CharField(label=_("Job title / department"), required=False, max_length=120)
    formal = forms.BooleanField(
        label=_("Address formally (plural of politeness)"), required=False, initial=True
    )
    emails = forms.CharField(
        label=_("Emails"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("One per line; the first is the primary."),
    )
    phones = forms.CharField(
        label=_("Phones"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("One per line; numbers without +country code are Greek."),
    )
    language = forms.ChoiceField(
        label=_("Language"),
        initial="el",
        required=False,
        help_text=_("The language we write to the customer in."),
    )
    time_zone = forms.ChoiceField(label=_("Time zone"), initial="Europe/Athens", required=False)
    preferred_channel = forms.ChoiceField(
        label=_("Preferred channel"), choices=Customer.Channel.choices, initial=Customer.Channel.EMAIL
    )
    birthday = forms.DateField(
        label=_("Birthday"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    vat_number = forms.CharField(label=_("VAT number (ΑΦΜ)"), required=False, max_length=20)
    external_ref = forms.CharField(
        label=_("External reference"),
        required=False,
        max_length=64,
        help_text=_("The customer's id in another system (shop, PMS, ERP)."),
    )
    tags = forms.CharField(
        label=_("Tags"), required=False, help_text=_("Separated by commas, e.g. VIP, Newsletter")
    )
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 4}))
    street = forms.CharField(label=_("Street"), required=False, max_length=190)
    street_number = forms.CharField(label=_("Number"), required=False, max_length=10)
    postcode = forms.CharField(label=_("Postcode"), required=False, max_length=20)
    city = forms.CharField(label=_("City"), required=False, max_length=100)
    region = forms.CharField(label=_("Region"), required=False, max_length=100)
    country = forms.ChoiceField(label=_("Country"), initial="GR", required=False)

    # Service error keys that are named differently on the form.
    FIELD_OF_ERROR = {"company_id": "company", "number": "street_number"}

    def __init__(self, *args: Any, exclude_pk: int | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.exclude_pk = exclude_pk
        companies = companies_for_choice()
        if exclude_pk is not None:
            companies = companies.exclude(pk=exclude_pk)
        self.fields["company"].queryset = companies  # type: ignore[attr-defined]  # self.fields types each as Field; this one is a ModelChoiceField
        ui = ui_language()
        # A stored value the lists do not hold (an imported code) stays selectable, so saving keeps it.
        current = {
            name: str(self.data.get(name) or self.initial.get(name) or "")
            for name in ("language", "time_zone", "country")
        }
        languages = language_choices(ui)
        if current["language"] and current["language"] not in dict(languages):
            languages = [*languages, (current["language"], language_label(current["language"], ui))]
        self.fields["language"].choices = languages  # type: ignore[attr-defined]  # self.fields types each as Field; this one is a ChoiceField
        zones = time_zone_choices(ui)
        if current["time_zone"] and current["time_zone"] not in {z for _g, group in zones for z, _l in group}:
            zones = [*zones, (str(_("Other")), [(current["time_zone"], current["time_zone"])])]
        self.fields["time_zone"].choices = zones  # type: ignore[attr-defined]  # self.fields types each as Field; this one is a ChoiceField
        self.fields["country"].choices = country_choices(ui)  # type: ignore[attr-defined]  # self.fields types each as Field; this one is a ChoiceField
        # While an email or phone is typed, the page asks whether another customer already has it.
        check = reverse("customers:contact_check") + (
            f"?exclude={exclude_pk}" if exclude_pk is not None else ""
        )
        for name in ("emails", "phones"):
            self.fields[name].widget.attrs.update(
                {
                    "hx-get": check,
                    "hx-trigger": "input changed delay:400ms, load",
                    "hx-target": f"#{name}-owners",
                    "hx-swap": "innerHTML",
                    "hx-sync": "this:replace",
                }
            )

    @classmethod
    def initial_for(cls, customer: Customer) -> dict[str, Any]:
        """The form's initial values from a stored customer (contact points must be prefetched or are read once)."""
        points = list(customer.contact_points.all())
        return {
            "kind": customer.kind,
            "category": customer.category,
            "title": customer.title,
            "first_name": customer.first_name,
            "last_name": customer.last_name,
            "company_name": customer.company_name,
            "company": customer.company_id,
            "job_title": customer.job_title,
            "formal": customer.formal,
            "emails": "\n".join(p.value for p in points if p.kind == "email"),
            "phones": "\n".join(phone_display(p.value) for p in points if p.kind == "phone"),
            "language": customer.language,
            "time_zone": customer.time_zone,
            "preferred_channel": customer.preferred_channel,
            "birthday": customer.birthday,
            "vat_number": customer.vat_number,
            "external_ref": customer.external_ref or "",
            "tags": ", ".join(t.name for t in customer.tags.all()),
            "notes": customer.notes,
            **cls.address_initial(customer.addresses.filter(is_primary=True).first()),
        }

    @staticmethod
    def address_initial(address: Address | None) -> dict[str, str]:
        if address is None:
            return {"country": "GR"}
        street, number = street_and_number(address.line1)
        return {
            "street": street,
            "street_number": number,
            "postcode": address.postcode,
            "city": address.city,
            "region": address.region,
            "country": address.country,
        }

    def address(self) -> dict[str, str]:
        """The primary address's parts for the service (call after ``is_valid()``)."""
        d = self.cleaned_data
        return {
            "street": d["street"],
            "number": d["street_number"],
            "postcode": d["postcode"],
            "city": d["city"],
            "region": d["region"],
            "country": d["country"] or "GR",
        }

    def to_input(self) -> CustomerInput:
        """The service input from the cleaned data (call after ``is_valid()``)."""
        d = self.cleaned_data
        company = d.get("company")
        return CustomerInput(
            kind=d["kind"],
            category=d["category"],
            first_name=d["first_name"],
            last_name=d["last_name"],
            company_name=d["company_name"],
            company_id=company.pk if company is not None else None,
            job_title=d["job_title"],
            title=d["title"],
            formal=d["formal"],
            language=d["language"],
            time_zone=d["time_zone"],
            preferred_channel=d["preferred_channel"],
            birthday=d.get("birthday"),
            vat_number=d["vat_number"],
            external_ref=d["external_ref"] or None,
            notes=d["notes"],
            emails=_lines(d["emails"]),
            phones=[p.strip() for p in (d["phones"] or "").splitlines() if p.strip()],
            tags=[t.strip() for t in (d["tags"] or "").split(",") if t.strip()],
        )


class TicketStartForm(forms.Form):
    """A new ticket from the customer's page: what they asked on the phone or in person, or an email we send."""

    CHANNELS = (
        ("phone", _("Phone call")),
        ("in_person", _("In person")),
        ("email", _("Email to the customer")),
    )

    channel = forms.ChoiceField(label=_("How"), choices=CHANNELS, initial="phone")
    subject = forms.CharField(label=_("Subject"), max_length=250)
    type = forms.CharField(label=_("Type"), max_length=20, initial="question")
    priority = forms.CharField(label=_("Priority"), max_length=10, initial="normal", required=False)
    body = forms.CharField(label=_("Message"), widget=forms.Textarea(attrs={"rows": 4}))


_GROUPED = re.compile(r"^\d{1,3}(?:\.\d{3})+$")


class AmountField(forms.DecimalField):
    """An amount as people type it: "1.234,50" and "1234,50" in Greek, "1,234.50" and "1234.50" in English."""

    def to_python(self, value: Any) -> Decimal | None:  # type: ignore[override]  # django-stubs types DecimalField.to_python as IntegerField's
        text = str(value or "").strip().replace("\u00a0", "").replace(" ", "").replace("€", "")
        if "," in text and "." in text:
            decimal_sep = "," if text.rfind(",") > text.rfind(".") else "."
            text = text.replace("." if decimal_sep == "," else ",", "").replace(",", ".")
        elif "," in text:
            comma_decimal = formats.get_format("DECIMAL_SEPARATOR") == ","
            text = (
                text.replace(",", ".")
                if comma_decimal or not _GROUPED.match(text.replace(",", "."))
                else text.replace(",", "")
            )
        elif _GROUPED.match(text) and formats.get_format("DECIMAL_SEPARATOR") == ",":
            text = text.replace(".", "")  # "1.234" is a thousand and more to a Greek reader
        return super().to_python(text)


class OrderLogForm(forms.Form):
    """An order taken by phone or at the counter: its lines, or only its total."""

    LINE_ROWS = 3
    CURRENCIES = ("EUR", "USD", "GBP", "CHF", "BGN", "RON", "SEK", "NOK", "DKK", "PLN", "CZK", "TRY")

    reference = forms.CharField(label=_("Order reference"), max_length=64)
    placed_on = forms.DateField(
        label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    currency = forms.ChoiceField(label=_("Currency"))
    total = AmountField(
        label=_("Total"),
        required=False,
        min_value=Decimal("0"),
        max_digits=12,
        decimal_places=2,
        help_text=_("Only the total, when you do not list the products."),
    )
    description = forms.CharField(label=_("What was bought"), required=False, max_length=200)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        default = settings.PELATIS_DEFAULT_CURRENCY
        self.fields["currency"].choices = [(c, c) for c in dict.fromkeys((default, *self.CURRENCIES))]  # type: ignore[attr-defined]  # self.fields types each as Field; this one is a ChoiceField
        self.fields["currency"].initial = default
        self.fields["placed_on"].initial = timezone.localdate()
        for i in range(1, self.LINE_ROWS + 1):
            self.fields[f"line{i}_name"] = forms.CharField(label=_("Product"), required=False, max_length=200)
            self.fields[f"line{i}_quantity"] = AmountField(
                label=_("Quantity"),
                required=False,
                min_value=Decimal("0.001"),
                max_digits=12,
                decimal_places=3,
            )
            self.fields[f"line{i}_price"] = AmountField(
                label=_("Unit price"), required=False, min_value=Decimal("0"), max_digits=12, decimal_places=2
            )

    def line_rows(self) -> list[tuple[forms.BoundField, forms.BoundField, forms.BoundField]]:
        return [
            (self[f"line{i}_name"], self[f"line{i}_quantity"], self[f"line{i}_price"])
            for i in range(1, self.LINE_ROWS + 1)
        ]

    def clean(self) -> dict[str, Any]:
        d = super().clean() or {}
        lines = []
        for i in range(1, self.LINE_ROWS + 1):
            name, qty, price = d.get(f"line{i}_name"), d.get(f"line{i}_quantity"), d.get(f"line{i}_price")
            if not name and qty is None and price is None:
                continue
            if not name:
                self.add_error(f"line{i}_name", _("Name the product."))
            if price is None:
                self.add_error(f"line{i}_price", _("Give the price."))
            lines.append(OrderLineInput(name=name or "", quantity=qty or Decimal("1"), unit_price=price or 0))
        if not lines:
            if d.get("total") is None:
                self.add_error("total", _("List the products, or give the order's total."))
            else:
                lines = [OrderLineInput(name=d.get("description") or str(_("Order")), unit_price=d["total"])]
        d["lines"] = lines
        return d

    def to_input(self) -> OrderInput:
        """The service input (call after ``is_valid()``): the order placed on the chosen day, now if today."""
        d = self.cleaned_data
        now = timezone.localtime()
        day: dt.date = d["placed_on"]
        placed = now if day == now.date() else timezone.make_aware(dt.datetime.combine(day, dt.time(12, 0)))
        return OrderInput(
            reference=d["reference"], placed_at=placed, lines=d["lines"], currency=d["currency"]
        )


class NoteForm(forms.Form):
    body = forms.CharField(
        label=_("Note"),
        required=False,
        strip=True,
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": _("Write an internal note…")}),
    )


class ImportForm(forms.Form):
    KINDS = (("customers", _("Customers")), ("orders", _("Orders")))

    file = forms.FileField(
        label=_("File"), help_text=_("CSV (UTF-8, comma or semicolon) or Excel .xlsx, with a header row.")
    )
    kind = forms.ChoiceField(
        label=_("What the file holds"), choices=KINDS, widget=forms.RadioSelect, initial="customers"
    )
    skip_invalid = forms.BooleanField(
        label=_("Skip invalid rows"),
        required=False,
        help_text=_(
            "Import the valid rows and report the others. Otherwise a single bad row rejects the whole file."
        ),
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        name = (upload.name or "").lower()
        if not name.endswith((".csv", ".xlsx", ".txt")):
            raise ValidationError(_("Upload a .csv or .xlsx file."))
        if upload.size > settings.PELATIS_IMPORT_MAX_BYTES:
            raise ValidationError(
                _("The file is larger than %(mb)d MB.") % {"mb": settings.PELATIS_IMPORT_MAX_BYTES // 2**20}
            )
        return upload
