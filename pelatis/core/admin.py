"""The audit log in Django's admin: read-only for everyone, superusers included (the app offers no way
to add, change or delete an entry; the database refuses it too)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin[AuditEvent]):
    list_display = ("at", "actor_name", "action", "customer_id", "ip", "detail")
    list_filter = ("action",)
    search_fields = ("actor_name", "=customer_id")
    date_hierarchy = "at"
    ordering = ("-at", "-id")
    readonly_fields = ("at", "actor", "actor_name", "action", "customer_id", "ip", "fields", "detail")
    actions = None  # no "delete selected"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
