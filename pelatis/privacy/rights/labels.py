"""Names people read for what an erasure counts: the apps and the kinds of item (never raw keys)."""

from __future__ import annotations

from django.apps import apps
from django.utils.translation import gettext_lazy as _

ITEM_LABELS = {
    "profiles": _("profile"),
    "contact_points": _("emails and phones"),
    "addresses": _("addresses"),
    "search_keys": _("search keys"),
    "timeline_entries": _("timeline entries"),
    "merge_snapshots": _("merge records"),
    "import_records": _("import reports"),
    "tickets": _("requests (tickets)"),
    "messages": _("messages"),
    "attachments": _("attachments"),
    "history_notes": _("ticket history notes"),
    "quotes_elsewhere": _("mentions in other requests"),
    "outbox_emails": _("outbox copies of emails"),
    "quarantined_emails": _("quarantined emails"),
    "job_messages": _("background job messages"),
}


def app_label(app: str) -> str:
    """The app's name as people read it (its verbose name)."""
    try:
        return str(apps.get_app_config(app).verbose_name)
    except LookupError:
        return app


def item_label(item: str) -> str:
    """The item's name as people read it; an item another app counts under a new key reads as words."""
    label = ITEM_LABELS.get(item)
    return str(label) if label is not None else item.replace("_", " ")
