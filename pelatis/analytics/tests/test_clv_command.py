from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command


def test_clv_fit_on_the_demo_book_prints_both_models(db: None) -> None:
    call_command("demo", "--customers", "400", stdout=io.StringIO())
    out = io.StringIO()
    call_command("clv", "fit", stdout=out)
    text = out.getvalue()
    assert "BG/NBD" in text
    assert "r=" in text
    assert "alpha=" in text
    assert "Gamma-Gamma" in text
    assert "p=" in text
    assert "12-month CLV" in text


def test_clv_fit_explains_what_is_missing(db: None) -> None:
    with pytest.raises(CommandError, match="no orders"):
        call_command("clv", "fit", stdout=io.StringIO())
    with pytest.raises(CommandError, match="--as-of"):
        call_command("clv", "fit", "--as-of", "30/06/2026", stdout=io.StringIO())
