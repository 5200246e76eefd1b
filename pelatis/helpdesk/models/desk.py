"""The desk's set-up: teams and agents, business calendars and SLA policies, canned replies, routing and
tone rules."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from pelatis.customers.models import Tag


class Team(models.Model):
    name = models.CharField(_("name"), max_length=80, unique=True)
    members = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="helpdesk_teams")
    email = models.EmailField(
        _("team address"), blank=True, help_text=_("Mail to this address lands with this team.")
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("team")
        verbose_name_plural = _("teams")

    def __str__(self) -> str:
        return self.name


class AgentProfile(models.Model):
    """What routing needs to know of an agent: languages spoken, skills, load."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="agent_profile"
    )
    languages = models.JSONField(_("languages spoken"), default=list, blank=True)
    skills = models.JSONField(_("skills"), default=list, blank=True)
    available = models.BooleanField(_("taking new tickets"), default=True)
    # How replies are signed: the full name and this title, or the agent's own signature when set;
    # never the login name.
    title = models.CharField(
        _("job title"),
        max_length=100,
        blank=True,
        help_text=_("Shown under your name in replies, e.g. “Reservations”."),
    )
    signature = models.TextField(
        _("signature"),
        blank=True,
        max_length=1000,
        help_text=_("Replaces name and title at the end of your replies when filled in."),
    )

    class Meta:
        verbose_name = _("agent profile")
        verbose_name_plural = _("agent profiles")

    def __str__(self) -> str:
        return str(self.user)


class Calendar(models.Model):
    """Business hours for SLA clocks; see helpdesk.calendar for the engine."""

    name = models.CharField(_("name"), max_length=80, unique=True)
    time_zone = models.CharField(_("time zone"), max_length=50, default="Europe/Athens")
    # {"0": [["09:00", "17:00"]], ...}: weekday (0 = Monday) → open spans
    weekly = models.JSONField(_("weekly hours"), default=dict)
    # [{"name": "High season", "start": [5, 1], "end": [10, 31], "hours": {"0": [["08:00", "22:00"]]}}]
    seasons = models.JSONField(_("seasons"), default=list, blank=True)
    # [{"start": "2026-12-27", "end": "2026-12-31", "name": "Closed", "hours": []}]
    closures = models.JSONField(_("closures"), default=list, blank=True)
    holiday_country = models.CharField(_("public holidays of"), max_length=2, default="GR", blank=True)
    holiday_subdiv = models.CharField(max_length=10, blank=True)
    open_on_holidays = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("business calendar")
        verbose_name_plural = _("business calendars")

    def __str__(self) -> str:
        return self.name


class SlaPolicy(models.Model):
    """Targets in business minutes; the first active policy whose conditions match applies."""

    name = models.CharField(_("name"), max_length=80)
    rank = models.PositiveIntegerField(_("order"), default=100)
    active = models.BooleanField(default=True)
    priority = models.CharField(_("priority"), max_length=10, blank=True)
    ticket_type = models.CharField(_("type"), max_length=20, blank=True)
    customer_tag = models.ForeignKey(Tag, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    country = models.CharField(_("customer country"), max_length=2, blank=True)
    calendar = models.ForeignKey(Calendar, on_delete=models.PROTECT, related_name="policies")
    first_response_minutes = models.PositiveIntegerField(_("first response (business minutes)"))
    next_response_minutes = models.PositiveIntegerField(
        _("next response (business minutes)"), null=True, blank=True
    )
    resolution_minutes = models.PositiveIntegerField(
        _("resolution (business minutes)"), null=True, blank=True
    )

    class Meta:
        ordering = ["rank", "id"]
        verbose_name = _("SLA policy")
        verbose_name_plural = _("SLA policies")

    def __str__(self) -> str:
        return self.name


class CannedReply(models.Model):
    """An agreed reply with placeholders such as {title_name}, {order}, {agent}."""

    name = models.CharField(_("name"), max_length=100)
    language = models.CharField(_("language"), max_length=10, default="el")
    body = models.TextField(_("text"))
    team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.CASCADE, related_name="canned_replies"
    )
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name", "language"]
        verbose_name = _("canned reply")
        verbose_name_plural = _("canned replies")
        constraints = [
            models.UniqueConstraint(fields=["name", "language"], name="canned_reply_unique_per_language")
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.language})"


class RoutingRule(models.Model):
    """Where new tickets go: the first active rule (by rank) whose conditions match picks team and agent."""

    class Strategy(models.TextChoices):
        NONE = "none", _("Team only")
        ROUND_ROBIN = "round_robin", _("Round robin")
        LEAST_LOADED = "least_loaded", _("Least loaded")

    name = models.CharField(_("name"), max_length=80)
    rank = models.PositiveIntegerField(_("order"), default=100)
    active = models.BooleanField(default=True)
    language = models.CharField(_("language"), max_length=10, blank=True)
    ticket_type = models.CharField(_("type"), max_length=12, blank=True)
    channel = models.CharField(_("channel"), max_length=12, blank=True)
    skill = models.CharField(
        _("skill"), max_length=40, blank=True, help_text=_("Only agents with this skill")
    )
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="routing_rules")
    strategy = models.CharField(
        _("assignment"), max_length=14, choices=Strategy.choices, default=Strategy.LEAST_LOADED
    )
    last_assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )

    class Meta:
        ordering = ["rank", "id"]
        verbose_name = _("routing rule")
        verbose_name_plural = _("routing rules")

    def __str__(self) -> str:
        return self.name


class ToneRule(models.Model):
    """A manager's own tone rule, or an override of a shipped one (same rule id), or a shipped one switched off."""

    rule_id = models.SlugField(_("rule id"), max_length=60, unique=True)
    language = models.CharField(_("language"), max_length=3, default="el", help_text=_("el, en or * for all"))
    category = models.CharField(_("category"), max_length=12, default="blaming")
    pattern = models.CharField(
        _("pattern"), max_length=500, help_text=_("Words or phrases; * for inflected endings")
    )
    message = models.CharField(_("why"), max_length=300)
    suggestion = models.CharField(_("agreed wording"), max_length=300)
    severity = models.CharField(
        _("severity"), max_length=4, default="warn", choices=[("warn", _("Warning")), ("hint", _("Hint"))]
    )
    formal_only = models.BooleanField(_("only for formal address"), default=False)
    active = models.BooleanField(
        _("active"), default=True, help_text=_("Untick to switch a shipped rule off")
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["rule_id"]
        verbose_name = _("tone rule")
        verbose_name_plural = _("tone rules")

    def __str__(self) -> str:
        return self.rule_id
