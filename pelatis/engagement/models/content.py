"""Message templates for email and SMS, one version per language; the customer's language picks the
version and the template's fallback language covers the others."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    EMAIL = "email", _("Email")
    SMS = "sms", _("SMS")


class Purpose(models.TextChoices):
    """What a message is for; consent is checked per purpose and channel when it is sent."""

    SERVICE = "service", _("Service")
    MARKETING = "marketing", _("Marketing")
    SURVEYS = "surveys", _("Surveys")


class MessageTemplate(models.Model):
    name = models.CharField(_("name"), max_length=120, unique=True)
    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices, default=Channel.EMAIL)
    purpose = models.CharField(
        _("purpose"), max_length=12, choices=Purpose.choices, default=Purpose.MARKETING
    )
    fallback_language = models.CharField(_("fallback language"), max_length=10, default="el")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("message template")
        verbose_name_plural = _("message templates")

    def __str__(self) -> str:
        return self.name


class TemplateVersion(models.Model):
    """The template in one language. ``subject`` and ``body`` use placeholders such as
    ``{{ greeting }}``, ``{{ first_name }}``, ``{{ points }}`` (the list is in the renderer)."""

    template = models.ForeignKey(
        MessageTemplate, verbose_name=_("template"), on_delete=models.CASCADE, related_name="versions"
    )
    language = models.CharField(_("language"), max_length=10)
    subject = models.CharField(_("subject"), max_length=200, blank=True)
    body = models.TextField(_("text"))
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["template", "language"]
        verbose_name = _("template version")
        verbose_name_plural = _("template versions")
        constraints = [
            models.UniqueConstraint(
                fields=["template", "language"], name="engagement_version_one_per_language"
            )
        ]

    def __str__(self) -> str:
        return f"{self.template} ({self.language})"
