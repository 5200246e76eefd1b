"""The shipped defaults: a business calendar, SLA policies by priority and canned replies.

Created by the data migrations on a fresh install, and again after a database
flush (tests, `pelatis flush`) through post_migrate, but only where the table
is empty: what a business has edited is never overwritten. The data itself is
in ``default_data``.
"""

from __future__ import annotations

from django.apps import apps as global_apps

from . import default_data


def _calendar_and_policies(using: str) -> None:
    Calendar = global_apps.get_model("helpdesk", "Calendar")
    SlaPolicy = global_apps.get_model("helpdesk", "SlaPolicy")
    calendar, _created = Calendar.objects.using(using).get_or_create(
        name=default_data.CALENDAR_NAME,
        defaults={
            "time_zone": default_data.CALENDAR_TIME_ZONE,
            "weekly": default_data.WEEKDAYS,
            "seasons": default_data.HIGH_SEASON,
            "holiday_country": default_data.CALENDAR_HOLIDAY_COUNTRY,
        },
    )
    for rank, (name, priority, first, nxt, resolution) in enumerate(default_data.POLICIES, start=1):
        SlaPolicy.objects.using(using).get_or_create(
            name=name,
            defaults={
                "rank": rank * 10,
                "priority": priority,
                "calendar": calendar,
                "first_response_minutes": first,
                "next_response_minutes": nxt,
                "resolution_minutes": resolution,
            },
        )


def _canned_replies(using: str) -> None:
    CannedReply = global_apps.get_model("helpdesk", "CannedReply")
    for name, language, body in default_data.REPLIES:
        CannedReply.objects.using(using).get_or_create(name=name, language=language, defaults={"body": body})


def defaults_ensure(*, using: str = "default", **_kwargs: object) -> None:
    """post_migrate: the shipped calendar, policies and canned replies, where their tables are empty."""
    Calendar = global_apps.get_model("helpdesk", "Calendar")
    CannedReply = global_apps.get_model("helpdesk", "CannedReply")
    if not Calendar.objects.using(using).exists():
        _calendar_and_policies(using)
    if not CannedReply.objects.using(using).exists():
        _canned_replies(using)
