"""Consent per purpose and channel (an append-only history, the latest record of a pair is in force); data-subject
requests, restrictions of processing and the retention runs."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pelatis.customers.models import Customer


class Purpose(models.TextChoices):
    SERVICE = "service", _("Service messages")
    MARKETING = "marketing", _("Offers and news")
    SURVEYS = "surveys", _("Surveys")
    PROFILING = "profiling", _("Personalised suggestions")


class ConsentChannel(models.TextChoices):
    EMAIL = "email", _("Email")
    SMS = "sms", _("SMS")
    PHONE = "phone", _("Phone")


class Source(models.TextChoices):
    FORM = "form", _("Web form")
    IMPORT = "import", _("Import")
    AGENT = "agent", _("Recorded by staff")
    LINK = "link", _("Customer's link")
    API = "api", _("API")
    MIGRATION = "migration", _("Earlier records")


# What holds while a customer has no record for a purpose: service, surveys and profiling are
# opt-out (as surveys were before consent records), marketing is opt-in.
DEFAULTS: dict[str, bool] = {
    Purpose.SERVICE: True,
    Purpose.MARKETING: False,
    Purpose.SURVEYS: True,
    Purpose.PROFILING: True,
}


class ConsentRecord(models.Model):
    """One statement of a customer's consent to one purpose on one channel. Rows are never changed or
    deleted (only a customer merge moves them): the newest by ``recorded_at`` (then id) is in force."""

    customer = models.ForeignKey(
        Customer,
        verbose_name=_("customer"),
        on_delete=models.CASCADE,
        related_name="consent_records",
        db_index=False,  # the composite indexes below start with the customer
    )
    purpose = models.CharField(_("purpose"), max_length=20, choices=Purpose.choices)
    channel = models.CharField(_("channel"), max_length=10, choices=ConsentChannel.choices)
    granted = models.BooleanField(_("consent given"))
    source = models.CharField(_("how"), max_length=20, choices=Source.choices)
    wording = models.TextField(_("wording shown or read out"), blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # When the customer gave or withdrew it (for an import, the date the source system states);
    # created_at is when Pelatis learned of it.
    recorded_at = models.DateTimeField(_("given or withdrawn at"), default=timezone.now)
    created_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    class Meta:
        ordering = ["-recorded_at", "-id"]
        verbose_name = _("consent record")
        verbose_name_plural = _("consent records")
        indexes = [
            # The latest record of one customer, purpose and channel: an index-only descent.
            models.Index(
                fields=["customer", "purpose", "channel", "-recorded_at", "-id"],
                name="privacy_consent_latest",
            ),
            models.Index(fields=["customer", "-recorded_at"], name="privacy_consent_history"),
        ]

    def __str__(self) -> str:
        return f"{self.customer_id} {self.purpose}/{self.channel}: {self.granted}"


# --- data-subject requests, restriction of processing, retention runs (GDPR arts. 12, 15–21, 5(1)(e)) ---


class RequestKind(models.TextChoices):
    ACCESS = "access", _("Access (a copy of their data)")
    ERASURE = "erasure", _("Erasure")
    RECTIFICATION = "rectification", _("Rectification (correction)")
    RESTRICTION = "restriction", _("Restriction of processing")
    OBJECTION = "objection", _("Objection")


class RequestChannel(models.TextChoices):
    PORTAL = "portal", _("Portal (verified by email)")
    EMAIL = "email", _("Email")
    PHONE = "phone", _("Phone")
    IN_PERSON = "in_person", _("In person")
    LETTER = "letter", _("Letter")


class RequestStatus(models.TextChoices):
    RECEIVED = "received", _("Received")
    VERIFYING = "verifying", _("Verifying identity")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    REFUSED = "refused", _("Refused")


CLOSED_STATUSES = (RequestStatus.DONE, RequestStatus.REFUSED)


class DataRequest(models.Model):
    """One data-subject request: what was asked, by which way, by when it must be answered (one calendar
    month from receipt, extendable by two more with a reason), who handled it and what was sent."""

    customer = models.ForeignKey(
        Customer,
        verbose_name=_("customer"),
        null=True,  # until the requester is identified
        blank=True,
        on_delete=models.SET_NULL,
        related_name="data_requests",
    )
    kind = models.CharField(_("request"), max_length=20, choices=RequestKind.choices)
    channel = models.CharField(_("received by"), max_length=12, choices=RequestChannel.choices)
    status = models.CharField(
        _("status"), max_length=12, choices=RequestStatus.choices, default=RequestStatus.RECEIVED
    )
    details = models.TextField(_("what they asked"), blank=True)
    # The address the requester wrote from or typed in (personal data: erased with the customer).
    requester_email = models.EmailField(_("requester's email"), blank=True)
    received_at = models.DateTimeField(_("received"), default=timezone.now)
    due_at = models.DateTimeField(_("answer due"), db_index=True)
    extended_until = models.DateTimeField(_("extended until"), null=True, blank=True)
    extension_reason = models.TextField(_("reason for the extension"), blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("handled by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    outcome = models.TextField(_("outcome"), blank=True)
    evidence = models.TextField(_("what was sent"), blank=True)
    # A portal filing's one-time key (from its signed link): the same link cannot file twice.
    portal_key = models.CharField(max_length=64, null=True, blank=True, unique=True, editable=False)
    # The managers' overdue email: claimed (a conditional UPDATE) before it goes, recorded once it went, so
    # it goes once per request; a claim left by a crashed sender is taken over after a lease.
    overdue_claimed_at = models.DateTimeField(null=True, blank=True, editable=False)
    overdue_notified_at = models.DateTimeField(null=True, blank=True, editable=False)
    # The requester's email about an extension (GDPR art. 12(3): they are told, with the reasons): the
    # deadline they were told of, and the claim of the email on its way (as above).
    extension_notice_claimed_at = models.DateTimeField(null=True, blank=True, editable=False)
    extension_noticed_until = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-received_at", "-id"]
        verbose_name = _("data-subject request")
        verbose_name_plural = _("data-subject requests")
        indexes = [models.Index(fields=["status", "due_at"], name="privacy_request_open_due")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"

    @property
    def deadline(self) -> dt.datetime:
        """When the answer is due: the extension's date when there is one, else one month from receipt."""
        return self.extended_until or self.due_at

    @property
    def is_closed(self) -> bool:
        return self.status in CLOSED_STATUSES

    @property
    def is_overdue(self) -> bool:
        return not self.is_closed and self.deadline < timezone.now()


