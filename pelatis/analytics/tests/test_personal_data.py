"""Analytics' part in a data-subject export and erasure: the customer's scores (profiling) are exported
with money in their language and the segment named; an erasure keeps every score and every number of the
kept dashboards and takes the customer's name out of them."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from pelatis.analytics.metrics import Filters
from pelatis.analytics.models import CustomerValue, MetricSnapshot
from pelatis.analytics.services import customer_values_refresh, dashboard_refresh
from pelatis.customers.models import Customer
from pelatis.privacy.tests.erasure_scan import erase, hits, participant, person_terms

pytestmark = pytest.mark.django_db
SCORES = (
    "orders",
    "revenue",
    "recency_score",
    "frequency_score",
    "monetary_score",
    "segment",
    "clv",
    "p_alive",
)


@pytest.fixture
def scored(papadopoulos: Customer, make_customer: Any, make_order: Any) -> Customer:
    now = timezone.now()
    make_order(papadopoulos, "P-1", total="1234.50", when=now - dt.timedelta(days=40))
    make_order(papadopoulos, "P-2", total="100.00", when=now - dt.timedelta(days=5))
    eleni = make_customer(first_name="Ελένη", last_name="Νικολάου", emails=["eleni@example.gr"])
    make_order(eleni, "E-1", total="20.00", when=now - dt.timedelta(days=90))
    customer_values_refresh(fit=False)
    # As a fit leaves them: a predicted value puts both among the top customers.
    CustomerValue.objects.filter(customer=papadopoulos).update(
        clv=812.3456, p_alive=0.9, expected_purchases=3.2
    )
    CustomerValue.objects.filter(customer=eleni).update(clv=15.0, p_alive=0.4, expected_purchases=0.5)
    dashboard_refresh(Filters.default())
    return papadopoulos


def test_the_export_holds_the_scores_with_money_and_segment_named(scored: Customer) -> None:
    [section] = participant("analytics").export(scored.pk, "el")
    [row] = section.rows
    assert row["orders"] == 2
    assert row["historical_value"] == "1.334,50\xa0€"
    assert row["historical_value_amount"] == "1334.50"
    assert row["predicted_value_12_months"] == "812,35\xa0€"
    assert row["currency"] == "EUR"
    assert row["segment_code"]
    assert row["segment"] not in ("", row["segment_code"])
    assert row["probability_still_active"] == 0.9
    assert set(section.fields) == set(row)
    assert participant("analytics").export(scored.pk, "en")[0].rows[0]["historical_value"] == "€1,334.50"


def test_erasure_keeps_every_number_and_takes_the_name_out_of_dashboards(scored: Customer) -> None:
    terms = person_terms(scored)
    assert hits("analytics", terms)  # the top customers name them
    scores = list(CustomerValue.objects.order_by("pk").values_list(*SCORES))
    [before] = MetricSnapshot.objects.values_list("data", flat=True)

    report = erase("analytics", scored, terms)

    assert hits("analytics", terms) == []
    assert report.counts == {"dashboards": 1}
    assert list(CustomerValue.objects.order_by("pk").values_list(*SCORES)) == scores
    [after] = MetricSnapshot.objects.values_list("data", flat=True)
    top = after["value"]["top"]
    assert [(r["id"], r["name"]) for r in top] == [(scored.pk, "[erased]"), (top[1]["id"], "Ελένη Νικολάου")]
    for row in before["value"]["top"]:
        row["name"] = "[erased]" if row["id"] == scored.pk else row["name"]
    assert after == before  # every figure as it was
