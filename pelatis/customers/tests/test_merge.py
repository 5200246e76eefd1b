from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from pelatis.customers.models import ContactPoint, Customer, Interaction, MergeRecord, Order
from pelatis.customers.queries import duplicates_of
from pelatis.customers.services import customer_merge


def test_duplicates_by_email_phone_and_greeklish_name(papadopoulos: Customer, make_customer: Any) -> None:
    same_email = make_customer(last_name="Άλλος", emails=["g.papadopoulos@example.gr"])
    same_phone = make_customer(last_name="Τρίτος", phones=["+306971234567"])
    greeklish = make_customer(first_name="Giorgos", last_name="Papadopoulos")
    unrelated = make_customer(first_name="Γιώργος", last_name="Παπαδάκης")
    found = {c.pk for c in duplicates_of(papadopoulos)}
    assert {same_email.pk, same_phone.pk, greeklish.pk} <= found
    assert unrelated.pk not in found
    assert papadopoulos.pk not in found


def test_merge_moves_everything_and_keeps_a_trail(
    papadopoulos: Customer, make_customer: Any, make_order: Any, manager: Any
) -> None:
    # given
    dup = make_customer(
        first_name="Giorgos",
        last_name="Papadopoulos",
        emails=["g.papadopoulos@example.gr", "gp@work.gr"],
        birthday=dt.date(1980, 1, 2),
        tags=["Tourist"],
        external_ref="OLD-7",
        notes="Παλιές σημειώσεις",
    )
    make_order(dup, "ORD-1")
    # when
    record = customer_merge(survivor=papadopoulos, merged=dup, by=manager)
    # then
    dup.refresh_from_db()
    papadopoulos.refresh_from_db()
    assert dup.merged_into == papadopoulos
    assert Order.objects.get(reference="ORD-1").customer == papadopoulos
    assert set(
        ContactPoint.objects.filter(customer=papadopoulos, kind="email").values_list("value", flat=True)
    ) == {"g.papadopoulos@example.gr", "gp@work.gr"}
    assert not ContactPoint.objects.filter(customer=dup).exists()
    assert set(papadopoulos.tags.values_list("name", flat=True)) == {"VIP", "Tourist"}
    assert papadopoulos.external_ref == "OLD-7"
    assert "Παλιές σημειώσεις" in papadopoulos.notes
    assert str(papadopoulos.birthday) == "1980-01-02"
    assert record.merged_by == manager
    assert record.moved["orders"] == 1
    assert record.snapshot["first_name"] == "Giorgos"
    assert Interaction.objects.filter(customer=papadopoulos, summary__startswith="Merged").exists()


def test_merge_twice_or_into_itself_is_refused(papadopoulos: Customer, make_customer: Any) -> None:
    dup = make_customer(last_name="Χ")
    with pytest.raises(ValidationError):
        customer_merge(survivor=papadopoulos, merged=papadopoulos)
    customer_merge(survivor=papadopoulos, merged=dup)
    with pytest.raises(ValidationError):
        customer_merge(survivor=papadopoulos, merged=Customer.objects.get(pk=dup.pk))
    assert MergeRecord.objects.count() == 1
