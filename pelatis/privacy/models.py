"""Consent per purpose and channel: an append-only history, the latest record of a pair is in force."""

from __future__ import annotations

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
