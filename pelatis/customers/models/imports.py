"""Imports of customer and order files: the job, what it changed (for undo), the consents it brought."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .customers import Customer


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
