"""Engagement pages: public tracking links (signed, no login)."""

from __future__ import annotations

from django.urls import URLPattern, path

from .views import public

urlpatterns: list[URLPattern] = [
    path("c/<str:token>/", public.click_view, name="click"),
    path("o/<str:token>.gif", public.open_view, name="open"),
]
