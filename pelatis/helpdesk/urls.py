from __future__ import annotations

from django.urls import path

from . import views

app_name = "helpdesk"
urlpatterns = [
    path("", views.inbox_view, name="inbox"),
    path("bulk/", views.bulk_view, name="bulk"),
    path("profile/", views.profile_view, name="profile"),
    path("attachments/<int:pk>/", views.attachment_view, name="attachment"),
    path("<int:pk>/", views.ticket_view, name="ticket"),
    path("<int:pk>/reply/", views.reply_view, name="reply"),
    path("<int:pk>/note/", views.note_view, name="note"),
    path("<int:pk>/status/", views.status_view, name="status"),
    path("<int:pk>/assign/", views.assign_view, name="assign"),
    path("<int:pk>/priority/", views.priority_view, name="priority"),
    path("<int:pk>/orders/", views.orders_view, name="orders"),
    path("<int:pk>/split/", views.split_view, name="split"),
    path("<int:pk>/stage/", views.stage_view, name="stage"),
    path("<int:pk>/merge/", views.merge_view, name="merge"),
    path("<int:pk>/tone/", views.tone_view, name="tone"),
    path("<int:pk>/canned/", views.canned_view, name="canned"),
]
