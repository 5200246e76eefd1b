"""The path from feedback opt-outs and imported marketing consents to consent records, run by Django's
migration executor on rows written with the old schema."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from pelatis.privacy.queries import consent_allows

BEFORE = [("privacy", "0001_consent_records"), ("feedback", "0003_verbose_names")]
AFTER = [("feedback", "0004_optouts_to_consent_records")]


@pytest.fixture
def executor(transactional_db: None) -> Any:
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    executor.loader.build_graph()
    yield executor
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())


def test_opt_outs_and_imported_consents_become_records(executor: Any) -> None:
    old = executor.loader.project_state(BEFORE).apps
    customer_model, user_model = old.get_model("customers", "Customer"), old.get_model("auth", "User")
    opt_out_model = old.get_model("feedback", "FeedbackOptOut")
    imported_model = old.get_model("customers", "ImportedConsent")
    staff = user_model.objects.create(username="maria")
    kostas = customer_model.objects.create(first_name="Κώστας", display_name="Κώστας Αλεξίου")
    anna = customer_model.objects.create(first_name="Άννα", display_name="Άννα Ρήγα")
    then = timezone.now() - dt.timedelta(days=100)
    opt_out_model.objects.create(customer=kostas, source="link", created_at=then)
    opt_out_model.objects.create(
        customer=anna,
        source="staff",
        note="Το ζήτησε στο τηλέφωνο",
        recorded_by=staff,
        created_at=then,
        withdrawn_at=then + dt.timedelta(days=30),
    )
    stated = timezone.now() - dt.timedelta(days=400)
    imported_model.objects.create(
        customer=anna, channel="email", granted=True, source="shopify", stated_at=stated, raw="yes"
    )
    imported_model.objects.create(customer=kostas, channel="sms", granted=False, source="file", raw="όχι")

    executor.loader.build_graph()
    executor.migrate(AFTER)
    new = executor.loader.project_state(AFTER).apps
    records = new.get_model("privacy", "ConsentRecord").objects
    rows = {(r.customer_id, r.purpose, r.channel, r.granted): r for r in records.all()}
    assert len(rows) == 5
    kostas_out = rows[(kostas.pk, "surveys", "email", False)]
    assert (kostas_out.source, kostas_out.recorded_at) == ("link", then)
    anna_out = rows[(anna.pk, "surveys", "email", False)]
    assert (anna_out.source, anna_out.recorded_by_id, anna_out.note) == (
        "agent",
        staff.pk,
        "Το ζήτησε στο τηλέφωνο",
    )
    anna_back = rows[(anna.pk, "surveys", "email", True)]
    assert (anna_back.source, anna_back.recorded_at) == ("migration", then + dt.timedelta(days=30))
    shopify = rows[(anna.pk, "marketing", "email", True)]
    assert (shopify.source, shopify.note, shopify.recorded_at) == ("import", "shopify: yes", stated)
    assert rows[(kostas.pk, "marketing", "sms", False)].note == "file: όχι"
    assert "feedback_feedbackoptout" not in connection.introspection.table_names()
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
    assert consent_allows(kostas.pk, "surveys", "email") is False
    assert consent_allows(anna.pk, "surveys", "email") is True  # she agreed again after her opt-out
    assert consent_allows(anna.pk, "marketing", "email") is True
