"""Engagement's part in a data-subject export and erasure (``PERSONAL_DATA`` in hooks.py).

Export: every message sent (or decided not to send) to the customer, with what they did with it, and the
journeys they were in.

Erasure keeps every send's status, reason, times and counts (campaign and journey results stay equal)
and removes the copies of the person: the address a message went to and the rendered subject (it greets
them by name, in the vocative, which no list of terms catches reliably); an error is scrubbed of them.
Enrolments stay; one still in progress ends ("left the journey", reason ``erased``), so the worker sends
nothing more. Segments, templates and campaign names are the business's texts, not tied to a customer:
they are left as they are.
"""

from __future__ import annotations

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from pelatis.core.personaldata import ErasureContext, ErasureReport, PersonalDataParticipant, Section
from pelatis.core.personaltext import iso, label, labelled, rows_scrub
from pelatis.customers.locale_values import language_name

from .models import Enrollment, Journey, Send
from .models.content import Channel

EXIT_ERASED = "erased"


def engagement_terms(customer_id: int) -> set[str]:
    """The addresses and numbers messages went to (the former ones too)."""
    return set(
        Send.objects.filter(customer_id=customer_id)
        .exclude(to_address="")
        .values_list("to_address", flat=True)
        .distinct()
    )


def _sends(customer_id: int, language: str) -> list[dict[str, object]]:
    sends = (
        Send.objects.filter(customer_id=customer_id)
        .select_related("template", "campaign", "step__journey")
        .order_by("claimed_at", "pk")
    )
    return [
        {
            "channel": label(Channel, s.channel),
            "channel_code": s.channel,
            "message": s.template.name if s.template else "",
            "campaign": s.campaign.name if s.campaign else "",
            "journey": s.step.journey.name if s.step else "",
            "journey_step": s.step.position if s.step else None,
            "status": label(Send.Status, s.status),
            "status_code": s.status,
            "not_sent_because": label(Send.Skip, s.skip_reason),
            "not_sent_because_code": s.skip_reason,
            "language": language_name(s.language, language) if s.language else "",
            "language_code": s.language,
            "to": s.to_address,
            "subject": s.subject,
            "decided_at": iso(s.claimed_at),
            "sent_at": iso(s.sent_at),
            "bounced_at": iso(s.bounced_at),
            "opened_at": iso(s.opened_at),
            "clicked_at": iso(s.clicked_at),
            "clicks": s.clicks,
            "unsubscribed_at": iso(s.unsubscribed_at),
        }
        for s in sends
    ]


def _enrollments(customer_id: int) -> list[dict[str, object]]:
    rows = (
        Enrollment.objects.filter(customer_id=customer_id)
        .select_related("journey")
        .order_by("created_at", "pk")
    )
    return [
        {
            "journey": e.journey.name,
            "trigger": label(Journey.Trigger, e.journey.trigger),
            "trigger_code": e.journey.trigger,
            "occurrence": e.occurrence,
            "triggered_at": iso(e.anchor_at),
            "entered_at": iso(e.created_at),
            "status": label(Enrollment.Status, e.status),
            "status_code": e.status,
            "next_step": e.next_position if e.status == Enrollment.Status.ACTIVE else None,
            "next_step_due": iso(e.next_due_at),
        }
        for e in rows
    ]


# The CSV's column labels (short; ``fields`` documents each column in a sentence).
_LABELS = {
    "messages_sent": {
        "channel": gettext_lazy("channel"),
        "message": gettext_lazy("message"),
        "campaign": pgettext_lazy("export column", "campaign"),
        "journey": gettext_lazy("journey"),
        "journey_step": gettext_lazy("journey step"),
        "status": gettext_lazy("status"),
        "not_sent_because": gettext_lazy("not sent because"),
        "language": gettext_lazy("language"),
        "to": gettext_lazy("recipient"),
        "subject": gettext_lazy("subject"),
        "decided_at": gettext_lazy("prepared"),
        "sent_at": gettext_lazy("sent on"),
        "bounced_at": gettext_lazy("bounced"),
        "opened_at": gettext_lazy("opened"),
        "clicked_at": gettext_lazy("clicked"),
        "clicks": gettext_lazy("clicks"),
        "unsubscribed_at": gettext_lazy("unsubscribed"),
    },
    "journeys": {
        "journey": gettext_lazy("journey"),
        "trigger": gettext_lazy("trigger"),
        "occurrence": gettext_lazy("occurrence"),
        "triggered_at": gettext_lazy("triggered"),
        "entered_at": gettext_lazy("entered"),
        "status": gettext_lazy("status"),
        "next_step": gettext_lazy("next step"),
        "next_step_due": gettext_lazy("next step due"),
    },
}


