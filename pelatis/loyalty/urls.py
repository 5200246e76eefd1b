"""Loyalty pages."""

from __future__ import annotations

from django.urls import URLPattern

app_name = "loyalty"
urlpatterns: list[URLPattern] = []
