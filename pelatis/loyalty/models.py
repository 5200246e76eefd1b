"""The loyalty programme's rules, each customer's account, and the append-only ledger of points.

The balance is the ledger's sum; ``LoyaltyAccount.balance`` caches it, is written only by the services
(with the account row locked) and can never be negative: a database constraint is the last guard.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pelatis.customers.models import Customer

MAX_MULTIPLIER = Decimal("100")


def multipliers_validate(value: Any) -> None:
    """``{category: multiplier}`` with a non-empty category and a multiplier from 0 to 100."""
    if not isinstance(value, dict):
        raise ValidationError(_("Category multipliers must map each category to a number."))
    for category, multiplier in value.items():
        if not isinstance(category, str) or not category.strip():
            raise ValidationError(_("A category multiplier needs a category name."))
        try:
            number = Decimal(str(multiplier))
        except InvalidOperation:
            number = Decimal("-1")
        if isinstance(multiplier, bool) or not number.is_finite() or not 0 <= number <= MAX_MULTIPLIER:
            raise ValidationError(
                _("The multiplier of “%(category)s” must be a number from 0 to 100.") % {"category": category}
            )


class LoyaltyProgramme(models.Model):
    """The programme's rules: one row (``LoyaltyProgramme.current()``)."""

    points_per_euro = models.DecimalField(
        _("points per euro"), max_digits=8, decimal_places=2, default=Decimal("1")
    )
    expiry_months = models.PositiveSmallIntegerField(_("points expire after (months)"), default=24)
    first_purchase_bonus = models.PositiveIntegerField(_("first purchase bonus (points)"), default=0)
    category_multipliers = models.JSONField(
        _("category multipliers"), default=dict, blank=True, validators=[multipliers_validate]
    )
    active = models.BooleanField(_("active"), default=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("loyalty programme")
        verbose_name_plural = _("loyalty programmes")
        constraints = [
            models.CheckConstraint(condition=models.Q(id=1), name="loyalty_programme_one_row"),
            models.CheckConstraint(
                condition=models.Q(points_per_euro__gte=0), name="loyalty_programme_rate_not_negative"
            ),
            models.CheckConstraint(
                condition=models.Q(expiry_months__gte=1), name="loyalty_expiry_months_min"
            ),
        ]

    def __str__(self) -> str:
        return str(_("Loyalty programme"))

    @classmethod
    def current(cls) -> LoyaltyProgramme:
        """The programme's one row, with the defaults until a manager changes them."""
        programme, _created = cls.objects.get_or_create(pk=1)
        return programme

    def multiplier(self, category: str) -> Decimal:
        """The category's multiplier (1 for a category without one)."""
        value = self.category_multipliers.get(category) if category else None
        return Decimal(str(value)) if value is not None else Decimal("1")


class LoyaltyAccount(models.Model):
    customer = models.OneToOneField(
        Customer, verbose_name=_("customer"), on_delete=models.CASCADE, related_name="loyalty_account"
    )
    # The ledger's sum, kept by the services in the same transaction as each entry.
    balance = models.IntegerField(_("balance (points)"), default=0)
    created_at = models.DateTimeField(_("opened"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("loyalty account")
        verbose_name_plural = _("loyalty accounts")
        permissions = [("redeem_points", _("Can redeem points")), ("adjust_points", _("Can adjust points"))]
        constraints = [
            models.CheckConstraint(condition=models.Q(balance__gte=0), name="loyalty_balance_not_negative")
        ]

    def __str__(self) -> str:
        return f"{self.customer}: {self.balance}"


class LedgerEntry(models.Model):
    """One movement of points; never changed or deleted once written."""

    class Kind(models.TextChoices):
        EARN = "earn", _("Earned")
        REDEEM = "redeem", _("Redeemed")
        EXPIRE = "expire", _("Expired")
        ADJUST = "adjust", _("Adjusted")
        REVERSE = "reverse", _("Reversed")

    account = models.ForeignKey(
        LoyaltyAccount, verbose_name=_("account"), on_delete=models.CASCADE, related_name="entries"
    )
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    points = models.IntegerField(_("points"))
    # No foreign key: an import undo may delete the order, and its entries must stay.
    order_id = models.BigIntegerField(_("order id"), null=True, blank=True)
    order_reference = models.CharField(_("order reference"), max_length=64, blank=True)
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("when"), default=timezone.now, editable=False)
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("ledger entry")
        verbose_name_plural = _("ledger entries")
        indexes = [
            models.Index(fields=["account", "-created_at", "-id"], name="loyalty_entry_account_recent"),
            models.Index(fields=["kind", "expires_at"], name="loyalty_entry_expiry"),
        ]
        constraints = [
            # An order earns once and is reversed once, whichever path tells loyalty about it and how often.
            models.UniqueConstraint(
                fields=["order_id", "kind"],
                condition=models.Q(order_id__isnull=False, kind__in=["earn", "reverse"]),
                name="loyalty_entry_order_once",
            ),
            models.CheckConstraint(
                condition=models.Q(kind="earn", points__gt=0)
                | models.Q(kind__in=["redeem", "expire"], points__lt=0)
                | models.Q(kind="reverse", points__lte=0)
                | (models.Q(kind="adjust") & ~models.Q(points=0)),
                name="loyalty_entry_sign_of_kind",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.points:+d}"
