"""Surveys sent to customers and their answers."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pelatis.customers.models import Customer
from pelatis.helpdesk.models import Ticket


class CsatSurvey(models.Model):
    """One satisfaction question per resolved ticket: a 1–5 rating and an optional comment.

    A second click changes the rating; it never counts twice.
    """

    ticket = models.OneToOneField(Ticket, on_delete=models.CASCADE, related_name="csat")
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="csat_surveys")
    language = models.CharField(max_length=10, default="el")
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    score = models.PositiveSmallIntegerField(_("rating"), null=True, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    answered_at = models.DateTimeField(null=True, blank=True, db_index=True)
    follow_up_ticket = models.ForeignKey(Ticket, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-created_at"]
        constraints = [models.CheckConstraint(condition=models.Q(score__isnull=True) | models.Q(score__gte=1, score__lte=5),
                                              name="csat_score_1_to_5")]

    def __str__(self) -> str:
        return f"CSAT #{self.ticket_id}: {self.score or '-'}"
