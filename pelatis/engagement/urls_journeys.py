"""Engagement pages: journeys and the bought-together pairs."""

from __future__ import annotations

from django.urls import URLPattern, path

from .views import journeys

urlpatterns: list[URLPattern] = [
    path("journeys/", journeys.journeys_view, name="journeys"),
    path("journeys/new/", journeys.journey_form_view, name="journey_new"),
    path("journeys/<int:pk>/", journeys.journey_view, name="journey"),
    path("journeys/<int:pk>/edit/", journeys.journey_form_view, name="journey_edit"),
    path("journeys/<int:pk>/toggle/", journeys.journey_toggle_view, name="journey_toggle"),
    path("journeys/<int:pk>/run/", journeys.journey_run_view, name="journey_run"),
    path("bought-together/", journeys.product_pairs_view, name="product_pairs"),
]
