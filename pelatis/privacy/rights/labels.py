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
    # feedback
    "survey_comments": _("satisfaction survey comments"),
    "nps_comments": _("“Would you recommend us?” comments"),
    "reviews": _("reviews and mentions"),
    "feedback_quotes": _("mentions in other people's feedback"),
    # loyalty
    "ledger_reasons": _("reasons of loyalty points entries"),
    "tier_change_reasons": _("reasons of tier changes"),
    "expiry_warning_errors": _("errors of points expiry warnings"),
    # engagement
    "sent_message_addresses": _("addresses of messages sent"),
    "sent_message_subjects": _("subjects of messages sent"),
    "sent_message_errors": _("delivery errors of messages sent"),
    "journeys_ended": _("journeys ended"),
    # analytics
    "dashboards": _("kept dashboards"),
    # privacy
    "consent_notes": _("notes on consent records"),
    "data_requests_kept": _("data-subject requests kept"),
    "data_requests_scrubbed": _("data-subject requests scrubbed"),
    "requester_emails_cleared": _("requesters' emails removed"),
    "restrictions_scrubbed": _("processing restrictions scrubbed"),
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
