"""Privacy pages: the customer's signed preferences page and one-click unsubscribe; the agent's form."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, include, path

from . import staff, views

app_name = "privacy"
urlpatterns: list[URLPattern | URLResolver] = [
    path("preferences/<str:token>/", views.preferences_view, name="preferences"),
    path("unsubscribe/<str:token>/", views.unsubscribe_view, name="unsubscribe"),
    path("customers/<int:customer_id>/consent/", staff.consent_record_view, name="record"),
    path("", include("pelatis.privacy.rights.urls")),
    path("", include("pelatis.privacy.dsr.urls")),
    path("", include("pelatis.privacy.audit.urls")),
]
