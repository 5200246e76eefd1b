"""Loyalty over the worker's real path, on both backends (django-tasks-db or RQ on Redis, `pelatis worker
--once`): the feedback bonus task,
and the periodic jobs that review tiers and warn of expiring points (over a real SMTP server).

Elsewhere tests run tasks with the immediate backend; here nothing runs until the worker takes it.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone
from django_tasks import TaskResultStatus

from pelatis.customers.models import Customer
from pelatis.feedback.services.csat import csat_answer, csat_survey_for
from pelatis.helpdesk.services.tickets import InboundMail, ticket_open
from pelatis.loyalty.models import (
    ExpiryWarning,
    LedgerEntry,
    LoyaltyAccount,
    LoyaltyProgramme,
    Tier,
    TierChange,
)
from pelatis.loyalty.queries import balance_of
from pelatis.loyalty.services.ledger import points_adjust
from pelatis.loyalty.services.orders import loyalty_orders_sync, months_after
from pelatis.loyalty.tasks import loyalty_feedback_bonus_task
from pelatis.loyalty.tests.helpers import paid_order
from tests.task_path import (
    results,
    task_backend,  # noqa: F401 — the fixture, used by pytestmark
    worker_round,
    worker_until_empty,
)

# each test runs twice: tasks in the database, and tasks on RQ (a throw-away Redis)
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("task_backend")]


def test_a_top_csat_answer_earns_its_bonuses_through_the_worker(papadopoulos: Customer) -> None:
    # given: bonuses set, a survey answered 5/5 and committed; the bonus waits in the queue
    LoyaltyProgramme.objects.update_or_create(pk=1, defaults={"survey_bonus": 20, "compliment_bonus": 50})
    ticket, _m = ticket_open(
        customer=papadopoulos, subject="Κράτηση", mail=InboundMail(body_text="Ευχαριστώ")
    )
    csat_answer(survey=csat_survey_for(ticket=ticket), score=5)
    assert results(loyalty_feedback_bonus_task) == [TaskResultStatus.READY]
    assert balance_of(papadopoulos) == 0
    # when
    worker_until_empty()
    # then
    assert balance_of(papadopoulos) == 70
    assert sorted(LedgerEntry.objects.filter(kind="bonus").values_list("bonus_kind", flat=True)) == [
        "compliment",
        "survey",
    ]
    assert results(loyalty_feedback_bonus_task) == [TaskResultStatus.SUCCESSFUL]


def test_the_worker_moves_a_customer_up_a_tier(papadopoulos: Customer) -> None:
    # given: a tier at €300 of spend and a customer who spent €400
    gold = Tier.objects.create(name="Χρυσό", threshold=Decimal("300"))
    points_adjust(customer=papadopoulos, points=1, reason="Άνοιγμα λογαριασμού", by=None)
    paid_order(papadopoulos, "Π-1", "400.00", sync=False)
    # when
    printed = worker_until_empty()
    # then
    assert "loyalty_tiers: 1 upgrades" in printed
    assert LoyaltyAccount.objects.get(customer=papadopoulos).tier == gold
    assert TierChange.objects.filter(to_tier=gold).count() == 1


def test_the_worker_warns_of_expiring_points_once(papadopoulos: Customer, smtp_server: Any) -> None:
    # given: points that expire in ten days
    months = LoyaltyProgramme.current().expiry_months
    order = paid_order(
        papadopoulos,
        "Π-παλιά",
        "90.00",
        placed_at=months_after(timezone.now(), -months) + dt.timedelta(days=10),
        sync=False,
    )
    loyalty_orders_sync(order_ids=[order.pk])
    # when: the worker's rounds (the job is due once; later rounds find it claimed)
    worker_until_empty()
    worker_round()
    # then
    [warning] = smtp_server.messages
    assert warning["To"] == "g.papadopoulos@example.gr"
    assert "90 από τους πόντους σας λήγουν" in str(warning.get_body(("plain",)).get_content())
    assert ExpiryWarning.objects.get().status == "sent"
