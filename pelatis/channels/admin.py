from __future__ import annotations

from django.contrib import admin

from .models import JobRun, Mailbox, QuarantinedMail, WorkerProcess


@admin.register(Mailbox)
class MailboxAdmin(admin.ModelAdmin[Mailbox]):
    list_display = ["name", "host", "username", "folder", "team", "active", "last_polled_at", "last_error"]


@admin.register(QuarantinedMail)
class QuarantinedMailAdmin(admin.ModelAdmin[QuarantinedMail]):
    list_display = ["received_at", "reason", "resolved_at"]
    readonly_fields = ["raw", "reason", "received_at"]


@admin.register(JobRun)
class JobRunAdmin(admin.ModelAdmin[JobRun]):
    list_display = [
        "name",
        "next_due_at",
        "claimed_by",
        "claimed_until",
        "last_finished_at",
        "last_result",
        "runs",
    ]
    readonly_fields = ["last_started_at", "last_finished_at", "last_result", "last_error", "runs"]


@admin.register(WorkerProcess)
class WorkerProcessAdmin(admin.ModelAdmin[WorkerProcess]):
    list_display = ["worker_id", "host", "pid", "started_at", "seen_at"]
