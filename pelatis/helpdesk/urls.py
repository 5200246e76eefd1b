from __future__ import annotations

from django.urls import path

from . import views

app_name = "helpdesk"
urlpatterns = [
    path("", views.inbox_view, name="inbox"),
]
