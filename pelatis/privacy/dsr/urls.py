"""The request log (staff), restrictions, retention runs, and the customer's own request page (public)."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from . import public_views, views

urlpatterns: list[URLPattern | URLResolver] = [
    path("requests/", views.requests_list_view, name="requests"),
    path("requests/new/", views.request_new_view, name="request_new"),
    path("requests/<int:pk>/", views.request_detail_view, name="request"),
    path(
        "requests/<int:pk>/files/<str:name>",
        views.request_export_file_view,
        name="request_export_file",
    ),
    path(
        "requests/<int:pk>/<slug:action>/",
        views.request_action_view,
        name="request_action",
    ),
    path("customers/<int:customer_id>/restriction/", views.restriction_view, name="restriction"),
    path("retention/", views.retention_view, name="retention"),
    path("request/", public_views.portal_request_view, name="portal_request"),
    path("request/<str:token>/", public_views.portal_confirm_view, name="portal_confirm"),
]
