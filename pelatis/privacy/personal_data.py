"""Privacy's part in a data-subject export and erasure (the consent history). The helpers every app's
participant shares (values as an export writes them, the person found in free text) are in
``pelatis.core.personaltext``.

Consent records are kept through an erasure: they prove what the person agreed to and when they withdrew
it (a legitimate record of the business, listed as a legal hold). Only the staff's note is scrubbed.
"""

from __future__ import annotations

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pelatis.core.personaldata import ErasureContext, ErasureReport, PersonalDataParticipant, Section
from pelatis.core.personaltext import iso, label, labelled, rows_scrub, staff_name

from .models import ConsentChannel, ConsentRecord, Purpose, Source

# --- privacy's own part: the consent history ----------------------------------------------------------------


# The CSV's column labels (short; ``fields`` documents each column in a sentence).
_LABELS = {
    "consent": {
        "purpose": gettext_lazy("purpose"),
        "channel": gettext_lazy("channel"),
        "granted": gettext_lazy("consent given"),
        "source": gettext_lazy("source"),
        "wording": gettext_lazy("wording"),
        "note": gettext_lazy("note"),
        "recorded_by": gettext_lazy("recorded by"),
        "given_or_withdrawn_at": gettext_lazy("given or withdrawn on"),
        "recorded_at": gettext_lazy("recorded"),
    },
}


def consent_export(customer_id: int, language: str) -> list[Section]:
    """The customer's whole consent history, newest first: what, how, the words shown, when and by whom."""
    records = (
        ConsentRecord.objects.filter(customer_id=customer_id)
        .select_related("recorded_by")
        .order_by("-recorded_at", "-id")
    )
    with translation.override(language):
        rows = [
            {
                "purpose": label(Purpose, r.purpose),
                "purpose_code": r.purpose,
                "channel": label(ConsentChannel, r.channel),
                "channel_code": r.channel,
                "granted": r.granted,
                "source": label(Source, r.source),
                "source_code": r.source,
                "wording": r.wording,
                "note": r.note,
                "recorded_by": staff_name(r.recorded_by),
                "given_or_withdrawn_at": iso(r.recorded_at),
                "recorded_at": iso(r.created_at),
            }
            for r in records
        ]
        fields = {
            "purpose": _(
                "What the consent is for (service messages, offers and news, surveys, suggestions)."
            ),
            "purpose_code": _("The purpose as a code, for programs."),
            "channel": _("The way of contact it covers (email, SMS, phone)."),
            "channel_code": _("The channel as a code, for programs."),
            "granted": _("True when consent was given, false when it was refused or withdrawn."),
            "source": _("How we learned it (web form, your link, recorded by staff, import, API)."),
            "source_code": _("The source as a code, for programs."),
            "wording": _("The words shown or read out to you when you chose."),
            "note": _("A note by the staff member who recorded it."),
            "recorded_by": _("The staff member who recorded it, if any."),
            "given_or_withdrawn_at": _("When you gave or withdrew it."),
            "recorded_at": _("When it was recorded in our system."),
        }
        return labelled(
            [Section(key="consent", title=_("Consent history"), rows=rows, fields=fields)],
            _LABELS,
        )


def consent_erase(context: ErasureContext) -> ErasureReport:
    """Keeps every consent record (proof of consent and of its withdrawal) and scrubs the person from its
    note and wording."""
    records = ConsentRecord.objects.filter(customer_id=context.customer_id)
    scrubbed = rows_scrub(records, ["note", "wording"], context.terms, context.placeholder)
    return ErasureReport(
        counts={"consent_notes": scrubbed},
        holds=[_("Consent history kept as evidence of consent and its withdrawal.")],
    )


PARTICIPANT = PersonalDataParticipant(app="privacy", export=consent_export, erase=consent_erase)
