"""Engagement pages: each area keeps its own URL list; the names live in the ``engagement`` namespace."""

from __future__ import annotations

from django.urls import URLPattern

from . import urls_campaigns, urls_content, urls_journeys, urls_public, urls_segments

app_name = "engagement"
urlpatterns: list[URLPattern] = [
    *urls_segments.urlpatterns,
    *urls_content.urlpatterns,
    *urls_campaigns.urlpatterns,
    *urls_journeys.urlpatterns,
    *urls_public.urlpatterns,
]
