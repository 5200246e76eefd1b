"""What the public support pages do: open a request from the form (the customer found by email or created,
the ticket, the consent on the timeline, the acknowledgement), take the customer's reply on the request
page, and record that the reader of the mailbox link confirmed the request."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext_noop

from pelatis.customers.models import ContactPoint
from pelatis.customers.services import interaction_record, timeline_text
from pelatis.helpdesk.models import Message, Ticket
from pelatis.helpdesk.services.requester import (
    VERIFIED_BY_LINK,
    message_mark_typed_on_web,
    ticket_requester_verify,
)
from pelatis.helpdesk.services.tickets import InboundMail, message_receive, ticket_open
from pelatis.privacy.models import ConsentChannel, Purpose, Source
from pelatis.privacy.services import consent_record

from . import outbound
from .customers import customer_by_email, customer_create_from_contact


@transaction.atomic
def support_request_open(
    *,
    name: str,
    email: str,
    subject: str,
    message: str,
    type: str,
    language: str,
    phone: str = "",
    time_zone: str = "",
    consent_text: str = "",
) -> Ticket:
    """A request from the public form: the customer (found by email or created), the ticket, the acknowledgement.

    An existing customer's profile is not changed by what a stranger can type
    into a public form; a new phone number is put on their timeline instead.
    """
    customer = customer_by_email(email)
    new_phone = ""
    if customer is None:
        customer = customer_create_from_contact(
            email=email, name=name, language=language, phone=phone, time_zone=time_zone
        )
    elif phone and not ContactPoint.objects.filter(customer=customer, kind="phone", value=phone).exists():
        new_phone = phone
    mail = InboundMail(
        body_text=message, visible_text=message, subject=subject, from_email=email, language=language
    )
    ticket, first = ticket_open(
        customer=customer, subject=subject, mail=mail, channel="web", type=type, language=language
    )
    message_mark_typed_on_web(message_id=first.pk)
    body = [consent_text] if consent_text else []
    if new_phone:
        body.append(timeline_text(gettext_noop("Phone number given on the form: %(phone)s"), phone=new_phone))
    interaction_record(
        customer=customer,
        channel="web",
        direction="internal",
        body="\n".join(body),
        summary=timeline_text(
            gettext_noop("Consent given on the support form to store request #%(id)s"), id=ticket.pk
        ),
        source_type="helpdesk.ticket",
        source_id=str(ticket.pk),
    )
    if consent_text:
        # The form's agreement, in the consent history with the exact sentence ticked (a repeat adds nothing).
        consent_record(
            customer=customer,
            purpose=Purpose.SERVICE,
            channel=ConsentChannel.EMAIL,
            granted=True,
            source=Source.FORM,
            wording=consent_text,
            note=timeline_text(gettext_noop("Support request #%(id)s"), id=ticket.pk),
        )
    outbound.acknowledgement_queue(ticket_id=ticket.pk)
    return ticket


@transaction.atomic
def support_reply_receive(*, ticket: Ticket, message: str, language: str) -> Message:
    """The customer's reply on the portal: a message on the ticket (reopening it if it was resolved)."""
    received = message_receive(
        ticket=ticket,
        mail=InboundMail(body_text=message, visible_text=message, subject=ticket.subject, language=language),
    )
    message_mark_typed_on_web(message_id=received.pk)
    return received


def support_request_confirm(*, ticket: Ticket) -> bool:
    """The reader of the mailbox link confirmed the request is theirs; True when this changed anything."""
    return ticket_requester_verify(ticket_id=ticket.pk, how=VERIFIED_BY_LINK)
