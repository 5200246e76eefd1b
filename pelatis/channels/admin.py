from __future__ import annotations

from django.contrib import admin

from .models import Mailbox, QuarantinedMail


@admin.register(Mailbox)
class MailboxAdmin(admin.ModelAdmin):
    list_display = ["name", "host", "username", "folder", "team", "active", "last_polled_at", "last_error"]


@admin.register(QuarantinedMail)
class QuarantinedMailAdmin(admin.ModelAdmin):
    list_display = ["received_at", "reason", "resolved_at"]
    readonly_fields = ["raw", "reason", "received_at"]
