"""The customer 360 card of consent: what holds per purpose and channel, the last changes, and the
agent's form to record a new statement."""

from __future__ import annotations

from django.http import HttpRequest
from django.template.loader import render_to_string

from pelatis.customers.models import Customer

from .forms import ConsentRecordForm
from .models import DEFAULTS, ConsentChannel, Purpose
from .queries import consent_current, consent_history

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
