from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from .models import CsatSurvey, NpsCampaign, NpsResponse, NpsRun, Review


class NpsRunInline(admin.TabularInline[NpsRun, NpsCampaign]):
    model = NpsRun
    extra = 0
    can_delete = False
    readonly_fields = ("ran_at", "sent", "failed")

    def has_add_permission(self, request: HttpRequest, obj: NpsCampaign | None = None) -> bool:
        return False


@admin.register(NpsCampaign)
class NpsCampaignAdmin(admin.ModelAdmin[NpsCampaign]):
    list_display = ("name", "segment", "tag", "order_days", "interval_days", "active")
    list_filter = ("active", "segment")
    inlines = [NpsRunInline]


@admin.register(NpsResponse)
class NpsResponseAdmin(admin.ModelAdmin[NpsResponse]):
    list_display = ("customer", "campaign", "sent_at", "score", "answered_at", "sentiment_label")
    list_filter = ("campaign", "sentiment_label")
    raw_id_fields = ("customer", "follow_up_ticket")
    readonly_fields = ("sent_at", "ask_again_after", "answered_at", "sentiment_label", "sentiment_score")


@admin.register(Review)
class ReviewAdmin(admin.ModelAdmin[Review]):
    list_display = (
        "platform",
        "external_id",
        "rating",
        "author",
        "published_at",
        "sentiment_label",
        "answered_at",
    )
    list_filter = ("platform", "kind", "sentiment_label")
    search_fields = ("external_id", "author", "text")
    raw_id_fields = ("customer", "follow_up_ticket", "answered_by")


@admin.register(CsatSurvey)
class CsatSurveyAdmin(admin.ModelAdmin[CsatSurvey]):
    list_display = ("ticket", "customer", "sent_at", "score", "answered_at", "sentiment_label")
    raw_id_fields = ("ticket", "customer", "follow_up_ticket")
