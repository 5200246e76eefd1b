"""Stored results: the dashboard's cached numbers, the fitted CLV models and each customer's scores."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pelatis.customers.models import Customer


class MetricSnapshot(models.Model):
    """One computed dashboard for one set of filters (the key is a digest of them)."""

    key = models.CharField(max_length=64, unique=True)
    params = models.JSONField(default=dict)
    data = models.JSONField(default=dict)
    computed_at = models.DateTimeField(default=timezone.now)
    seconds = models.FloatField(default=0.0)

    def __str__(self) -> str:
        return f"metrics {self.key[:8]} at {self.computed_at:%Y-%m-%d %H:%M}"


class ClvFit(models.Model):
    """One run of `pelatis clv fit`: the fitted BG/NBD and Gamma-Gamma parameters."""

    fitted_at = models.DateTimeField(default=timezone.now)
    as_of = models.DateField()
    unit = models.CharField(max_length=1, default="W")
    purchase_params = models.JSONField(default=dict)  # BG/NBD r, alpha, a, b
    spend_params = models.JSONField(default=dict)  # Gamma-Gamma p, q, v
    customers = models.PositiveIntegerField(default=0)
    distinct_rows = models.PositiveIntegerField(default=0)
    seconds = models.FloatField(default=0.0)

    class Meta:
        ordering = ["-fitted_at"]
        get_latest_by = "fitted_at"

    def __str__(self) -> str:
        return f"CLV fit as of {self.as_of}"


class Segment(models.TextChoices):
    """RFM segments from the recency and frequency scores (see docs/metrics.md)."""

    CHAMPIONS = "champions", _("Champions")
    LOYAL = "loyal", _("Loyal")
    POTENTIAL = "potential", _("Potential loyalists")
    NEW = "new", _("New customers")
    PROMISING = "promising", _("Promising")
    NEEDS_ATTENTION = "attention", _("Need attention")
    ABOUT_TO_SLEEP = "sleepy", _("About to sleep")
    AT_RISK = "at_risk", _("At risk")
    CANT_LOSE = "cant_lose", _("Can't lose them")
    HIBERNATING = "hibernating", _("Hibernating")


class CustomerValue(models.Model):
    """A customer's purchase summary, RFM scores and segment, and (after a fit) predicted value."""

    customer = models.OneToOneField(Customer, on_delete=models.CASCADE, primary_key=True, related_name="value")
    orders = models.PositiveIntegerField(default=0)
    revenue = models.FloatField(_("historical value"), default=0.0)
    first_order = models.DateField(null=True)
    last_order = models.DateField(null=True)
    recency_score = models.PositiveSmallIntegerField(default=0)
    frequency_score = models.PositiveSmallIntegerField(default=0)
    monetary_score = models.PositiveSmallIntegerField(default=0)
    segment = models.CharField(_("segment"), max_length=12, choices=Segment.choices, db_index=True)
    p_alive = models.FloatField(_("probability still a customer"), null=True)
    expected_purchases = models.FloatField(_("expected purchases, next 12 months"), null=True)
    clv = models.FloatField(_("predicted value, next 12 months"), null=True, db_index=True)
    computed_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.customer_id}: {self.segment}"
