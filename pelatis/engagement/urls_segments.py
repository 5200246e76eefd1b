"""Engagement pages: segments."""

from __future__ import annotations

from django.urls import URLPattern, path

from .views import segments

urlpatterns: list[URLPattern] = [
    path("segments/", segments.segments_view, name="segments"),
    path("segments/new/", segments.segment_form_view, name="segment_new"),
    path("segments/count/", segments.segment_count_view, name="segment_count"),
    path("segments/preview/", segments.segment_preview_view, name="segment_preview"),
    path("segments/<int:pk>/", segments.segment_view, name="segment"),
    path("segments/<int:pk>/edit/", segments.segment_form_view, name="segment_edit"),
    path("segments/<int:pk>/delete/", segments.segment_delete_view, name="segment_delete"),
]
