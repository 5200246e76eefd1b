"""The loyalty programme's rules and tiers, rewards, each customer's account, and the append-only ledger.

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


class TierBasis(models.TextChoices):
    SPEND = "spend", _("Spend in the last 12 months (euros)")
    POINTS = "points", _("Points earned in the last 12 months")


class LoyaltyProgramme(models.Model):
    """The programme's rules: one row (``LoyaltyProgramme.current()``)."""

    points_per_euro = models.DecimalField(
        _("points per euro"), max_digits=8, decimal_places=2, default=Decimal("1")
    )
    expiry_months = models.PositiveSmallIntegerField(_("points expire after (months)"), default=24)
    first_purchase_bonus = models.PositiveIntegerField(_("first purchase bonus (points)"), default=0)
    birthday_bonus = models.PositiveIntegerField(_("birthday bonus (points)"), default=0)
    name_day_bonus = models.PositiveIntegerField(_("name day bonus (points)"), default=0)
    survey_bonus = models.PositiveIntegerField(
        _("survey bonus (points)"), default=0, help_text=_("For answering a satisfaction or NPS survey.")
    )
    compliment_bonus = models.PositiveIntegerField(
        _("compliment bonus (points)"),
        default=0,
        help_text=_("For a top score: CSAT 5, NPS 9 or 10, or a five-star review."),
    )
    tier_basis = models.CharField(
        _("tiers by"), max_length=8, choices=TierBasis.choices, default=TierBasis.SPEND
    )
    tier_grace_days = models.PositiveSmallIntegerField(
        _("days before a downgrade"),
        default=60,
        help_text=_("A customer who falls below their tier keeps it this many days before moving down."),
    )
    expiry_warning_days = models.PositiveSmallIntegerField(
        _("warn of expiring points (days before)"),
        default=30,
        help_text=_("Customers get one email this many days before their points expire; 0 sends none."),
    )
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


