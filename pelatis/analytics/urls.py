from __future__ import annotations

from django.urls import path

from . import views

app_name = "analytics"
urlpatterns = [
    path("", views.dashboard_view, name="dashboard"),
    path("refresh/", views.refresh_view, name="refresh"),
    path("csv/<slug:chart>/", views.chart_csv_view, name="csv"),
    path("xlsx/<slug:chart>/", views.chart_xlsx_view, name="xlsx"),
]
