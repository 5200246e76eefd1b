"""Privacy pages: the customer's signed preferences page and one-click unsubscribe."""

from __future__ import annotations

from django.urls import URLPattern, path

from . import views

app_name = "privacy"
urlpatterns: list[URLPattern] = [
    path("preferences/<str:token>/", views.preferences_view, name="preferences"),
    path("unsubscribe/<str:token>/", views.unsubscribe_view, name="unsubscribe"),
]
