from __future__ import annotations

from django.urls import path

from . import staff

app_name = "calls"
urlpatterns = [
    path("<int:customer_id>/", staff.contact_log_view, name="log"),
]
