"""The customer 360 cards of privacy: consent (what holds per purpose and channel, the last changes, the
agent's form to record a new statement) and the customer's rights (restriction, open requests); the
portal's pointer to the data-request page."""

from __future__ import annotations

from typing import Any

from django.db.models.functions import Coalesce
from django.http import HttpRequest
from django.template.loader import render_to_string

from pelatis.customers.models import Customer

from .dsr.forms import RestrictionForm
from .forms import ConsentRecordForm
from .models import CLOSED_STATUSES, DEFAULTS, ConsentChannel, DataRequest, Purpose
from .queries import consent_current, consent_history, restrictions_active

LAST_CHANGES = 5


def consent_panel(request: HttpRequest, customer: Customer) -> str:
    if not request.user.has_perm("privacy.view_consentrecord"):
        return ""
    states = consent_current(customer.pk)
    by_purpose = [
        (Purpose(purpose).label, [s for s in states if s.purpose == purpose]) for purpose in Purpose.values
    ]
    unrecorded = {s.purpose for s in states if s.record is None}
    changes, more = consent_history(customer.pk, limit=LAST_CHANGES)
    can_record = request.user.has_perm("privacy.add_consentrecord")
    return render_to_string(
        "privacy/_panel.html",
        {
            "customer": customer,
            "channels": [label for _value, label in ConsentChannel.choices],
            "grid": by_purpose,
            # What holds where nothing is recorded, said once under the grid instead of in every cell.
            "unrecorded_allowed": [
                Purpose(p).label for p in Purpose.values if p in unrecorded and DEFAULTS[p]
            ],
            "unrecorded_not_allowed": [
                Purpose(p).label for p in Purpose.values if p in unrecorded and not DEFAULTS[p]
            ],
            "changes": changes,
            "more": more,
            "form": ConsentRecordForm() if can_record else None,
        },
        request=request,
    )


def restriction_panel(request: HttpRequest, customer: Customer) -> str:
    """The 360 card of the customer's rights: a restriction of processing in force (managers start and
    lift it) and their open data-subject requests."""
    if not request.user.has_perm("privacy.view_consentrecord"):
        return ""
    active = restrictions_active(customer.pk).select_related("started_by", "request").first()
    open_requests = list(
        DataRequest.objects.filter(customer=customer)
        .exclude(status__in=CLOSED_STATUSES)
        .order_by(Coalesce("extended_until", "due_at"))[:5]
    )
    can_restrict = request.user.has_perm("privacy.change_processingrestriction")
    return render_to_string(
        "privacy/_rights_panel.html",
        {
            "customer": customer,
            "active": active,
            "open_requests": open_requests,
            "can_restrict": can_restrict,
            "form": RestrictionForm() if can_restrict and active is None else None,
            "can_view_requests": request.user.has_perm("privacy.view_datarequest"),
            "can_file": request.user.has_perm("privacy.add_datarequest"),
        },
        request=request,
    )


def portal_panel(ticket: Any) -> str:
    """The customer's request page (the portal): where to ask about their personal data."""
    return render_to_string("privacy/dsr/_portal_card.html", {})
