"""One builder for every email the business sends a customer: ticket replies, acknowledgements,
follow-ups and surveys.

Each message has three templates under one name: ``<name>_subject.txt`` (when no subject is given),
``<name>.txt`` and ``<name>.html``, rendered in the customer's language. :func:`email_build` adds what
every email carries the same way: the business's sender address, a Message-ID, ``Auto-Submitted``
(RFC 3834: automatic mail says so, and our own ingestion never answers it), the one-click
``List-Unsubscribe`` pair (RFC 8058) when there is an unsubscribe link, and a connection to the
configured mail backend with a timeout (SMTP, or the in-app outbox when no server is set).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.template import Context
from django.template.loader import get_template, render_to_string
from django.utils import translation

from pelatis.core.business import sender_address
from pelatis.customers.models import Customer
from pelatis.helpdesk.models import Message
from pelatis.lang.address import salutation

# RFC 3834's Auto-Submitted: "no" for mail a person wrote, "auto-replied" for an answer to the customer's
# mail (the acknowledgement), "auto-generated" for the rest (follow-ups, surveys).
AUTO_SUBMITTED = ("no", "auto-generated", "auto-replied")
CHANNELS_TEMPLATES = "channels/email"


def email_timeout() -> float:
    """Seconds a mail server may keep us waiting on one step (settings.EMAIL_TIMEOUT, default 20)."""
    return float(getattr(settings, "EMAIL_TIMEOUT", None) or 20)


def mail_connection() -> BaseEmailBackend:
    """A connection to the configured mail backend with the timeout set (never wait forever)."""
    return get_connection(timeout=email_timeout())


def template_base(template: str) -> str:
    """``template`` as a path without extension: a bare name is one of channels' (channels/email/<name>)."""
    return template if "/" in template else f"{CHANNELS_TEMPLATES}/{template}"


def render_text(name: str, context: Mapping[str, Any]) -> str:
    """A plain-text template rendered without HTML escaping: «Q&A» stays «Q&A» in a text part."""
    template = get_template(name)
    return str(template.template.render(Context(dict(context), autoescape=False)))  # type: ignore[attr-defined]  # the Django backend's Template wraps the engine's


def email_subject(*, template: str, context: Mapping[str, Any], language: str) -> str:
    """The rendered ``<template>_subject.txt`` in ``language``, on one line."""
    with translation.override(language):
        subject = render_text(f"{template_base(template)}_subject.txt", context)
    return " ".join(subject.split())


def customer_greeting(customer: Customer, *, language: str) -> str:
    """How the email opens, in ``language`` and the customer's form of address (formal or first name)."""
    return salutation(
        language=language,
        formal=customer.formal,
        title=customer.title,
        first_name=customer.first_name,
        last_name=customer.last_name,
    )


def email_build(
    *,
    to: str | Sequence[str],
    template: str,
    context: Mapping[str, Any],
    language: str,
    subject: str | None = None,
    message_id: str | None = None,
    auto: str = "no",
    unsubscribe_url: str | None = None,
    headers: Mapping[str, str] | None = None,
    connection: BaseEmailBackend | None = None,
) -> EmailMultiAlternatives:
    """An email rendered from ``template``'s text and HTML (and subject, when ``subject`` is None) in ``language``.

    ``auto`` is the Auto-Submitted value (one of AUTO_SUBMITTED). ``message_id`` is kept when given (a
    retry sends the same one), else a new one is made; ``headers`` (threading: In-Reply-To, References)
    come last. Nothing is sent: call ``send()`` with no database transaction open.
    """
    if auto not in AUTO_SUBMITTED:
        raise ValueError(f"Auto-Submitted must be one of {AUTO_SUBMITTED}, not {auto!r}")
    base = template_base(template)
    ctx = dict(context)
    with translation.override(language):
        if subject is None:
            subject = email_subject(template=template, context=ctx, language=language)
        text = render_text(f"{base}.txt", ctx)
        html = render_to_string(f"{base}.html", ctx)
    extra = {"Message-ID": message_id or Message.new_message_id(), "Auto-Submitted": auto}
    if unsubscribe_url:
        # RFC 8058: mail clients may offer their own one-click "unsubscribe" that posts to the same link.
        extra["List-Unsubscribe"] = f"<{unsubscribe_url}>"
        extra["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    email = EmailMultiAlternatives(
        subject=subject,
        body=text,
        from_email=sender_address(),
        to=[to] if isinstance(to, str) else list(to),
        connection=connection or mail_connection(),
        headers={**extra, **(headers or {})},
    )
    email.attach_alternative(html, "text/html")
    return email
