"""Journeys: durable sequences the worker runs for each customer a trigger enrols (a first purchase, a
birthday, a name day, a renewal coming up, a customer lapsing...), one step after another."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pelatis.customers.models import Customer

from .content import Channel, MessageTemplate
from .segments import Segment


class Journey(models.Model):
    class Trigger(models.TextChoices):
        ONBOARDING = "onboarding", _("Onboarding after the first purchase or sign-up")
        CHECK_IN = "check_in", _("Check-in after a purchase or a resolved request")
        RENEWAL = "renewal", _("Renewal reminder before a subscription renews")
        BIRTHDAY = "birthday", _("Birthday greeting")
        NAME_DAY = "name_day", _("Name-day greeting")
        SEASONAL = "seasonal", _("Seasonal campaign")
        WIN_BACK = "win_back", _("Win-back of lapsing customers")
        CROSS_SELL = "cross_sell", _("Tips and accessories after a purchase in a category")

    name = models.CharField(_("name"), max_length=120, unique=True)
    trigger = models.CharField(_("trigger"), max_length=12, choices=Trigger.choices)
    # The trigger's settings, e.g. {"weeks": 3} for a check-in, {"days_before": 14} for a renewal,
    # {"category": "Ποδήλατα"} for tips after a purchase, {"month": 5, "day": 15} for a season.
    options = models.JSONField(_("settings"), default=dict, blank=True)
    audience = models.ForeignKey(
        Segment,
        verbose_name=_("audience"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="journeys",
        help_text=_("Only customers in this segment enter the journey (everyone when empty)."),
    )
    bonus_points = models.PositiveIntegerField(_("bonus points"), default=0)
    holdout_percent = models.PositiveSmallIntegerField(
        _("hold-out group (%)"), default=0, validators=[MaxValueValidator(50)]
    )
    conversion_days = models.PositiveSmallIntegerField(_("orders counted for (days)"), default=14)
    active = models.BooleanField(_("active"), default=False)
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
        verbose_name = _("journey")
        verbose_name_plural = _("journeys")

    def __str__(self) -> str:
        return self.name


class JourneyStep(models.Model):
    journey = models.ForeignKey(
        Journey, verbose_name=_("journey"), on_delete=models.CASCADE, related_name="steps"
    )
    position = models.PositiveSmallIntegerField(_("step"))
    delay_days = models.PositiveSmallIntegerField(_("days after the trigger"), default=0)
    template = models.ForeignKey(
        MessageTemplate, verbose_name=_("template"), on_delete=models.PROTECT, related_name="steps"
    )
    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices, default=Channel.EMAIL)

    class Meta:
        ordering = ["journey", "position"]
        verbose_name = _("journey step")
        verbose_name_plural = _("journey steps")
        constraints = [
            models.UniqueConstraint(fields=["journey", "position"], name="engagement_step_position_once")
        ]

    def __str__(self) -> str:
        return f"{self.journey} #{self.position}"


class Enrollment(models.Model):
    """A customer in a journey for one occurrence of its trigger (``occurrence``: the order, ticket or
    subscription id, or the year of a birthday or name day), so a trigger enrols a customer once."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("In progress")
        DONE = "done", _("Finished")
        EXITED = "exited", _("Left the journey")
        HELD_OUT = "held_out", _("Hold-out group")

    journey = models.ForeignKey(
        Journey, verbose_name=_("journey"), on_delete=models.CASCADE, related_name="enrollments"
    )
    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.CASCADE, related_name="enrollments"
    )
    occurrence = models.CharField(_("occurrence"), max_length=40)
    anchor_at = models.DateTimeField(_("triggered at"))
    next_position = models.PositiveSmallIntegerField(_("next step"), default=1)
    next_due_at = models.DateTimeField(_("next step due"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE)
    exit_reason = models.CharField(_("why it left"), max_length=40, blank=True)
    created_at = models.DateTimeField(_("entered"), default=timezone.now, editable=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("journey enrolment")
        verbose_name_plural = _("journey enrolments")
        indexes = [models.Index(fields=["status", "next_due_at"], name="engagement_enrol_due")]
        constraints = [
            models.UniqueConstraint(
                fields=["journey", "customer", "occurrence"], name="engagement_enrol_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.journey}: {self.customer_id} ({self.occurrence})"
