"""One message to one customer: the claim that makes it go out once (``key`` is unique), what happened
to it, and what the customer did with it afterwards (opened, clicked, unsubscribed)."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pelatis.customers.models import Customer

from .campaigns import Campaign
from .content import Channel, MessageTemplate
from .journeys import Enrollment, JourneyStep


class Send(models.Model):
    class Status(models.TextChoices):
        CLAIMED = "claimed", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        SKIPPED = "skipped", _("Not sent")
        HELD_OUT = "held_out", _("Hold-out group")

    class Skip(models.TextChoices):
        NO_CONSENT = "no_consent", _("No consent for this purpose and channel")
        NO_ADDRESS = "no_address", _("No email address or mobile number")
        FREQUENCY_CAP = "frequency_cap", _("Frequency cap reached")
        NO_TEMPLATE = "no_template", _("No version of the template")
        RESTRICTED = "restricted", _("Processing restricted")

    # e.g. "campaign:12:customer:345" or "journey:3:enrol:678:step:2": one row, so one message.
    key = models.CharField(_("idempotency key"), max_length=120, unique=True)
    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.CASCADE, related_name="engagement_sends"
    )
    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices)
    template = models.ForeignKey(
        MessageTemplate,
        verbose_name=_("template"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="sends",
    )
    campaign = models.ForeignKey(
        Campaign,
        verbose_name=_("campaign"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="sends",
    )
    step = models.ForeignKey(
        JourneyStep,
        verbose_name=_("journey step"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="sends",
    )
    enrollment = models.ForeignKey(
        Enrollment,
        verbose_name=_("enrolment"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="sends",
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.CLAIMED)
    skip_reason = models.CharField(_("why not sent"), max_length=16, choices=Skip.choices, blank=True)
    language = models.CharField(_("language"), max_length=10, blank=True)
    to_address = models.CharField(_("to"), max_length=254, blank=True)
    subject = models.CharField(_("subject"), max_length=200, blank=True)
    error = models.CharField(_("error"), max_length=300, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    claimed_at = models.DateTimeField(_("claimed"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    bounced_at = models.DateTimeField(_("bounced"), null=True, blank=True)
    opened_at = models.DateTimeField(_("opened"), null=True, blank=True)
    clicked_at = models.DateTimeField(_("clicked"), null=True, blank=True)
    clicks = models.PositiveIntegerField(_("clicks"), default=0)
    unsubscribed_at = models.DateTimeField(_("unsubscribed"), null=True, blank=True)

    class Meta:
        ordering = ["-claimed_at", "-id"]
        verbose_name = _("sent message")
        verbose_name_plural = _("sent messages")
        indexes = [
            models.Index(fields=["customer", "sent_at"], name="engagement_send_cap"),
            models.Index(fields=["campaign", "status"], name="engagement_send_campaign"),
            models.Index(fields=["step", "status"], name="engagement_send_step"),
            models.Index(fields=["status", "claimed_at"], name="engagement_send_stale"),
        ]

    def __str__(self) -> str:
        return self.key
