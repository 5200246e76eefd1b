from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError

from pelatis.helpdesk.services.tone import tone_check, tone_rule_save


def test_shipped_rule_flags_the_issue_example(db: None) -> None:
    [hint] = [h for h in tone_check("Χρωστάτε 40 ευρώ.", language="el") if h.category == "blaming"]
    assert hint.matched == "Χρωστάτε"
    assert "υπόλοιπο" in hint.suggestion


def test_manager_adds_overrides_and_switches_off_rules(db: None) -> None:
    tone_rule_save(
        rule_id="house-cheap",
        language="el",
        category="jargon",
        pattern="φτην*",
        message="Λέμε «οικονομικό».",
        suggestion="οικονομικό",
    )
    assert any(h.rule_id == "house-cheap" for h in tone_check("Είναι φτηνό δωμάτιο.", language="el"))
    tone_rule_save(
        rule_id="el-owe",
        language="el",
        category="blaming",
        pattern="χρωστ*",
        message="x",
        suggestion="y",
        active=False,
    )
    assert not any(h.rule_id == "el-owe" for h in tone_check("Χρωστάτε 40 ευρώ.", language="el"))


def test_bad_pattern_is_refused_naming_the_field(db: None) -> None:
    with pytest.raises(ValidationError) as exc:
        tone_rule_save(
            rule_id="bad", language="el", category="jargon", pattern="re:(", message="x", suggestion="y"
        )
    assert "pattern" in exc.value.message_dict


def test_tone_api(agent: Any, api_as: Any) -> None:
    response = api_as(agent).post("/api/v1/tone/check", {"text": "You owe us 40 euros.", "language": "en"})
    assert response.status_code == 200
    assert any("balance" in h["suggestion"] for h in response.json())
    assert api_as(None).post("/api/v1/tone/check", {"text": "x"}).status_code == 401
