"""Engagement pages."""

from __future__ import annotations

from django.urls import URLPattern

app_name = "engagement"
urlpatterns: list[URLPattern] = []
