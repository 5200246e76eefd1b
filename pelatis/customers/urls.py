from __future__ import annotations

from django.urls import path, re_path

from . import import_views, page_views, views

app_name = "customers"
urlpatterns = [
    path("", views.customer_list_view, name="list"),
    path("new/", views.customer_create_view, name="create"),
    path("contact-check/", views.customer_contact_check_view, name="contact_check"),
    path("import/", import_views.customer_import_view, name="import"),
    path("import/<int:pk>/", import_views.customer_import_job_view, name="import_job"),
    path("import/<int:pk>/preview/", import_views.customer_import_preview_view, name="import_preview"),
    path("import/<int:pk>/confirm/", import_views.customer_import_confirm_view, name="import_confirm"),
    path("import/<int:pk>/undo/", import_views.customer_import_undo_view, name="import_undo"),
    re_path(r"^export\.(?P<fmt>csv|xlsx)$", views.customer_export_view, name="export"),
    path("<int:pk>/", page_views.customer_detail_view, name="detail"),
    path("<int:pk>/edit/", views.customer_edit_view, name="edit"),
    path("<int:pk>/timeline/", page_views.customer_timeline_view, name="timeline"),
    path("<int:pk>/notes/", page_views.customer_note_view, name="note_add"),
    path("<int:pk>/merge/<int:other_pk>/", views.customer_merge_view, name="merge"),
    path("<int:pk>/tickets/new/", page_views.customer_ticket_new_view, name="ticket_new"),
    path("<int:pk>/orders/new/", page_views.customer_order_new_view, name="order_new"),
    path("<int:pk>/orders/<int:order_pk>/", page_views.customer_order_view, name="order"),
]
