from __future__ import annotations

from django.urls import path

from . import outbox_views

app_name = "outbox"
urlpatterns = [
    path("", outbox_views.outbox_list_view, name="list"),
    path("<int:pk>/", outbox_views.outbox_message_view, name="message"),
    path("<int:pk>/raw/", outbox_views.outbox_raw_view, name="raw"),
    path("<int:pk>/html/", outbox_views.outbox_html_view, name="html"),
    path("for-message/<int:message_pk>/", outbox_views.outbox_for_message_view, name="for_message"),
]
