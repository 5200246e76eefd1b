"""The site's own settings pages (namespace ``web``), under /settings/business/."""

from __future__ import annotations

from django.urls import path

from . import business_views

app_name = "web"
urlpatterns = [
    path("", business_views.business_view, name="business"),
    path("logo/<str:version>/", business_views.business_logo_view, name="business-logo"),
]
