from __future__ import annotations

from django.urls import path

from .views import actions, composer, inbox, merge, profile, ticket_page

app_name = "helpdesk"
urlpatterns = [
    path("", inbox.inbox_view, name="inbox"),
    path("bulk/", inbox.bulk_view, name="bulk"),
    path("profile/", profile.profile_view, name="profile"),
    path("attachments/<int:pk>/", ticket_page.attachment_view, name="attachment"),
    path("<int:pk>/", ticket_page.ticket_view, name="ticket"),
    path("<int:pk>/reply/", actions.reply_view, name="reply"),
    path("<int:pk>/note/", actions.note_view, name="note"),
    path("<int:pk>/status/", actions.status_view, name="status"),
    path("<int:pk>/assign/", actions.assign_view, name="assign"),
    path("<int:pk>/priority/", actions.priority_view, name="priority"),
    path("<int:pk>/orders/", actions.orders_view, name="orders"),
    path("<int:pk>/split/", actions.split_view, name="split"),
    path("<int:pk>/stage/", actions.stage_view, name="stage"),
    path("<int:pk>/merge/", merge.merge_view, name="merge"),
    path("<int:pk>/tone/", composer.tone_view, name="tone"),
    path("<int:pk>/canned/", composer.canned_view, name="canned"),
]
