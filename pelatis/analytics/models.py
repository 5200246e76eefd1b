"""Stored results: the dashboard's cached numbers, the fitted CLV models and each customer's scores."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pelatis.customers.models import Customer


class MetricSnapshot(models.Model):
    """One computed dashboard for one set of filters (the key is a digest of them)."""

    key = models.CharField(_("key"), max_length=64, unique=True)
    params = models.JSONField(_("filters"), default=dict)
    data = models.JSONField(_("numbers"), default=dict)
    computed_at = models.DateTimeField(_("computed at"), default=timezone.now)
    seconds = models.FloatField(_("seconds taken"), default=0.0)

    class Meta:
        verbose_name = _("dashboard snapshot")
        verbose_name_plural = _("dashboard snapshots")

    def __str__(self) -> str:
        return f"metrics {self.key[:8]} at {self.computed_at:%Y-%m-%d %H:%M}"


class ClvFit(models.Model):
    """One run of `pelatis clv fit`: the fitted BG/NBD and Gamma-Gamma parameters."""

    fitted_at = models.DateTimeField(_("fitted at"), default=timezone.now)
    as_of = models.DateField(_("orders up to"))
    unit = models.CharField(_("time unit"), max_length=1, default="W")
    purchase_params = models.JSONField(
        _("purchase model (BG/NBD) parameters"), default=dict
    )  # BG/NBD r, alpha, a, b
    spend_params = models.JSONField(
        _("spend model (Gamma-Gamma) parameters"), default=dict
    )  # Gamma-Gamma p, q, v
    customers = models.PositiveIntegerField(_("customers"), default=0)
    distinct_rows = models.PositiveIntegerField(_("distinct customer histories"), default=0)
    seconds = models.FloatField(_("seconds taken"), default=0.0)

    class Meta:
        verbose_name = _("CLV model fit")
        verbose_name_plural = _("CLV model fits")
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

    customer = models.OneToOneField(
        Customer, verbose_name=_("customer"), on_delete=models.CASCADE, primary_key=True, related_name="value"
    )
    orders = models.PositiveIntegerField(_("orders"), default=0)
    revenue = models.FloatField(_("historical value"), default=0.0)
    first_order = models.DateField(_("first order"), null=True)
    last_order = models.DateField(_("last order"), null=True)
    recency_score = models.PositiveSmallIntegerField(_("recency score"), default=0)
    frequency_score = models.PositiveSmallIntegerField(_("frequency score"), default=0)
    monetary_score = models.PositiveSmallIntegerField(_("monetary score"), default=0)
    segment = models.CharField(_("segment"), max_length=12, choices=Segment.choices, db_index=True)
    p_alive = models.FloatField(_("probability still active"), null=True)
    expected_purchases = models.FloatField(_("expected purchases, next 12 months"), null=True)
    clv = models.FloatField(_("predicted value, next 12 months"), null=True, db_index=True)
    computed_at = models.DateTimeField(_("scored at"), default=timezone.now)

    class Meta:
        verbose_name = _("customer value")
        verbose_name_plural = _("customer values")

    def __str__(self) -> str:
        return f"{self.customer_id}: {self.segment}"
