"""The shipped defaults: a business calendar, SLA policies by priority and canned replies.

Created by the data migrations on a fresh install, and again after a database
flush (tests, `pelatis flush`) through post_migrate, but only where the table
is empty: what a business has edited is never overwritten.
"""

from __future__ import annotations

import importlib

from django.apps import apps as global_apps


def defaults_ensure(*, using: str = "default", **_kwargs: object) -> None:
    Calendar = global_apps.get_model("helpdesk", "Calendar")
    CannedReply = global_apps.get_model("helpdesk", "CannedReply")
    calendars = importlib.import_module("pelatis.helpdesk.migrations.0002_default_calendar_and_policies")
    replies = importlib.import_module("pelatis.helpdesk.migrations.0003_default_canned_replies")
    if not Calendar.objects.using(using).exists():
        calendars.create(global_apps, None)
    if not CannedReply.objects.using(using).exists():
        replies.create(global_apps, None)
