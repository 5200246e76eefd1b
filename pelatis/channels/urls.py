from __future__ import annotations

from django.urls import path

from . import web

app_name = "support"
urlpatterns = [
    path("", web.support_form_view, name="form"),
    path("t/<str:token>/", web.ticket_portal_view, name="ticket"),
]
