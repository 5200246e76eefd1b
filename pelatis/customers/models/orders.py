"""What customers bought: orders with their lines, and subscriptions."""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .customers import Customer


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
            # A customer's spend (segments, tiers): read from the index alone, without the table.
            models.Index(fields=["customer", "status", "total"], name="order_customer_spend"),
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
