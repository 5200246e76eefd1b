"""Surveys sent to customers and their answers, reviews and mentions from outside, and opt-outs."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pelatis.customers.models import Customer, Tag
from pelatis.helpdesk.models import Ticket


class SentimentFields(models.Model):
    """The sentiment of a piece of feedback text, stored when the text arrives (empty label: no text)."""

    sentiment_label = models.CharField(_("sentiment"), max_length=10, blank=True)
    sentiment_score = models.FloatField(_("sentiment score"), null=True, blank=True)

    class Meta:
        abstract = True


class FollowUpFields(models.Model):
    """The ticket opened once to follow up an unhappy answer or review."""

    follow_up_ticket = models.ForeignKey(
        Ticket,
        verbose_name=_("follow-up ticket"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        abstract = True


class CsatSurvey(SentimentFields, FollowUpFields):
    """One satisfaction question per resolved ticket: a 1–5 rating and an optional comment.

    A second click changes the rating; it never counts twice.
    """

    ticket = models.OneToOneField(
        Ticket, verbose_name=_("ticket"), on_delete=models.CASCADE, related_name="csat"
    )
    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.CASCADE, related_name="csat_surveys"
    )
    language = models.CharField(_("language"), max_length=10, default="el")
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    score = models.PositiveSmallIntegerField(_("rating"), null=True, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True, db_index=True)

    class Meta:
        verbose_name = _("satisfaction survey")
        verbose_name_plural = _("satisfaction surveys")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(score__isnull=True) | models.Q(score__gte=1, score__lte=5),
                name="csat_score_1_to_5",
            )
        ]

    def __str__(self) -> str:
        return f"CSAT #{self.ticket_id}: {self.score or '-'}"


class NpsCampaign(models.Model):
    """Who is asked "how likely are you to recommend us?" and how often."""

    class Segment(models.TextChoices):
        ALL = "all", _("All customers")
        TAG = "tag", _("Customers with a tag")
        RECENT_ORDER = "recent_order", _("Customers with an order in the last N days")
        AUDIENCE = "audience", _("Customers of a saved segment")

    name = models.CharField(_("name"), max_length=120)
    segment = models.CharField(_("who"), max_length=14, choices=Segment.choices, default=Segment.ALL)
    tag = models.ForeignKey(
        Tag, verbose_name=_("tag"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    order_days = models.PositiveIntegerField(_("ordered within (days)"), null=True, blank=True)
    # An audience another app offers (NPS_AUDIENCES), as "<param>:<value>" ("segment:12"); the customers it
    # stands for are worked out at each run, and one that is gone matches nobody.
    audience = models.CharField(_("saved segment"), max_length=80, blank=True)
    # Not stored: the audience's label as the pages show it (the segment's name; empty once it is gone).
    audience_label = ""
    # No customer is asked more often than this, whichever campaign asked last.
    interval_days = models.PositiveIntegerField(_("ask each customer at most every (days)"), default=90)
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("NPS campaign")
        verbose_name_plural = _("NPS campaigns")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(segment="tag") | models.Q(tag__isnull=False),
                name="nps_campaign_tag_segment_has_tag",
            ),
            models.CheckConstraint(
                condition=~models.Q(segment="recent_order") | models.Q(order_days__gte=1),
                name="nps_campaign_order_segment_has_days",
            ),
            models.CheckConstraint(
                condition=~models.Q(segment="audience") | ~models.Q(audience=""),
                name="nps_campaign_audience_segment_has_audience",
            ),
            models.CheckConstraint(
                condition=models.Q(interval_days__gte=1), name="nps_campaign_interval_positive"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class NpsRun(models.Model):
    """One run of a campaign by the worker: how many surveys it sent."""

    campaign = models.ForeignKey(
        NpsCampaign, verbose_name=_("campaign"), on_delete=models.CASCADE, related_name="runs"
    )
    ran_at = models.DateTimeField(_("ran at"), default=timezone.now)
    sent = models.PositiveIntegerField(_("sent"), default=0)
    failed = models.PositiveIntegerField(_("not sent"), default=0)

    class Meta:
        verbose_name = _("NPS campaign run")
        verbose_name_plural = _("NPS campaign runs")
        ordering = ["-ran_at", "-id"]

    def __str__(self) -> str:
        return f"{self.campaign_id} {self.ran_at:%Y-%m-%d %H:%M}: {self.sent}"


class NpsResponse(SentimentFields, FollowUpFields):
    """One NPS question sent to one customer: a 0–10 score and a "why?"; a second click changes the score."""

    campaign = models.ForeignKey(
        NpsCampaign, verbose_name=_("campaign"), on_delete=models.PROTECT, related_name="responses"
    )
    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.CASCADE, related_name="nps_responses"
    )
    language = models.CharField(_("language"), max_length=10, default="el")
    sent_at = models.DateTimeField(_("sent at"), db_index=True)
    # sent_at plus the sending campaign's interval: no campaign asks this customer again before then.
    ask_again_after = models.DateTimeField(_("ask again after"), db_index=True)
    score = models.PositiveSmallIntegerField(_("score"), null=True, blank=True)
    comment = models.TextField(_("why?"), blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True, db_index=True)

    class Meta:
        ordering = ["-sent_at", "-id"]
        verbose_name = _("NPS response")
        verbose_name_plural = _("NPS responses")
        indexes = [models.Index(fields=["customer", "-sent_at"], name="nps_customer_recent")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(score__isnull=True) | models.Q(score__lte=10), name="nps_score_0_to_10"
            )
        ]

    def __str__(self) -> str:
        return f"NPS {self.customer_id}: {'-' if self.score is None else self.score}"

    @property
    def category(self) -> str:
        """promoter (9–10), passive (7–8), detractor (0–6), or "" before an answer."""
        if self.score is None:
            return ""
        return "promoter" if self.score >= 9 else "passive" if self.score >= 7 else "detractor"


class Review(SentimentFields, FollowUpFields):
    """A review or social mention from an outside platform, and our answer to it."""

    class Kind(models.TextChoices):
        REVIEW = "review", _("Review")
        MENTION = "mention", _("Mention")

    platform = models.CharField(_("platform"), max_length=40)
    external_id = models.CharField(_("id on the platform"), max_length=200)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.REVIEW)
    rating = models.PositiveSmallIntegerField(_("rating (1–5)"), null=True, blank=True)
    text = models.TextField(_("text"), blank=True)
    author = models.CharField(_("author"), max_length=200, blank=True)
    author_email = models.CharField(_("author's email"), max_length=254, blank=True)
    author_phone = models.CharField(_("author's phone"), max_length=20, blank=True)
    url = models.URLField(_("link"), max_length=500, blank=True)
    published_at = models.DateTimeField(_("published"), db_index=True)
    language = models.CharField(_("language"), max_length=10, blank=True)
    customer = models.ForeignKey(
        Customer,
        verbose_name=_("customer"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reviews",
    )
    answer = models.TextField(_("our answer"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("answered by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    received_at = models.DateTimeField(_("received at"), default=timezone.now)

    class Meta:
        ordering = ["-published_at", "-id"]
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        constraints = [
            models.UniqueConstraint(fields=["platform", "external_id"], name="review_unique_per_platform"),
            models.CheckConstraint(
                condition=models.Q(rating__isnull=True) | models.Q(rating__gte=1, rating__lte=5),
                name="review_rating_1_to_5",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.platform}:{self.external_id}"

    @property
    def is_negative(self) -> bool:
        """Rated 1–2, or unrated with negative sentiment: the team follows it up."""
        if self.rating is not None:
            return self.rating <= 2
        return self.sentiment_label == "negative"