class Tier(models.Model):
    """A level of the programme: reached at ``threshold`` (euros or points in 12 months, by the programme)."""

    name = models.CharField(_("name"), max_length=100)
    name_en = models.CharField(_("name in English"), max_length=100, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    threshold = models.DecimalField(
        _("threshold"),
        max_digits=12,
        decimal_places=2,
        help_text=_("Spend (euros) or points earned in the last 12 months that reach this tier."),
    )
    discount_percent = models.DecimalField(
        _("discount (%)"), max_digits=5, decimal_places=2, default=Decimal("0")
    )
    free_delivery = models.BooleanField(_("free delivery"), default=False)
    early_access = models.BooleanField(_("early access to sales"), default=False)
    exclusive_offers = models.BooleanField(_("exclusive offers"), default=False)
    perks = models.TextField(_("other perks"), blank=True)

    class Meta:
        ordering = ["threshold", "position", "id"]
        verbose_name = _("tier")
        verbose_name_plural = _("tiers")
        constraints = [
            models.UniqueConstraint(fields=["threshold"], name="loyalty_tier_threshold_unique"),
            models.CheckConstraint(condition=models.Q(threshold__gte=0), name="loyalty_tier_threshold_min"),
            models.CheckConstraint(
                condition=models.Q(discount_percent__gte=0, discount_percent__lte=100),
                name="loyalty_tier_discount_range",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def label(self, language: str) -> str:
        """The name a reader of ``language`` sees: the English name for English when there is one."""
        if language.lower().startswith("en") and self.name_en:
            return self.name_en
        return self.name


class Reward(models.Model):
    """Something a customer can take for points (a coffee, a voucher); ``stock`` None is unlimited."""

    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    points_cost = models.PositiveIntegerField(_("cost (points)"))
    active = models.BooleanField(_("active"), default=True)
    stock = models.PositiveIntegerField(_("stock"), null=True, blank=True, help_text=_("Empty: unlimited."))
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)

    class Meta:
        ordering = ["points_cost", "name", "id"]
        verbose_name = _("reward")
        verbose_name_plural = _("rewards")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(points_cost__gt=0), name="loyalty_reward_cost_positive"
            ),
            models.CheckConstraint(
                condition=models.Q(stock__isnull=True) | models.Q(stock__gte=0),
                name="loyalty_reward_stock_min",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class LoyaltyAccount(models.Model):
    customer = models.OneToOneField(
        Customer, verbose_name=_("customer"), on_delete=models.CASCADE, related_name="loyalty_account"
    )
    # The ledger's sum, kept by the services in the same transaction as each entry.
    balance = models.IntegerField(_("balance (points)"), default=0)
    created_at = models.DateTimeField(_("opened"), default=timezone.now, editable=False)
    # Written only by services.tiers.tiers_evaluate.
    tier = models.ForeignKey(
        Tier,
        verbose_name=_("tier"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="accounts",
    )
    tier_since = models.DateTimeField(_("in this tier since"), null=True, blank=True)
    # Set while the customer is below their tier: the downgrade happens once this passes.
    grace_until = models.DateTimeField(_("downgrade pending until"), null=True, blank=True)

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
        BONUS = "bonus", _("Bonus")
        CREDIT = "credit", _("Service credit")

    class BonusKind(models.TextChoices):
        FIRST_PURCHASE = "first_purchase", _("First purchase")
        BIRTHDAY = "birthday", _("Birthday")
        NAME_DAY = "name_day", _("Name day")
        SURVEY = "survey", _("Survey answered")
        COMPLIMENT = "compliment", _("Compliment")

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
    bonus_kind = models.CharField(_("bonus for"), max_length=16, choices=BonusKind.choices, blank=True)
    # What makes a bonus or credit happen once (e.g. "birthday:42:2026"); unique when not empty.
    key = models.CharField(_("key"), max_length=200, blank=True)
    # No foreign key: the help desk sits below loyalty's writes and a ticket may be deleted.
    ticket_id = models.BigIntegerField(_("ticket id"), null=True, blank=True)
    reward = models.ForeignKey(
        Reward,
        verbose_name=_("reward"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="redemptions",
    )

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
            models.UniqueConstraint(
                fields=["key"], condition=~models.Q(key=""), name="loyalty_entry_key_once"
            ),
            models.CheckConstraint(
                condition=models.Q(kind__in=["earn", "bonus", "credit"], points__gt=0)
                | models.Q(kind__in=["redeem", "expire"], points__lt=0)
                | models.Q(kind="reverse", points__lte=0)
                | (models.Q(kind="adjust") & ~models.Q(points=0)),
                name="loyalty_entry_sign_of_kind",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.points:+d}"


class TierChange(models.Model):
    """One move of an account between tiers (names kept, so the history reads after a tier is deleted)."""

    class Direction(models.TextChoices):
        UP = "up", _("Upgrade")
        DOWN = "down", _("Downgrade")

    account = models.ForeignKey(
        LoyaltyAccount, verbose_name=_("account"), on_delete=models.CASCADE, related_name="tier_changes"
    )
    from_tier = models.ForeignKey(
        Tier, verbose_name=_("from"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    to_tier = models.ForeignKey(
        Tier, verbose_name=_("to"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    from_name = models.CharField(_("from"), max_length=100, blank=True)
    to_name = models.CharField(_("to"), max_length=100, blank=True)
    direction = models.CharField(_("direction"), max_length=4, choices=Direction.choices)
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("tier change")
        verbose_name_plural = _("tier changes")
        indexes = [models.Index(fields=["account", "-at"], name="loyalty_tierchange_recent")]

    def __str__(self) -> str:
        return f"{self.from_name or '-'} → {self.to_name or '-'}"


class ExpiryWarning(models.Model):
    """The claim that makes the email "your points expire on …" go out once per account and expiry date."""

    class Status(models.TextChoices):
        CLAIMED = "claimed", _("Claimed")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        SKIPPED = "skipped", _("Skipped")

    account = models.ForeignKey(
        LoyaltyAccount, verbose_name=_("account"), on_delete=models.CASCADE, related_name="expiry_warnings"
    )
    expires_on = models.DateField(_("points expire on"))
    points = models.PositiveIntegerField(_("points"), default=0)
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.CLAIMED)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    error = models.CharField(_("error"), max_length=500, blank=True)
    claimed_at = models.DateTimeField(_("claimed"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        verbose_name = _("expiry warning")
        verbose_name_plural = _("expiry warnings")
        constraints = [
            models.UniqueConstraint(fields=["account", "expires_on"], name="loyalty_expiry_warning_once")
        ]
        indexes = [models.Index(fields=["status", "claimed_at"], name="loyalty_warning_status")]

    def __str__(self) -> str:
        return f"{self.account_id} {self.expires_on}"
