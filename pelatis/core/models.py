"""The business's own details, which brand its public pages and emails (every app reads them)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class BusinessProfile(models.Model):
    """The business that runs this install (one row, id 1): its name, logo, address and colour,
    shown on the support form, the customer portal, every email and the staff header."""

    SINGLE_ID = 1

    name = models.CharField(
        _("business name"), max_length=120, help_text=_("As customers know you, e.g. «Ξενοδοχείο Αιγαίο».")
    )
    legal_name = models.CharField(
        _("legal name"),
        max_length=200,
        blank=True,
        help_text=_("The registered company name, e.g. «Αιγαίο Τουριστική Μ.Ι.Κ.Ε.»."),
    )
    logo = models.BinaryField(_("logo"), blank=True, default=b"", editable=False)
    logo_type = models.CharField(_("logo format"), max_length=20, blank=True, editable=False)
    address = models.TextField(_("address"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.EmailField(_("email"), blank=True)
    website = models.URLField(_("website"), blank=True)
    primary_colour = models.CharField(_("main colour"), max_length=7, default="#2f5bd3")
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("updated by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("business profile")
        verbose_name_plural = _("business profiles")
        db_table = "web_businessprofile"  # made by the site shell's migrations before the core existed
        constraints = [models.CheckConstraint(condition=models.Q(id=1), name="business_profile_single_row")]

    def __str__(self) -> str:
        return self.name


class AuditEvent(models.Model):
    """One access to or change of personal data: who, from where, when, what, and which fields.

    Append-only: the app offers no way to change or delete an entry (``save`` refuses an update,
    ``delete`` refuses outright, and the admin is read-only). ``customer_id`` is a plain number,
    not a foreign key, so the trail outlives a merged or erased customer. Old values are kept
    only for the fields ``pelatis.core.audit`` allows; the others are named, not copied."""

    at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    actor_name = models.CharField(_("user name"), max_length=150, blank=True)
    action = models.CharField(_("action"), max_length=40, db_index=True)
    customer_id = models.BigIntegerField(_("customer"), null=True, blank=True, db_index=True)
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    fields = models.JSONField(_("fields changed"), default=list, blank=True)
    detail = models.CharField(_("detail"), max_length=300, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit log")
        indexes = [models.Index(fields=["customer_id", "-at"], name="audit_customer_at")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_name or '-'} {self.action} {self.customer_id or ''}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise PermissionError("audit entries cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise PermissionError("audit entries cannot be deleted")
