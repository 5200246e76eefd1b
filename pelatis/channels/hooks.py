"""What channels adds to the other apps (extension points: :mod:`pelatis.core.hooks`).

- The help desk's replies go out by email through the task queue, after their transaction commits.
- The customer page starts tickets (a call, a visit, an email we write) and lists the customer's tickets.
- The worker's periodic jobs for mail and delivery: polling mailboxes, SLA scans, retries,
  acknowledgements and follow-ups.
"""

from __future__ import annotations

from .customer_page import call_log_form, ticket_start, tickets_panel
from .jobs import job_acknowledgements, job_follow_ups, job_mail_poll, job_outbound_retry, job_sla_scan
from .tasks import reply_email_enqueue

TICKET_OUTBOUND_SENDERS = [reply_email_enqueue]
CUSTOMER_TICKET_STARTERS = [ticket_start]
CUSTOMER_PANELS = [tickets_panel]
CUSTOMER_ACTIONS = [call_log_form]
PERIODIC_JOBS = {
    "mail_poll": job_mail_poll,
    "sla_scan": job_sla_scan,
    "outbound_retry": job_outbound_retry,
    "acknowledgements": job_acknowledgements,
    "follow_ups": job_follow_ups,
}

# The data-subject rights (privacy): outbox copies of emails to the person, quarantined mail from them.
from pelatis.core.personaldata import PersonalDataParticipant  # noqa: E402 — appended by area

from .personal_data import channels_erase, channels_export  # noqa: E402

PERSONAL_DATA = [PersonalDataParticipant(app="channels", export=channels_export, erase=channels_erase)]

# Retention (privacy runs every app's RETENTION_POLICIES): quarantined mail and outbox copies after N days.
from .retention import mail_purge  # noqa: E402 — appended by area

RETENTION_POLICIES = {"mail_purge": mail_purge}
