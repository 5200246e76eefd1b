"""Engagement pages: message templates."""

from __future__ import annotations

from django.urls import URLPattern, path

from .views import content

urlpatterns: list[URLPattern] = [
    path("templates/", content.template_list_view, name="templates"),
    path("templates/new/", content.template_edit_view, name="template_new"),
    path("templates/<int:template_id>/", content.template_view, name="template"),
    path("templates/<int:template_id>/edit/", content.template_edit_view, name="template_edit"),
    path(
        "templates/<int:template_id>/customers/", content.template_customers_view, name="template_customers"
    ),
]
