"""Extension points: how an app adds to other apps' pages and processes without them importing it.

An app that offers an extension point reads it with :func:`contributions` (a list) or
:func:`contributions_by_key` (a mapping) under a name in capitals. An app that fills one declares
a module-level value of that name in its own ``hooks.py``. That file is the one place to read
what an app adds to the others. The points in use:

=============================  ==========  =======================================================
name                           read by     each contribution
=============================  ==========  =======================================================
CUSTOMER_PANELS                customers   ``(request, customer) -> html`` card on the 360 page
CUSTOMER_LIST_FILTERS          customers   a ``customers.views.ListFilter`` on the customer list
CUSTOMER_TIMELINE_LINKS        customers   ``{source_type: (source_ids) -> {source_id: url}}``
CUSTOMER_TICKET_STARTERS       customers   a ``customers.page_views.TicketStarter`` (first one wins)
CUSTOMER_ACTIONS               customers   ``(request, customer) -> html`` forms beside the timeline
CUSTOMER_MERGE_PARTICIPANTS    customers   ``(kept, merged) -> {what: count}`` inside the merge
CUSTOMER_ORDERS_CHANGED        customers   ``(order_ids) -> None`` after orders are written or deleted
CUSTOMER_CONSENTS_IMPORTED     customers   ``(job, imported_consents, actor) -> None`` inside an import's
                                           transaction (a preview or a failed import rolls it back)
TICKET_OUTBOUND_SENDERS        helpdesk    ``(message_id) -> None`` after a reply commits
TICKET_PANELS                  helpdesk    ``(request, ticket) -> html`` card beside the ticket
PORTAL_PANELS                  channels    ``(ticket) -> html`` on the customer's request page
PERIODIC_JOBS                  channels    ``{name: () -> summary}`` run by ``pelatis worker``
FEEDBACK_RECEIVED              feedback    ``(kind=, customer_id=, object_id=, score=, is_compliment=)``
                                           after a survey answer or a review commits
NPS_AUDIENCES                  feedback    a ``customers.views.ListFilter`` whose choices an NPS campaign
                                           can target (engagement offers its saved segments)
SEGMENT_FIELDS                 engagement  ``{key: core.segmentfields.SegmentField}``: what a segment can
                                           filter on, declared by the app that owns the data
PERSONAL_DATA                  privacy     a ``core.personaldata.PersonalDataParticipant``: the app's part
                                           in a data-subject export and erasure
RETENTION_POLICIES             privacy     ``{name: (dry_run, now) -> int | None}``: how many items the
                                           policy removed (would remove), None when switched off
=============================  ==========  =======================================================

Contributions come in ``INSTALLED_APPS`` order and are read once per process (they are code, not
state).
"""

from __future__ import annotations

import functools
import importlib
import importlib.util
from collections.abc import Mapping
from types import ModuleType
from typing import Any

from django.apps import apps
from django.core.exceptions import ImproperlyConfigured


def contributions(name: str) -> list[Any]:
    """Every installed app's contributions to the list point ``name``, in INSTALLED_APPS order."""
    return list(_list(name))


def contributions_by_key(name: str) -> dict[str, Any]:
    """The installed apps' contributions to the mapping point ``name``; two apps may not claim one key."""
    return dict(_mapping(name))


def hooks_modules() -> list[ModuleType]:
    """The ``hooks`` module of every installed app that has one."""
    found = []
    for config in apps.get_app_configs():
        module_name = f"{config.name}.hooks"
        if importlib.util.find_spec(module_name) is not None:
            found.append(importlib.import_module(module_name))
    return found


@functools.cache
def _list(name: str) -> tuple[Any, ...]:
    found: list[Any] = []
    for module in hooks_modules():
        value = getattr(module, name, None)
        if value is None:
            continue
        if not isinstance(value, list | tuple):
            raise ImproperlyConfigured(f"{module.__name__}.{name} must be a list")
        found.extend(value)
    return tuple(found)


@functools.cache
def _mapping(name: str) -> tuple[tuple[str, Any], ...]:
    merged: dict[str, Any] = {}
    owners: dict[str, str] = {}
    for module in hooks_modules():
        value = getattr(module, name, None)
        if value is None:
            continue
        if not isinstance(value, Mapping):
            raise ImproperlyConfigured(f"{module.__name__}.{name} must be a dict")
        for key, item in value.items():
            if key in merged:
                raise ImproperlyConfigured(
                    f"{name}[{key!r}] is declared by {owners[key]} and {module.__name__}"
                )
            merged[key] = item
            owners[key] = module.__name__
    return tuple(merged.items())