def engagement_export(customer_id: int, language: str) -> list[Section]:
    """The messages sent to the customer and the journeys they were in."""
    with translation.override(language):
        return labelled(
            [
                Section(
                    key="messages_sent",
                    title=_("Messages from campaigns and journeys"),
                    rows=_sends(customer_id, language),
                    fields={
                        "channel": _("Email or SMS."),
                        "channel_code": _("The channel as a code, for programs."),
                        "message": _("The message (template) sent."),
                        "campaign": _("The campaign that sent it, if any."),
                        "journey": _("The journey that sent it, if any."),
                        "journey_step": _("The journey's step that sent it."),
                        "status": _("Sent, not sent, failed, or held back to measure the message's effect."),
                        "status_code": _("The status as a code, for programs."),
                        "not_sent_because": _(
                            "Why it was not sent (no consent, no address, the weekly limit…)."
                        ),
                        "not_sent_because_code": _("The reason as a code, for programs."),
                        "language": _("The language it was written in."),
                        "language_code": _("The language as a code, for programs."),
                        "to": _("The address or number it went to."),
                        "subject": _("Its subject."),
                        "decided_at": _("When it was prepared for you."),
                        "sent_at": _("When it was sent."),
                        "bounced_at": _("When it was refused by the receiving server, if it was."),
                        "opened_at": _("When you first opened it, if we could tell."),
                        "clicked_at": _("When you first followed a link in it."),
                        "clicks": _("How many times you followed its links."),
                        "unsubscribed_at": _("When you unsubscribed through it, if you did."),
                    },
                ),
                Section(
                    key="journeys",
                    title=_("Journeys"),
                    rows=_enrollments(customer_id),
                    fields={
                        "journey": _("The journey (a sequence of messages)."),
                        "trigger": _("What started it (a first purchase, a birthday, a renewal…)."),
                        "trigger_code": _("The trigger as a code, for programs."),
                        "occurrence": _("Which occurrence started it (an order or request number, a year)."),
                        "triggered_at": _("When it was triggered."),
                        "entered_at": _("When you entered it."),
                        "status": _("In progress, finished, left, or held back to measure its effect."),
                        "status_code": _("The status as a code, for programs."),
                        "next_step": _("The next step, while in progress."),
                        "next_step_due": _("When the next step is due."),
                    },
                ),
            ],
            _LABELS,
        )


def engagement_erase(context: ErasureContext) -> ErasureReport:
    """Remove the addresses and rendered subjects of the customer's messages and end their journeys in
    progress; every status, time and count stays."""
    cid, ph = context.customer_id, context.placeholder
    sends = Send.objects.filter(customer_id=cid)
    counts = {
        "sent_message_addresses": sends.exclude(to_address="").update(to_address=ph),
        "sent_message_subjects": sends.exclude(subject="").update(subject=ph),
        "sent_message_errors": rows_scrub(sends.exclude(error=""), ["error"], context.terms, ph),
        "journeys_ended": Enrollment.objects.filter(customer_id=cid, status=Enrollment.Status.ACTIVE).update(
            status=Enrollment.Status.EXITED, exit_reason=EXIT_ERASED, next_due_at=None
        ),
    }
    return ErasureReport(counts=counts)


PARTICIPANT = PersonalDataParticipant(
    app="engagement", export=engagement_export, erase=engagement_erase, terms=engagement_terms
)
