"""A bad filter is refused with errors naming each rule's place; evaluation is one query however many rules."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError

from pelatis.engagement.segments import (
    MAX_DEPTH,
    definition_validate,
    segment_count,
    segment_counts,
    segment_customers,
)


def errors_of(definition: Any) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as caught:
        definition_validate(definition)
    return caught.value.message_dict


def test_every_bad_rule_is_named_by_its_path() -> None:
    found = errors_of(
        {
            "op": "and",
            "rules": [
                {"field": "customer.nope", "op": "eq", "value": "x"},
                {
                    "op": "or",
                    "rules": [
                        {"field": "orders.spend", "op": "gt", "value": "πολλά"},
                        {"field": "customer.language", "op": "gt", "value": "el"},
                    ],
                },
                {"field": "customer.kind", "op": "eq", "value": "robot"},
            ],
        }
    )
    assert set(found) == {"rules.0.field", "rules.1.rules.0.value", "rules.1.rules.1.op", "rules.2.value"}
    assert "customer.nope" in found["rules.0.field"][0]
    assert "πολλά" in found["rules.1.rules.0.value"][0]
    assert "robot" in found["rules.2.value"][0]


@pytest.mark.parametrize(
    ("rule", "path", "words"),
    [
        ({"field": "", "op": "eq", "value": "el"}, "rules.0.field", "Choose a field"),
        ({"field": "orders.count", "op": "between", "value": [5, 1]}, "rules.0.value", "greater"),
        ({"field": "orders.count", "op": "between", "value": 5}, "rules.0.value", "two values"),
        ({"field": "customer.tags", "op": "any", "value": []}, "rules.0.value", "at least one"),
        ({"field": "customer.created", "op": "before", "value": "31/02/2026"}, "rules.0.value", "not a date"),
        ({"field": "orders.last_purchase", "op": "gt", "value": -3}, "rules.0.value", "number of days"),
        ({"field": "customer.has_email", "op": "eq", "value": "maybe"}, "rules.0.value", "yes or no"),
        (
            {"field": "customer.language", "op": "eq", "value": "el", "within_days": 9},
            "rules.0.within_days",
            "no time window",
        ),
        (
            {"field": "orders.category", "op": "eq", "value": "Καφές", "within_days": 0},
            "rules.0.within_days",
            "from 1",
        ),
    ],
)
def test_rule_errors(rule: dict[str, Any], path: str, words: str) -> None:
    found = errors_of({"op": "and", "rules": [rule]})
    assert list(found) == [path]
    assert words in found[path][0]


def test_group_errors() -> None:
    assert list(errors_of({"op": "xor", "rules": []})) == ["op"]
    assert list(errors_of({"op": "and", "rules": [{"op": "or", "rules": []}]})) == ["rules.0.rules"]
    assert list(errors_of({"op": "and", "rules": "all"})) == ["rules"]
    assert list(errors_of(["not", "a", "tree"])) == ["definition"]
    assert list(errors_of({"op": "and", "rules": [], "include_internal": "maybe"})) == ["include_internal"]


def test_depth_is_limited() -> None:
    leaf: dict[str, Any] = {"field": "customer.language", "op": "eq", "value": "el"}
    tree: dict[str, Any] = {"op": "and", "rules": [leaf]}
    for _ in range(MAX_DEPTH - 1):
        tree = {"op": "or", "rules": [tree]}
    definition_validate(tree)  # exactly MAX_DEPTH levels is fine
    found = errors_of({"op": "and", "rules": [tree]})
    assert list(found) == ["rules.0" + ".rules.0" * (MAX_DEPTH - 1) + ".rules"]


def test_query_count_does_not_grow_with_rules(db: None, django_assert_max_num_queries: Any) -> None:
    many = [
        {"field": "customer.language", "op": "eq", "value": "el"},
        {"field": "customer.city", "op": "eq", "value": "Θεσσαλονίκη"},
        {"field": "customer.tags", "op": "all", "value": ["VIP", "Χονδρική"]},
        {"field": "orders.spend", "op": "lt", "value": 500, "within_days": 365},
        {"field": "orders.count", "op": "gte", "value": 0},
        {"field": "orders.category", "op": "ne", "value": "Καφές"},
        {"field": "orders.last_purchase", "op": "gt", "value": 30},
        {"field": "customer.kind", "op": "in", "value": ["person", "company"]},
    ] * 5
    definition = {"op": "and", "rules": [{"op": "or", "rules": many}, *many]}
    with django_assert_max_num_queries(1):
        segment_count(definition)
    with django_assert_max_num_queries(1):
        list(segment_customers(definition)[:20])


def test_the_empty_filter_is_every_customer(make_customer: Any) -> None:
    make_customer(first_name="Άννα", last_name="Α")
    assert segment_count({}) == 1
    assert segment_count({"rules": []}) == 1
    assert list(errors_of({"rules": [{"rules": []}]})) == ["rules.0.op", "rules.0.rules"]


def test_counts_of_several_segments_in_one_query(make_customer: Any, django_assert_num_queries: Any) -> None:
    make_customer(first_name="Άννα", last_name="Α")
    make_customer(first_name="Bob", last_name="B", language="en")
    greek = {"op": "and", "rules": [{"field": "customer.language", "op": "eq", "value": "el"}]}
    broken = {"op": "and", "rules": [{"field": "gone.field", "op": "eq", "value": 1}]}
    with django_assert_num_queries(1):
        counts = segment_counts({1: greek, 2: {}, 3: broken})
    assert counts == {1: 1, 2: 2, 3: None}


def test_nul_characters_are_refused_anywhere() -> None:
    rule = {"field": "customer.city", "op": "eq", "value": "Θεσ\x00"}
    assert list(errors_of({"op": "and", "rules": [rule]})) == ["definition"]
    assert list(errors_of({"op": "and", "rules": [], "note\x00": 1})) == ["definition"]
