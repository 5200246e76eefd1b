"""Channels' retention policy (``RETENTION_POLICIES`` in hooks.py, run by privacy's retention runner):
quarantined mail and the in-app outbox's copies of sent emails are deleted after
``PELATIS_RETENTION_MAIL_DAYS`` days (90 by default; 0 keeps them)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings

from .models import OutboxMessage, QuarantinedMail

MAIL_DAYS_SETTING = "PELATIS_RETENTION_MAIL_DAYS"
MAIL_DAYS_DEFAULT = 90


def mail_days() -> int:
    return max(0, int(getattr(settings, MAIL_DAYS_SETTING, MAIL_DAYS_DEFAULT) or 0))


def mail_purge(dry_run: bool, now: dt.datetime) -> int | None:
    """Delete (or, dry, count) quarantined mail and outbox copies older than the configured days; two
    set-based DELETEs. None when switched off."""
    days = mail_days()
    if not days:
        return None
    cutoff = now - dt.timedelta(days=days)
    quarantined = QuarantinedMail.objects.filter(received_at__lt=cutoff)
    outbox = OutboxMessage.objects.filter(created_at__lt=cutoff)
    if dry_run:
        return quarantined.count() + outbox.count()
    return quarantined.delete()[0] + outbox.delete()[0]
