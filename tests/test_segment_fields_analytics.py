"""Segments over the analytics' customer values: RFM segment, predicted value, P(alive) in per cent."""

from __future__ import annotations

from typing import Any

from pelatis.analytics.models import CustomerValue
from pelatis.engagement.segments import segment_customers


def names(rule: dict[str, Any]) -> set[str]:
    return {c.first_name for c in segment_customers({"op": "and", "rules": [rule]})}


def test_value_fields(make_customer: Any) -> None:
    anna = make_customer(first_name="Άννα", last_name="Α")
    make_customer(first_name="Νίκος", last_name="Ν")  # not scored yet
    CustomerValue.objects.create(customer=anna, segment="champions", clv=820.5, p_alive=0.93)
    assert names({"field": "value.rfm_segment", "op": "eq", "value": "champions"}) == {"Άννα"}
    assert names({"field": "value.rfm_segment", "op": "ne", "value": "champions"}) == {"Νίκος"}
    assert names({"field": "value.predicted", "op": "gt", "value": "800"}) == {"Άννα"}
    assert names({"field": "value.p_alive", "op": "gte", "value": 90}) == {"Άννα"}
    assert names({"field": "value.p_alive", "op": "lt", "value": 90}) == set()
