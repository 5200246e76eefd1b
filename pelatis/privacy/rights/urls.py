"""The rights of access and erasure under ``/privacy/`` (namespace ``privacy``)."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from . import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("customers/<int:pk>/export/", views.export_view, name="rights_export"),
    path("customers/<int:pk>/erase/", views.erase_view, name="rights_erase"),
]
