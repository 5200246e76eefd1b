"""Loyalty's part in a data-subject export and erasure: the account, ledger, tier changes and warnings are
exported with labels and codes; an erasure scrubs the person from every loyalty text while the balance,
the ledger's sum, kinds and dates stay as they were."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db.models import Sum

from pelatis.customers.models import Customer
from pelatis.loyalty.models import ExpiryWarning, LedgerEntry, LoyaltyAccount, TierChange
from pelatis.loyalty.services.ledger import points_adjust, points_redeem
from pelatis.privacy.tests.erasure_scan import erase, hits, participant, person_terms

pytestmark = pytest.mark.django_db


@pytest.fixture
def account(papadopoulos: Customer, manager: Any, make_customer: Any) -> LoyaltyAccount:
    points_adjust(
        customer=papadopoulos,
        points=120,
        reason="Αποζημίωση: ο κ. Παπαδόπουλος (g.papadopoulos@example.gr) περίμενε 2 ώρες",
        by=manager,
    )
    points_redeem(customer=papadopoulos, points=30, reason="Καφές για τον Γιώργο", by=manager)
    held = LoyaltyAccount.objects.get(customer=papadopoulos)
    TierChange.objects.create(
        account=held, from_name="", to_name="Χρυσό", direction="up", reason="Ζήτησε ο Γιώργος Παπαδόπουλος"
    )
    ExpiryWarning.objects.create(
        account=held,
        expires_on=dt.date(2027, 1, 31),
        points=90,
        status="failed",
        error="550 5.1.1 <g.papadopoulos@example.gr>: Recipient address rejected",
    )
    other = make_customer(first_name="Ελένη", last_name="Νικολάου", emails=["eleni@example.gr"])
    points_adjust(customer=other, points=10, reason="Σύσταση από τον Γιώργο", by=manager)
    return held


def test_the_export_holds_account_ledger_changes_and_warnings(
    papadopoulos: Customer, account: LoyaltyAccount, django_assert_max_num_queries: Any
) -> None:
    with django_assert_max_num_queries(4):  # one per section, whatever the number of rows
        sections = {s.key: s for s in participant("loyalty").export(papadopoulos.pk, "el")}
    assert set(sections) == {
        "loyalty_account",
        "loyalty_ledger",
        "loyalty_tier_changes",
        "loyalty_expiry_warnings",
    }
    [held] = sections["loyalty_account"].rows
    assert held["balance"] == 90
    ledger = sections["loyalty_ledger"].rows
    assert [(e["kind_code"], e["points"]) for e in ledger] == [("adjust", 120), ("redeem", -30)]
    assert ledger[0]["kind"] == "Διόρθωση"
    assert ledger[0]["by"] == "manager"
    assert ledger[1]["reason"] == "Καφές για τον Γιώργο"
    [change] = sections["loyalty_tier_changes"].rows
    assert (change["direction_code"], change["to_tier"]) == ("up", "Χρυσό")
    [warning] = sections["loyalty_expiry_warnings"].rows
    assert (warning["points_expire_on"], warning["status_code"]) == ("2027-01-31", "failed")
    assert "error" not in warning  # a mail server's words are ours, not about the person
    for section in sections.values():
        assert set(section.fields) == set(section.rows[0])


def test_erasure_scrubs_every_text_and_keeps_the_points(
    papadopoulos: Customer, account: LoyaltyAccount
) -> None:
    terms = person_terms(papadopoulos)
    assert hits("loyalty", terms)
    ledger = list(
        LedgerEntry.objects.order_by("pk").values_list("pk", "kind", "points", "created_at", "expires_at")
    )
    total = LedgerEntry.objects.aggregate(s=Sum("points"))["s"]

    report = erase("loyalty", papadopoulos, terms)

    assert hits("loyalty", terms) == []
    assert report.counts == {
        "ledger_reasons": 2,
        "tier_change_reasons": 1,
        "expiry_warning_errors": 1,
    }
    assert (
        list(
            LedgerEntry.objects.order_by("pk").values_list("pk", "kind", "points", "created_at", "expires_at")
        )
        == ledger
    )
    assert LedgerEntry.objects.aggregate(s=Sum("points"))["s"] == total
    assert LoyaltyAccount.objects.get(pk=account.pk).balance == 90
    reasons = list(
        LedgerEntry.objects.filter(account=account).order_by("pk").values_list("reason", flat=True)
    )
    assert reasons == ["Αποζημίωση: ο κ. [erased] ([erased]) περίμενε 2 ώρες", "Καφές για τον [erased]"]
    assert ExpiryWarning.objects.get(account=account).error.startswith("550 5.1.1 <[erased]>")
    # Another customer's entry that names a "Γιώργο" is not this person's by key: a first name alone stays.
    assert LedgerEntry.objects.exclude(account=account).get().reason == "Σύσταση από τον Γιώργο"


def test_a_customer_without_an_account_exports_empty_sections(papadopoulos: Customer) -> None:
    sections = participant("loyalty").export(papadopoulos.pk, "en")
    assert all(not s.rows for s in sections)
    assert not any(erase("loyalty", papadopoulos, person_terms(papadopoulos)).counts.values())
    assert not LoyaltyAccount.objects.exists()  # an erasure opens no account
