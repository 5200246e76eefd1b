from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import (
    AgentProfile,
    Calendar,
    CannedReply,
    Message,
    RoutingRule,
    SlaPolicy,
    Team,
    Ticket,
    ToneRule,
)

# The admin speaks the product's name in the user's language.
admin.site.site_header = _("Pelatis administration")
admin.site.site_title = _("Pelatis administration")
admin.site.index_title = _("Settings and records")


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin[Team]):
    list_display = ["name", "email"]
    filter_horizontal = ["members"]


@admin.register(AgentProfile)
class AgentProfileAdmin(admin.ModelAdmin[AgentProfile]):
    list_display = ["user", "title", "languages", "skills", "available"]
    fields = ["user", "title", "signature", "languages", "skills", "available"]


@admin.register(Calendar)
class CalendarAdmin(admin.ModelAdmin[Calendar]):
    list_display = ["name", "time_zone", "holiday_country"]


@admin.register(SlaPolicy)
class SlaPolicyAdmin(admin.ModelAdmin[SlaPolicy]):
    list_display = [
        "name",
        "rank",
        "priority",
        "ticket_type",
        "first_response_minutes",
        "resolution_minutes",
        "active",
    ]
    list_editable = ["rank", "active"]


@admin.register(RoutingRule)
class RoutingRuleAdmin(admin.ModelAdmin[RoutingRule]):
    list_display = [
        "name",
        "rank",
        "language",
        "ticket_type",
        "channel",
        "skill",
        "team",
        "strategy",
        "active",
    ]
    list_editable = ["rank", "active"]


@admin.register(CannedReply)
class CannedReplyAdmin(admin.ModelAdmin[CannedReply]):
    list_display = ["name", "language", "team", "active"]
    list_filter = ["language", "active"]


@admin.register(ToneRule)
class ToneRuleAdmin(admin.ModelAdmin[ToneRule]):
    list_display = ["rule_id", "language", "category", "pattern", "severity", "active"]
    list_filter = ["language", "category", "active"]


@admin.register(Ticket)
class TicketAdmin(admin.ModelAdmin[Ticket]):
    list_display = ["id", "subject", "customer", "status", "priority", "assignee", "created_at"]
    list_filter = ["status", "priority", "type"]
    raw_id_fields = ["customer", "merged_into", "assignee"]
    search_fields = ["subject"]


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin[Message]):
    """Read-only: messages are written by the help desk services (replies, email ingestion)."""

    list_display = ["id", "ticket", "direction", "author", "delivery", "created_at"]
    list_filter = ["direction", "delivery"]
    raw_id_fields = ["ticket", "author", "origin_ticket"]

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False
