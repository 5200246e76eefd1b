"""Consent records in the admin: to read, never to edit (the history is append-only)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .models import ConsentRecord


@admin.register(ConsentRecord)
class ConsentRecordAdmin(admin.ModelAdmin[ConsentRecord]):
    list_display = ("customer", "purpose", "channel", "granted", "source", "recorded_at", "recorded_by")
    list_filter = ("purpose", "channel", "granted", "source")
    raw_id_fields = ("customer", "recorded_by")
    date_hierarchy = "recorded_at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # records come through the services, with their timeline entry

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
