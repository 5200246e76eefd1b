"""What privacy adds to the other apps (extension points: :mod:`pelatis.core.hooks`).

- The customer page shows a consent card: what holds per purpose and channel, the last changes, and a
  form for agents to record what a customer said.
- A customer merge moves the merged customer's consent history to the customer kept.
- A customer import records the marketing consents its file states, inside the import's transaction.
- Timeline entries of consent link to the customer's consent card.
- Segments can ask whether a customer's current consent allows a purpose on a channel (segment_fields).
"""

from __future__ import annotations

from django.urls import reverse

from .importing import consents_imported
from .models import ConsentRecord
from .panels import consent_panel
from .services import consent_move_to_customer

CUSTOMER_PANELS = [consent_panel]
CUSTOMER_MERGE_PARTICIPANTS = [consent_move_to_customer]
CUSTOMER_CONSENTS_IMPORTED = [consents_imported]


def _record_links(ids: list[str]) -> dict[str, str]:
    pks = [int(i) for i in ids if i.isdigit()]
    return {
        str(pk): reverse("customers:detail", args=[customer_id]) + "#consent"
        for pk, customer_id in ConsentRecord.objects.filter(pk__in=pks).values_list("pk", "customer_id")
    }


CUSTOMER_TIMELINE_LINKS = {"privacy.consentrecord": _record_links}
from .personal_data import PARTICIPANT as _PERSONAL_DATA  # noqa: E402 — consent history: exported, kept on erasure
from .segment_fields import SEGMENT_FIELDS as SEGMENT_FIELDS  # noqa: E402 — what segments can ask (pelatis.core.segmentfields)

# The consent history in a data-subject export; kept (scrubbed of the person) through an erasure.
PERSONAL_DATA = [_PERSONAL_DATA]

# The request log (requests): requests and restrictions in a data-subject export and erasure; the customer
# page's card of rights (restriction, open requests); the portal's pointer to the data-request page; the
# managers' overdue email and the daily retention run; privacy's own retention policy (inactive customers).
from .dsr.overdue import job_privacy_overdue  # noqa: E402 — grouped with what it adds
from .panels import portal_panel, restriction_panel  # noqa: E402
from .personal_data_requests import PARTICIPANT as _REQUESTS_DATA  # noqa: E402
from .retention import customers_inactive_policy, job_retention  # noqa: E402

PERSONAL_DATA.append(_REQUESTS_DATA)
CUSTOMER_PANELS.append(restriction_panel)
PORTAL_PANELS = [portal_panel]
PERIODIC_JOBS = {"privacy_overdue": job_privacy_overdue, "retention": job_retention}
RETENTION_POLICIES = {"customers_inactive": customers_inactive_policy}

# The rights of access and erasure (rights): the customer page's "Export personal data (ZIP)" and "Erase this
# customer" buttons, for managers and admins.
from .rights.actions import rights_actions  # noqa: E402 — appended by area

CUSTOMER_ACTIONS = [rights_actions]

# The audit trail (audit): the customer page's "History of access" card (latest entries, for managers and
# admins), linking to the log filtered to the customer.
from .audit.panels import audit_panel  # noqa: E402 — appended by area

CUSTOMER_PANELS.append(audit_panel)


def _request_links(ids: list[str]) -> dict[str, str]:
    return {i: reverse("privacy:request", args=[int(i)]) for i in ids if i.isdigit()}


CUSTOMER_TIMELINE_LINKS["privacy.datarequest"] = _request_links  # the request log (requests)