class ProcessingRestriction(models.Model):
    """A customer's processing is restricted (GDPR art. 18) from ``since`` until it is lifted or until
    ``until``: no marketing, no surveys, no profiling; service messages still go."""

    customer = models.ForeignKey(
        Customer,
        verbose_name=_("customer"),
        on_delete=models.CASCADE,
        related_name="processing_restrictions",
        db_index=False,  # the index below starts with the customer
    )
    since = models.DateTimeField(_("since"), default=timezone.now)
    until = models.DateTimeField(_("until"), null=True, blank=True)
    lifted_at = models.DateTimeField(_("lifted"), null=True, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    request = models.ForeignKey(
        DataRequest,
        verbose_name=_("request"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="restrictions",
    )
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("started by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("lifted by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["-since", "-id"]
        verbose_name = _("restriction of processing")
        verbose_name_plural = _("restrictions of processing")
        indexes = [models.Index(fields=["customer", "lifted_at"], name="privacy_restriction_active")]

    def __str__(self) -> str:
        return f"{self.customer_id} {self.since:%Y-%m-%d}"

    @property
    def is_active(self) -> bool:
        now = timezone.now()
        return self.lifted_at is None and self.since <= now and (self.until is None or self.until > now)


class RetentionRun(models.Model):
    """One run of the retention policies: when, whether it only counted, and the count per policy."""

    started_at = models.DateTimeField(_("started"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    dry_run = models.BooleanField(_("dry run"), default=False)
    counts = models.JSONField(_("counts"), default=dict, blank=True)
    errors = models.JSONField(_("errors"), default=dict, blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("started by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["-started_at", "-id"]
        verbose_name = _("retention run")
        verbose_name_plural = _("retention runs")

    def __str__(self) -> str:
        return f"{self.started_at:%Y-%m-%d %H:%M}"
