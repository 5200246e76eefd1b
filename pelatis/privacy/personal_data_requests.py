"""Privacy's part in a data-subject export and erasure for the request log and restrictions.

The requests and restrictions are kept through an erasure (they show the business answered the person's
rights: a legal hold), but the requester's address goes and the person is scrubbed from their texts; a
request filed before the requester was identified is found by the address it came from."""

from __future__ import annotations

from django.db.models import Q
from django.utils import translation
from django.utils.translation import gettext as _

from pelatis.core.personaldata import ErasureContext, ErasureReport, PersonalDataParticipant, Section
from pelatis.core.personaltext import iso, label, labelled, rows_scrub, staff_name

from .models import DataRequest, ProcessingRestriction, RequestChannel, RequestKind, RequestStatus

_TEXTS = ["details", "outcome", "evidence", "extension_reason"]


def _requests_of(customer_id: int, terms: frozenset[str] = frozenset()) -> Q:
    emails = {t.strip().lower() for t in terms if "@" in t}
    return (
        Q(customer_id=customer_id) | Q(requester_email__in=emails) if emails else Q(customer_id=customer_id)
    )


def requests_export(customer_id: int, language: str) -> list[Section]:
    """The person's requests to us about their data, and any restriction of processing."""
    requests = (
        DataRequest.objects.filter(customer_id=customer_id)
        .select_related("handled_by")
        .order_by("received_at")
    )
    restrictions = ProcessingRestriction.objects.filter(customer_id=customer_id).order_by("since")
    with translation.override(language):
        request_rows = [
            {
                "number": r.pk,
                "request": label(RequestKind, r.kind),
                "request_code": r.kind,
                "received_by": label(RequestChannel, r.channel),
                "status": label(RequestStatus, r.status),
                "status_code": r.status,
                "details": r.details,
                "requester_email": r.requester_email,
                "received_at": iso(r.received_at),
                "due_at": iso(r.due_at),
                "extended_until": iso(r.extended_until),
                "extension_reason": r.extension_reason,
                "closed_at": iso(r.closed_at),
                "outcome": r.outcome,
                "evidence": r.evidence,
                "handled_by": staff_name(r.handled_by),
            }
            for r in requests
        ]
        restriction_rows = [
            {
                "since": iso(r.since),
                "until": iso(r.until),
                "lifted_at": iso(r.lifted_at),
                "reason": r.reason,
                "request_number": r.request_id,
            }
            for r in restrictions
        ]
        sections = [
            Section(
                key="data_requests",
                title=_("Your requests about your data"),
                rows=request_rows,
                fields={
                    "number": _("The request's number."),
                    "request": _("What was asked (a copy, correction, erasure, restriction, objection)."),
                    "request_code": _("The request as a code, for programs."),
                    "received_by": _("How it reached us."),
                    "status": _("Where it stands."),
                    "status_code": _("The status as a code, for programs."),
                    "details": _("What you wrote or told us."),
                    "requester_email": _("The address the request came from."),
                    "received_at": _("When we received it."),
                    "due_at": _("When the answer was due (a month after receipt)."),
                    "extended_until": _("The extended deadline, if we needed more time."),
                    "extension_reason": _("Why we needed more time."),
                    "closed_at": _("When we answered."),
                    "outcome": _("What was decided."),
                    "evidence": _("What we sent you."),
                    "handled_by": _("The staff member who handled it."),
                },
            ),
            Section(
                key="processing_restrictions",
                title=_("Restrictions of processing"),
                rows=restriction_rows,
                fields={
                    "since": _("From when your data was used only to keep it."),
                    "until": _("Until when, if an end was set."),
                    "lifted_at": _("When the restriction was lifted."),
                    "reason": _("Why."),
                    "request_number": _("The request it answered, if any."),
                },
            ),
        ]
        labels = {
            "data_requests": {
                "number": _("Number"),
                "request": _("Request"),
                "received_by": _("Channel"),
                "status": _("Status"),
                "details": _("Details"),
                "requester_email": _("Email address"),
                "received_at": _("Received on"),
                "due_at": _("Deadline"),
                "extended_until": _("Extended until"),
                "extension_reason": _("Reason for the extension"),
                "closed_at": _("Closed on"),
                "outcome": _("Outcome"),
                "evidence": _("Evidence"),
                "handled_by": _("Handled by"),
            },
            "processing_restrictions": {
                "since": _("Since"),
                "until": _("Until"),
                "lifted_at": _("Lifted on"),
                "reason": _("Reason"),
                "request_number": _("Request"),
            },
        }
        return labelled(sections, labels)


def requests_erase(context: ErasureContext) -> ErasureReport:
    """Keep the requests and restrictions (proof the rights were answered), clear the requester's address
    and scrub the person from their texts."""
    requests = DataRequest.objects.filter(_requests_of(context.customer_id, context.terms))
    kept = requests.count()
    scrubbed = rows_scrub(requests, _TEXTS, context.terms, context.placeholder)
    addresses = requests.exclude(requester_email="").update(requester_email="")
    restrictions = ProcessingRestriction.objects.filter(customer_id=context.customer_id)
    restrictions_scrubbed = rows_scrub(restrictions, ["reason"], context.terms, context.placeholder)
    return ErasureReport(
        counts={
            "data_requests_kept": kept,
            "data_requests_scrubbed": scrubbed,
            "requester_emails_cleared": addresses,
            "restrictions_scrubbed": restrictions_scrubbed,
        },
        holds=[_("Data-subject requests kept as evidence that they were answered.")],
    )


PARTICIPANT = PersonalDataParticipant(app="privacy", export=requests_export, erase=requests_erase)
