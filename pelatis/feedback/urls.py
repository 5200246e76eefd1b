from __future__ import annotations

from django.urls import path

from . import views

app_name = "feedback"
urlpatterns = [
    path("r/<str:token>/", views.rate_view, name="rate"),
]
