"""The help desk's part in the audit trail: a ticket whose requester changes (merged into a ticket of
another customer) is recorded as a change of that customer's data; a merge of one customer's tickets is
not (nobody's data changed hands), and neither is a refused merge."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError

from pelatis.core.models import AuditEvent
from pelatis.customers.models import Customer
from pelatis.helpdesk.services.merge import ticket_merge

pytestmark = pytest.mark.django_db


def _changes() -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action="change").order_by("id"))


def test_a_ticket_moved_to_another_customer_records_a_requester_change(
    papadopoulos: Customer, make_customer: Any, open_ticket: Any, agent: Any
) -> None:
    # given two customers' tickets
    maria = make_customer(first_name="Μαρία", last_name="Ξένη", emails=["maria.xeni@example.com"])
    survivor = open_ticket(papadopoulos, subject="Κράτηση", body="Θέλω δωμάτιο")
    merged = open_ticket(maria, subject="Κράτηση", body="Η δική μου ερώτηση")
    # when a merge is refused, nothing is recorded
    with pytest.raises(ValidationError):
        ticket_merge(survivor=survivor, merged=merged, by=agent)
    assert _changes() == []
    # when the agent confirms it, the merged ticket's customer gets the entry
    ticket_merge(survivor=survivor, merged=merged, by=agent, confirm_other_customer=True)
    (entry,) = _changes()
    assert (entry.actor_id, entry.customer_id, entry.fields) == (agent.pk, maria.pk, [{"field": "requester"}])
    assert entry.detail == f"ticket #{merged.pk} merged into #{survivor.pk}"
    assert "Μαρία" not in entry.detail


def test_merging_one_customers_tickets_records_no_change(
    papadopoulos: Customer, open_ticket: Any, agent: Any
) -> None:
    first = open_ticket(papadopoulos, subject="Κράτηση", body="Θέλω δωμάτιο")
    second = open_ticket(papadopoulos, subject="Κράτηση", body="Και πάρκινγκ")
    ticket_merge(survivor=first, merged=second, by=agent)
    assert _changes() == []
