"""Customer 360: people and companies, how to reach them, what they bought,
and the interaction timeline every channel writes to."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
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


class Order(models.Model):
    class Status(models.TextChoices):
        PLACED = "placed", _("Placed")
        PAID = "paid", _("Paid")
        FULFILLED = "fulfilled", _("Fulfilled")
        CANCELLED = "cancelled", _("Cancelled")
        REFUNDED = "refunded", _("Refunded")

    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.CASCADE, related_name="orders"
    )
    reference = models.CharField(_("order reference"), max_length=64, unique=True)
    placed_at = models.DateTimeField(_("placed at"), db_index=True)
    currency = models.CharField(_("currency"), max_length=3, default="EUR")
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.PAID)
    channel = models.CharField(_("sales channel"), max_length=30, blank=True)
    # Sum of the lines, kept by the services so lists and analytics read one column.
    total = models.DecimalField(_("total"), max_digits=14, decimal_places=2, default=Decimal("0"))
    created_at = models.DateTimeField(_("recorded"), default=timezone.now, editable=False)

    class Meta:
        ordering = ["-placed_at", "-id"]
        verbose_name = _("order")
        verbose_name_plural = _("orders")
        indexes = [
            models.Index(fields=["customer", "-placed_at"], name="order_customer_recent"),
            # Reports read a period's orders, and each customer's first and last sale, from these alone.
            models.Index(fields=["customer", "placed_at", "status"], name="order_customer_sold"),
            models.Index(fields=["placed_at", "status", "customer", "total"], name="order_period"),
        ]

    def __str__(self) -> str:
        return self.reference


class OrderLine(models.Model):
    order = models.ForeignKey(Order, verbose_name=_("order"), on_delete=models.CASCADE, related_name="lines")
    sku = models.CharField(_("SKU"), max_length=64, blank=True)
    name = models.CharField(_("product"), max_length=200)
    category = models.CharField(_("category"), max_length=100, blank=True, db_index=True)
    quantity = models.DecimalField(_("quantity"), max_digits=12, decimal_places=3, default=Decimal("1"))
    unit_price = models.DecimalField(_("unit price"), max_digits=12, decimal_places=2)

    class Meta:
        ordering = ["id"]
        verbose_name = _("order line")
        verbose_name_plural = _("order lines")
        constraints = [
            models.CheckConstraint(condition=models.Q(quantity__gt=0), name="order_line_quantity_positive"),
            models.CheckConstraint(
                condition=models.Q(unit_price__gte=0), name="order_line_price_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} × {self.name}"

    @property
    def line_total(self) -> Decimal:
        return (self.quantity * self.unit_price).quantize(Decimal("0.01"))


class Subscription(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        PAUSED = "paused", _("Paused")
        CANCELLED = "cancelled", _("Cancelled")
        EXPIRED = "expired", _("Expired")

    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.CASCADE, related_name="subscriptions"
    )
    product = models.CharField(_("product"), max_length=200)
    started_on = models.DateField(_("start"))
    renews_on = models.DateField(_("renews on"), null=True, blank=True, db_index=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE)
    price = models.DecimalField(_("price"), max_digits=12, decimal_places=2, null=True, blank=True)
    currency = models.CharField(_("currency"), max_length=3, default="EUR")

    class Meta:
        ordering = ["renews_on", "id"]
        verbose_name = _("subscription")
        verbose_name_plural = _("subscriptions")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(renews_on__isnull=True) | models.Q(renews_on__gte=models.F("started_on")),
                name="subscription_renews_after_start",
            ),
        ]

    def __str__(self) -> str:
        return self.product


class Interaction(models.Model):
    """One entry on the customer's timeline; every channel and app writes here."""

    class Channel(models.TextChoices):
        EMAIL = "email", _("Email")
        PHONE = "phone", _("Phone call")
        SMS = "sms", _("SMS")
        CHAT = "chat", _("Chat")
        WEB = "web", _("Web form / portal")
        IN_PERSON = "in_person", _("In person")
        SOCIAL = "social", _("Social / review")
        ORDER = "order", _("Order")
        NOTE = "note", _("Internal note")
        SYSTEM = "system", _("System")

    class Direction(models.TextChoices):
        INBOUND = "in", _("From the customer")
        OUTBOUND = "out", _("To the customer")
        INTERNAL = "internal", _("Internal")

    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.CASCADE, related_name="interactions"
    )
    channel = models.CharField(_("channel"), max_length=12, choices=Channel.choices)
    direction = models.CharField(_("direction"), max_length=10, choices=Direction.choices)
    summary = models.CharField(_("summary"), max_length=300)
    body = models.TextField(_("details"), blank=True)
    occurred_at = models.DateTimeField(_("when"), default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # The object this entry stands for, as "app.model" and its key, so the
    # timeline can link to a ticket, an order or a survey without each app
    # needing a foreign key here.
    source_type = models.CharField(_("source type"), max_length=60, blank=True)
    source_id = models.CharField(_("source id"), max_length=64, blank=True)

    class Meta:
        ordering = ["-occurred_at", "-id"]
        verbose_name = _("interaction")
        verbose_name_plural = _("interactions")
        indexes = [
            models.Index(fields=["customer", "-occurred_at"], name="interaction_timeline"),
            models.Index(fields=["source_type", "source_id"], name="interaction_source"),
        ]

    def __str__(self) -> str:
        return self.summary


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


class ImportJob(models.Model):
    """One import of a file. From the web the file is stored, a task previews it (nothing written),
    the user confirms, and a task imports it; the CLI imports at once (or previews with --dry-run).
    What the import changed is kept in ``ImportChange`` rows, so it can be undone for a while."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting to start")
        RUNNING = "running", _("Running")
        PREVIEW = "preview", _("Ready to confirm: nothing written yet")
        DONE = "done", _("Imported")
        REJECTED = "rejected", _("Rejected: nothing written")
        PARTIAL = "partial", _("Imported valid rows only")
        FAILED = "failed", _("Failed")
        UNDONE = "undone", _("Undone")

    class Mode(models.TextChoices):
        PREVIEW = "preview", _("Preview")
        APPLY = "apply", _("Import")

    kind = models.CharField(_("what is imported"), max_length=20)
    file_name = models.CharField(_("file name"), max_length=255)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.RUNNING)
    rows_total = models.PositiveIntegerField(_("rows"), default=0)
    rows_created = models.PositiveIntegerField(_("new"), default=0)
    rows_updated = models.PositiveIntegerField(_("updated"), default=0)
    rows_unchanged = models.PositiveIntegerField(_("unchanged"), default=0)
    rows_invalid = models.PositiveIntegerField(_("rejected"), default=0)
    errors = models.JSONField(_("errors"), default=list)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("uploaded at"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished at"), null=True)
    # A web import: the uploaded file (deleted once imported), its options, and how far the task got.
    source = models.FileField(_("file"), upload_to="imports/%Y/%m/", max_length=255, blank=True)
    skip_invalid = models.BooleanField(_("skip rejected rows"), default=False)
    language = models.CharField(
        _("language of the report"), max_length=16, blank=True
    )  # of the person who uploaded: the report's language
    rows_done = models.PositiveIntegerField(_("rows read"), default=0)
    started_at = models.DateTimeField(_("started at"), null=True)
    # What the queued task does: preview the file, or import it (after the preview was confirmed).
    mode = models.CharField(_("step"), max_length=10, choices=Mode.choices, default=Mode.APPLY)
    # {"overwrite": bool, "mapping": {header: field or ""}}: the choices the preview was made with.
    options = models.JSONField(_("options"), default=dict, blank=True)
    # The preview: counts, the first changes field by field, the columns and how they map.
    preview = models.JSONField(_("preview"), default=dict, blank=True)
    platform = models.CharField(
        _("recognised export"), max_length=20, blank=True
    )  # the export layout recognised, e.g. "shopify"
    applied_at = models.DateTimeField(
        _("imported at"), null=True
    )  # the stamp the import wrote with; later edits are newer
    undone_at = models.DateTimeField(_("undone at"), null=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("undone by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("import")
        verbose_name_plural = _("imports")

    def __str__(self) -> str:
        return f"{self.kind}: {self.file_name}"


class ImportChange(models.Model):
    """What one import did to one customer or order (or, for new ones, to a batch of them):
    the values before, the values it wrote and what it added, so the import can be undone."""

    class Action(models.TextChoices):
        CUSTOMERS_CREATED = "customers_created", _("Customers created")
        CUSTOMER_UPDATED = "customer_updated", _("Customer updated")
        ORDERS_CREATED = "orders_created", _("Orders created")
        ORDER_REPLACED = "order_replaced", _("Order replaced")

    job = models.ForeignKey(
        ImportJob, verbose_name=_("import"), on_delete=models.CASCADE, related_name="changes"
    )
    action = models.CharField(_("change"), max_length=20, choices=Action.choices)
    object_id = models.BigIntegerField(_("record"), null=True)  # the customer or order updated
    object_ids = models.JSONField(
        _("records"), default=list, blank=True
    )  # the customers or orders created (a batch)
    before = models.JSONField(_("before"), default=dict, blank=True)  # field → value before the import
    after = models.JSONField(_("after"), default=dict, blank=True)  # field → value the import wrote
    added = models.JSONField(
        _("what was added"), default=dict, blank=True
    )  # {"emails": [...], "phones": [...], "tags": [ids], "addresses": [ids]}

    class Meta:
        verbose_name = _("import change")
        verbose_name_plural = _("import changes")
        ordering = ["id"]
        indexes = [models.Index(fields=["job", "action"], name="import_change_job")]

    def __str__(self) -> str:
        return f"{self.job_id}: {self.action} {self.object_id or len(self.object_ids)}"


class ImportedConsent(models.Model):
    """A marketing consent (or its withdrawal) as an imported file stated it: which channel, yes or no,
    the system it came from and the date that system gave. Kept as recorded, for the consent records
    of the privacy and engagement work to start from; nothing sends on the strength of this row alone."""

    class Channel(models.TextChoices):
        EMAIL = "email", _("Email")
        SMS = "sms", _("SMS")

    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.CASCADE, related_name="imported_consents"
    )
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    granted = models.BooleanField(_("consent given"))
    source = models.CharField(_("source"), max_length=40)  # "shopify", "mailchimp", … or "file"
    stated_at = models.DateTimeField(_("date given in the file"), null=True, blank=True)
    raw = models.CharField(_("as written"), max_length=200, blank=True)
    job = models.ForeignKey(
        ImportJob, verbose_name=_("import"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded"), default=timezone.now)

    class Meta:
        ordering = ["customer", "channel", "-recorded_at"]
        verbose_name = _("imported marketing consent")
        verbose_name_plural = _("imported marketing consents")

    def __str__(self) -> str:
        return f"{self.customer_id} {self.channel}: {self.granted}"
