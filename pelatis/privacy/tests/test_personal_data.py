"""Privacy's part in a data-subject export and erasure: the whole consent history is exported with its
labels, and kept through an erasure (evidence) with the person scrubbed from its notes and wording; the
shared free-text scrubbing finds the person in any case, accents, vocative and phone spacing."""

from __future__ import annotations

from typing import Any

import pytest

from pelatis.core.personaltext import identifying_terms, rows_scrub, scrub_person
from pelatis.customers.models import Customer
from pelatis.privacy.models import ConsentRecord
from pelatis.privacy.services import consent_record

from .erasure_scan import erase, hits, participant, person_terms

TERMS = frozenset(
    {"Γιώργος Παπαδόπουλος", "Γιώργος", "Παπαδόπουλος", "g.papadopoulos@example.gr", "+306971234567"}
)


@pytest.fixture
def consents(papadopoulos: Customer, agent: Any) -> list[ConsentRecord]:
    return [
        consent_record(
            customer=papadopoulos,
            purpose="marketing",
            channel="email",
            granted=True,
            source="agent",
            wording="Ο κ. Παπαδόπουλος δέχεται προσφορές στο g.papadopoulos@example.gr.",
            note="Τηλεφώνησε από το 697 123 4567, μίλησε με τον Γιώργο.",
            by=agent,
        ),
        consent_record(
            customer=papadopoulos, purpose="marketing", channel="email", granted=False, source="link"
        ),
    ]


def test_the_export_holds_the_whole_history_with_labels_and_codes(
    papadopoulos: Customer, consents: list[ConsentRecord], agent: Any
) -> None:
    [section] = participant("privacy").export(papadopoulos.pk, "el")
    assert section.key == "consent"
    assert section.title  # its Greek comes with the catalogue
    assert [r["granted"] for r in section.rows] == [False, True]  # newest first
    given = section.rows[1]
    assert (given["purpose"], given["purpose_code"]) == ("Προσφορές και νέα", "marketing")
    assert given["channel_code"] == "email"
    assert given["source_code"] == "agent"
    assert given["wording"].startswith("Ο κ. Παπαδόπουλος")
    assert given["recorded_by"] in (agent.get_full_name(), agent.get_username())
    assert given["given_or_withdrawn_at"] == consents[0].recorded_at.isoformat()
    assert set(section.fields) == set(given)


def test_erasure_keeps_the_records_and_scrubs_note_and_wording(
    papadopoulos: Customer, consents: list[ConsentRecord], make_customer: Any
) -> None:
    other = make_customer(first_name="Ελένη", last_name="Νικολάου", emails=["eleni@example.gr"])
    kept = consent_record(
        customer=other, purpose="surveys", channel="sms", granted=False, source="agent", note="Ζήτησε η ίδια."
    )
    terms = person_terms(papadopoulos)
    before = list(
        ConsentRecord.objects.order_by("pk").values_list("pk", "purpose", "channel", "granted", "source")
    )

    report = erase("privacy", papadopoulos, terms)

    assert report.counts == {"consent_notes": 1}
    assert report.holds  # the history is kept as evidence
    after = list(
        ConsentRecord.objects.order_by("pk").values_list("pk", "purpose", "channel", "granted", "source")
    )
    assert after == before
    assert hits("privacy", terms) == []
    stored = ConsentRecord.objects.get(pk=consents[0].pk)
    assert stored.note == "Τηλεφώνησε από το [erased], μίλησε με τον [erased]."
    assert ConsentRecord.objects.get(pk=kept.pk).note == "Ζήτησε η ίδια."


def test_scrubbing_finds_case_accents_vocative_and_phone_spacing() -> None:
    text = "ΓΙΩΡΓΟΣ ΠΑΠΑΔΟΠΟΥΛΟΣ, κύριε Παπαδόπουλε, γεια σου Γιώργο: 697 123 4567, 0030 697-123-4567, G.Papadopoulos@Example.gr"
    assert scrub_person(text, TERMS, "[x]") == "[x], κύριε [x], γεια σου [x]: [x], [x], [x]"
    assert (
        scrub_person("αριθμός 16971234567", TERMS, "[x]") == "αριθμός 16971234567"
    )  # not a part of a longer one


def test_only_identifying_terms_reach_text_that_is_not_the_persons() -> None:
    assert identifying_terms(TERMS) == {"Γιώργος Παπαδόπουλος", "g.papadopoulos@example.gr", "+306971234567"}


def test_a_scrubbed_value_fits_its_column(papadopoulos: Customer) -> None:
    record = consent_record(
        customer=papadopoulos,
        purpose="surveys",
        channel="email",
        granted=False,
        source="agent",
        note=("Γιώργος " * 40)[:300],
    )
    rows_scrub(ConsentRecord.objects.filter(pk=record.pk), ["note"], TERMS, "[erased]")
    note = ConsentRecord.objects.get(pk=record.pk).note
    assert len(note) <= 300
    assert "Γιώργος" not in note
