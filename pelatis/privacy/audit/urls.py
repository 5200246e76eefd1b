"""The audit trail's pages, under ``/privacy/`` in the ``privacy:`` namespace."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from . import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("audit/", views.audit_list_view, name="audit"),
    path("audit/export.csv", views.audit_export_view, name="audit_export"),
]
