"""Consents an import brings: the customer import announces them (CUSTOMER_CONSENTS_IMPORTED) inside its
transaction, after writing them as it read them; they become marketing records here."""

from __future__ import annotations

from collections.abc import Sequence

from django.contrib.auth.models import User

from pelatis.customers.models import ImportedConsent, ImportJob

from .models import Purpose, Source
from .services import NOTE_MAX, ConsentEntry, consent_record_many


def import_note(consent: ImportedConsent, file_name: str = "") -> str:
    """The source system, the date it gave, the value as written and the file:
    "shopify, 2024-05-02: yes (customers_export.csv)"."""
    note = consent.source or "file"
    if consent.stated_at is not None:
        note += f", {consent.stated_at:%Y-%m-%d}"
    if consent.raw:
        note += f": {consent.raw}"
    if file_name:
        note += f" ({file_name})"
    return note[:NOTE_MAX]


def consents_imported(job: ImportJob, consents: Sequence[ImportedConsent], actor: User | None) -> None:
    """Record the imported statements (purpose marketing, their channel, dated by the source system);
    repeats add nothing and an undated grant never re-subscribes a customer who withdrew."""
    consent_record_many(
        entries=[
            ConsentEntry(
                customer_id=c.customer_id,
                purpose=Purpose.MARKETING,
                channel=c.channel,
                granted=c.granted,
                at=c.stated_at,
                note=import_note(c, job.file_name),
            )
            for c in consents
        ],
        source=Source.IMPORT,
        by=actor,
    )
