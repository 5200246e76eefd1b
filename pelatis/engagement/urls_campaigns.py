"""Engagement pages: the landing page, campaigns and results (of campaigns and of journeys)."""

from __future__ import annotations

from django.urls import URLPattern, path

from .views import campaigns, home, results

urlpatterns: list[URLPattern] = [
    path("", home.home_view, name="home"),
    path("campaigns/", campaigns.campaigns_view, name="campaigns"),
    path("campaigns/new/", campaigns.campaign_form_view, name="campaign_new"),
    path("campaigns/<int:pk>/", campaigns.campaign_view, name="campaign"),
    path("campaigns/<int:pk>/edit/", campaigns.campaign_form_view, name="campaign_edit"),
    path("campaigns/<int:pk>/launch/", campaigns.campaign_launch_view, name="campaign_launch"),
    path("campaigns/<int:pk>/schedule/", campaigns.campaign_schedule_view, name="campaign_schedule"),
    path("campaigns/<int:pk>/cancel/", campaigns.campaign_cancel_view, name="campaign_cancel"),
    path("campaigns/<int:pk>/results/", results.campaign_results_view, name="campaign_results"),
    path("campaigns/<int:pk>/results.csv", results.campaign_results_csv_view, name="campaign_results_csv"),
    path("journeys/<int:pk>/results/", results.journey_results_view, name="journey_results"),
    path("journeys/<int:pk>/results.csv", results.journey_results_csv_view, name="journey_results_csv"),
]
