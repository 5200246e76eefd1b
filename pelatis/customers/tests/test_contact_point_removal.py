"""Agents add and correct emails and phones; removing one is a manager's call, on the edit page as in the API."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from pelatis.customers.models import ContactPoint, Customer

pytestmark = pytest.mark.django_db


def _edit(client: Any, customer: Customer, **changes: str) -> Any:
    page = client.get(reverse("customers:edit", args=[customer.pk]))
    data = {k: str(v or "") for k, v in page.context["form"].initial.items()}
    data.update(formal="on" if customer.formal else "", company="", **changes)
    return client.post(reverse("customers:edit", args=[customer.pk]), data)


def test_an_agent_who_leaves_out_a_phone_gets_the_error_on_the_field_and_nothing_is_removed(
    client_as: Any, agent: Any, papadopoulos: Customer
) -> None:
    before = set(papadopoulos.contact_points.values_list("kind", "value"))
    response = _edit(client_as(agent), papadopoulos, phones="", notes="Αλλαγή")
    assert response.status_code == 422
    assert "phones" in response.context["form"].errors
    assert set(papadopoulos.contact_points.values_list("kind", "value")) == before
    papadopoulos.refresh_from_db()
    assert papadopoulos.notes != "Αλλαγή"  # nothing half written


def test_an_agent_may_add_a_phone_and_a_manager_may_remove_one(
    client_as: Any, agent: Any, manager: Any, papadopoulos: Customer
) -> None:
    response = _edit(client_as(agent), papadopoulos, phones="+30 697 123 4567\n210 555 1234")
    assert response.status_code == 302
    assert ContactPoint.objects.filter(customer=papadopoulos, kind="phone").count() == 2

    response = _edit(client_as(manager), papadopoulos, phones="210 555 1234")
    assert response.status_code == 302
    assert list(
        ContactPoint.objects.filter(customer=papadopoulos, kind="phone").values_list("value", flat=True)
    ) == ["+302105551234"]
