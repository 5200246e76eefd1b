"""The interaction timeline every channel and app writes to."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .customers import Customer


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
