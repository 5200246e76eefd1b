"""What an audit entry says, in the reader's language: the names of the fields it mentions (an erasure's
"app.item" counts, a request's deadline), the values of the fields whose old value is kept (a request's
status by its label), and the entry's detail (stored as a short language-neutral line, "request #5 filed:
rectification by portal", and rendered here as a sentence). Lines this module does not know are shown as
stored: an erasure's reason is the staff's own words."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from pelatis.core.audit import Action
from pelatis.customers.models import Customer

from ..models import DataRequest, RequestChannel, RequestKind, RequestStatus
from ..retention import policy_label
from ..rights.labels import app_label, item_label

# Names of the fields audit entries mention that are not a customer's own model fields.
_FIELD_LABELS: dict[str, Any] = {
    "emails": gettext_lazy("Emails"),
    "phones": gettext_lazy("Phones"),
    "address": gettext_lazy("Address"),
    "tags": gettext_lazy("Tags"),
    "company": gettext_lazy("Company"),
    "orders": gettext_lazy("Orders"),
    "subscriptions": gettext_lazy("Subscriptions"),
    "interactions": gettext_lazy("Timeline"),
    "requester": gettext_lazy("Requester"),
    "restriction": gettext_lazy("Restriction of processing"),
}
# The fields a request's entries name, read from the request's own model.
_REQUEST_FIELDS = frozenset({"status", "extended_until", "customer"})


def field_label(name: str, *, action: str = "") -> str:
    """A field's name as people read it: an erasure's "channels.outbox_emails" as "Channels: outbox copies
    of emails", a request's "extended_until" by its model's name, a customer's field by the form's label."""
    app, dot, item = name.partition(".")
    if dot:
        return f"{app_label(app)}: {item_label(item)}"
    if action == Action.REQUEST and name in _REQUEST_FIELDS:
        return _verbose(DataRequest, name) or name
    if name in _FIELD_LABELS:
        return str(_FIELD_LABELS[name])
    return _verbose(Customer, name) or capfirst(item_label(name))


def value_label(name: str, value: Any, *, action: str = "") -> str:
    """A kept old or new value as people read it: a choice by its label, nothing as "—"."""
    if value is None or value == "":
        return "—"
    if action == Action.REQUEST and name == "status" and value in RequestStatus.values:
        return str(RequestStatus(value).label)
    if name == "language":
        return str(dict(settings.LANGUAGES).get(value, value))
    try:
        field = Customer._meta.get_field(name)
    except FieldDoesNotExist:
        return str(value)
    choices = dict(getattr(field, "flatchoices", None) or ())
    return str(choices.get(value, value))


def _verbose(model: type[models.Model], name: str) -> str:
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return ""
    verbose = getattr(field, "verbose_name", None)  # a reverse relation has none
    return str(capfirst(verbose)) if verbose else ""


# --- details ----------------------------------------------------------------------------------------------


def _kind(value: str) -> str:
    return str(RequestKind(value).label) if value in RequestKind.values else value


def _channel(value: str) -> str:
    return str(RequestChannel(value).label) if value in RequestChannel.values else value


def _policies(text: str) -> str:
    parts = []
    for pair in text.split(", "):
        name, _eq, count = pair.partition("=")
        parts.append(f"{policy_label(name)}: {_('off') if count == 'off' else count}")
    return "; ".join(parts)


def _token(prefix: str, done: str, cli: str) -> str:
    words = {"created": _("API token %(prefix)s created"), "revoked": _("API token %(prefix)s revoked")}
    text = words[done] % {"prefix": prefix}
    return f"{text} ({_('command line')})" if cli else text


_Render = Callable[[re.Match[str]], str]

# Each known line (matched whole) and the sentence it becomes.
_DETAILS: list[tuple[re.Pattern[str], _Render]] = [
    (
        re.compile(r"request #(\d+) filed: (\w+) by (\w+)"),
        lambda m: (
            _("Request #%(number)s filed: %(kind)s, received by %(channel)s")
            % {"number": m[1], "kind": _kind(m[2]), "channel": _channel(m[3])}
        ),
    ),
    (
        re.compile(r"request #(\d+) extended"),
        lambda m: _("Request #%(number)s: deadline extended") % {"number": m[1]},
    ),
    (re.compile(r"request #(\d+) closed"), lambda m: _("Request #%(number)s closed") % {"number": m[1]}),
    (re.compile(r"request #(\d+)"), lambda m: _("Request #%(number)s") % {"number": m[1]}),
    (
        re.compile(r"restriction #(\d+) started"),
        lambda m: _("Restriction #%(number)s started") % {"number": m[1]},
    ),
    (
        re.compile(r"restriction #(\d+) lifted"),
        lambda m: _("Restriction #%(number)s lifted") % {"number": m[1]},
    ),
    (re.compile(r"personal data export \(ZIP\)"), lambda m: _("Personal data export (ZIP)")),
    (
        re.compile(r"personal data export \(ZIP\): sections=(\d+)"),
        lambda m: (
            ngettext(
                "Personal data export (ZIP), %(count)d section",
                "Personal data export (ZIP), %(count)d sections",
                int(m[1]),
            )
            % {"count": int(m[1])}
        ),
    ),
    (re.compile(r"audit log"), lambda m: _("The audit log (CSV)")),
    (
        re.compile(r"(dry run|run) #(\d+): (.+)"),
        lambda m: (
            (_("Dry run #%(number)s: %(counts)s") if m[1] == "dry run" else _("Run #%(number)s: %(counts)s"))
            % {"number": m[2], "counts": _policies(m[3])}
        ),
    ),
    (
        re.compile(r"retention: inactive (\d+) years"),
        lambda m: (
            ngettext(
                "Retention: inactive for %(count)d year", "Retention: inactive for %(count)d years", int(m[1])
            )
            % {"count": int(m[1])}
        ),
    ),
    (
        re.compile(r"merged #(\d+)"),
        lambda m: _("Customer #%(number)s merged into this one") % {"number": m[1]},
    ),
    (
        re.compile(r"ticket #(\d+) merged into #(\d+)"),
        lambda m: _("Ticket #%(merged)s merged into #%(kept)s") % {"merged": m[1], "kept": m[2]},
    ),
    (re.compile(r"ended another session"), lambda m: _("Ended another session")),
    (re.compile(r"logged out everywhere"), lambda m: _("Logged out everywhere")),
    (re.compile(r"password changed"), lambda m: _("Password changed")),
    (re.compile(r"two-factor log-in enabled"), lambda m: _("Two-factor log-in enabled")),
    (re.compile(r"two-factor log-in disabled"), lambda m: _("Two-factor log-in disabled")),
    (re.compile(r"recovery codes regenerated"), lambda m: _("Recovery codes regenerated")),
    (
        re.compile(r"API token (\S+) (created|revoked)( \(command line\))?"),
        lambda m: _token(m[1], m[2], m[3] or ""),
    ),
]


def detail_text(detail: str) -> str:
    """The entry's detail as a sentence in the reader's language; a line not known here as stored."""
    for pattern, render in _DETAILS:
        match = pattern.fullmatch(detail)
        if match is not None:
            return render(match)
    return detail
