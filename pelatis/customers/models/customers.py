"""People and companies (Customer 360), how to reach them, their tags, merges and search keys."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Tag(models.Model):
    name = models.CharField(_("name"), max_length=60, unique=True)
    color = models.CharField(_("colour"), max_length=7, default="#5b6ee1")

    class Meta:
        ordering = ["name"]
        verbose_name = _("tag")
        verbose_name_plural = _("tags")

    def __str__(self) -> str:
        return self.name


class Customer(models.Model):
    class Kind(models.TextChoices):
        PERSON = "person", _("Person")
        COMPANY = "company", _("Company")

    class Category(models.TextChoices):
        EXTERNAL = "external", _("External customer")
        INTERNAL = "internal", _("Internal customer (department)")

    class Channel(models.TextChoices):
        EMAIL = "email", _("Email")
        PHONE = "phone", _("Phone")
        SMS = "sms", _("SMS")
        WHATSAPP = "whatsapp", _("WhatsApp / Viber")
        IN_PERSON = "in_person", _("In person")
        POST = "post", _("Post")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.PERSON)
    category = models.CharField(
        _("customer type"), max_length=10, choices=Category.choices, default=Category.EXTERNAL
    )
    first_name = models.CharField(_("first name"), max_length=100, blank=True)
    last_name = models.CharField(_("last name"), max_length=100, blank=True)
    company_name = models.CharField(_("company name"), max_length=200, blank=True)
    # Kept by the services from the parts above; lists and search show it.
    display_name = models.CharField(_("name"), max_length=250, editable=False)
    company = models.ForeignKey(
        "self",
        verbose_name=_("company"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="contacts",
        limit_choices_to={"kind": "company"},
    )
    job_title = models.CharField(_("job title / department"), max_length=120, blank=True)
    title = models.CharField(
        _("form of address"), max_length=30, blank=True, help_text=_("e.g. κ., κα, Dr, Herr")
    )
    formal = models.BooleanField(_("formal address"), default=True)
    language = models.CharField(_("language"), max_length=10, default="el")
    time_zone = models.CharField(_("time zone"), max_length=50, default="Europe/Athens")
    preferred_channel = models.CharField(
        _("preferred channel"), max_length=12, choices=Channel.choices, default=Channel.EMAIL
    )
    birthday = models.DateField(_("birthday"), null=True, blank=True)
    # The calendar's canonical first name (Γιώργος → Γεώργιος), or "" when the
    # calendar does not know it; the date itself moves with Easter.
    name_day_name = models.CharField(_("name-day name"), max_length=60, blank=True, editable=False)
    vat_number = models.CharField(_("VAT number (ΑΦΜ)"), max_length=20, blank=True, db_index=True)
    external_ref = models.CharField(
        _("external reference"), max_length=64, null=True, blank=True, unique=True
    )
    notes = models.TextField(_("notes"), blank=True)
    tags = models.ManyToManyField(Tag, verbose_name=_("tags"), blank=True, related_name="customers")

    # Search and duplicate detection keys, filled from pelatis.lang.
    sort_name = models.CharField(max_length=250, editable=False, db_index=True)
    name_key = models.CharField(max_length=120, editable=False, db_index=True)

    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("merged into"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="merged_from",
        editable=False,
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    # Set when the person's data was erased (right to erasure): the row stays, so orders, tickets and
    # ledgers keep their customer and every aggregate is unchanged, but it holds nothing personal.
    erased_at = models.DateTimeField(_("erased on"), null=True, blank=True, editable=False)

    class Meta:
        ordering = ["sort_name", "id"]
        verbose_name = _("customer")
        verbose_name_plural = _("customers")
        permissions = [
            ("merge_customer", _("Can merge duplicate customers")),
            ("import_customer", _("Can import customers and orders")),
            ("export_customer", _("Can export customers")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(kind="company") | ~models.Q(company_name=""),
                name="customer_company_has_name",
            ),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def is_merged(self) -> bool:
        return self.merged_into_id is not None

    @property
    def is_erased(self) -> bool:
        return self.erased_at is not None

    def refuse_if_erased(self) -> None:
        """A ValidationError (naming ``customer``) when the person's data was erased: nothing new that
        could identify them again (an email, a phone, an address, a note, a request) is recorded."""
        if self.erased_at is not None:
            raise ValidationError(
                {
                    "customer": [
                        _("This customer's personal data was erased; nothing new can be recorded about them.")
                    ]
                }
            )


class ContactPoint(models.Model):
    class Kind(models.TextChoices):
        EMAIL = "email", _("Email")
        PHONE = "phone", _("Phone")

    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.CASCADE, related_name="contact_points"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    # Emails lower-cased, phones in E.164: the form duplicates are found by.
    value = models.CharField(_("value"), max_length=254)
    label = models.CharField(_("label"), max_length=30, blank=True)
    is_primary = models.BooleanField(_("primary"), default=False)
    created_at = models.DateTimeField(_("added on"), default=timezone.now, editable=False)

    class Meta:
        ordering = ["-is_primary", "id"]
        verbose_name = _("contact point")
        verbose_name_plural = _("contact points")
        constraints = [
            models.UniqueConstraint(
                fields=["customer", "kind", "value"], name="contact_point_unique_per_customer"
            )
        ]
        indexes = [models.Index(fields=["kind", "value"], name="contact_point_lookup")]

    def __str__(self) -> str:
        return self.value


class Address(models.Model):
    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.CASCADE, related_name="addresses"
    )
    label = models.CharField(_("label"), max_length=30, blank=True)
    line1 = models.CharField(_("street and number"), max_length=200)
    line2 = models.CharField(_("address line 2"), max_length=200, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    postcode = models.CharField(_("postcode"), max_length=20, blank=True)
    region = models.CharField(_("region"), max_length=100, blank=True)
    country = models.CharField(_("country"), max_length=2, default="GR")
    is_primary = models.BooleanField(_("primary"), default=False)

    class Meta:
        ordering = ["-is_primary", "id"]
        verbose_name = _("address")
        verbose_name_plural = _("addresses")

    def __str__(self) -> str:
        return ", ".join(p for p in [self.line1, self.postcode, self.city, self.country] if p)


class MergeRecord(models.Model):
    """The audit trail of a merge: who folded which customer into which, and what moved."""

    survivor = models.ForeignKey(
        Customer, verbose_name=_("kept customer"), on_delete=models.PROTECT, related_name="merges_received"
    )
    merged = models.ForeignKey(
        Customer, verbose_name=_("merged customer"), on_delete=models.PROTECT, related_name="merges_given"
    )
    snapshot = models.JSONField(_("merged customer as it was"), default=dict)
    moved = models.JSONField(_("what moved"), default=dict)
    merged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("merged by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    merged_at = models.DateTimeField(_("merged at"), default=timezone.now)

    class Meta:
        verbose_name = _("customer merge")
        verbose_name_plural = _("customer merges")
        ordering = ["-merged_at"]

    def __str__(self) -> str:
        return f"{self.merged_id} → {self.survivor_id}"


class SearchTerm(models.Model):
    """One normalised search key of a customer, e.g. ``w:παπαδοπουλοσ``,
    ``k:papadopulos``, ``p:306971234567``. Prefix queries are index range scans."""

    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.CASCADE, related_name="+", db_index=False
    )
    term = models.CharField(_("search key"), max_length=120)

    class Meta:
        verbose_name = _("search key")
        verbose_name_plural = _("search keys")
        indexes = [
            models.Index(fields=["term", "customer"], name="search_term_lookup"),
            models.Index(fields=["customer"], name="search_term_customer"),
        ]

    def __str__(self) -> str:
        return self.term
