"""The dashboard's filters: parsing query parameters into a period and narrowing, and the months a
period touches."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest

from pelatis.analytics.metrics.base import Filters, months_of
from pelatis.analytics.metrics.service_levels import service_by
from pelatis.analytics.tests.helpers import JANUARY


def test_parse_defaults_to_the_last_twelve_whole_months() -> None:
    f = Filters.parse({}, today=dt.date(2026, 6, 30))
    assert (f.start, f.end) == (dt.date(2025, 7, 1), dt.date(2026, 6, 30))
    assert (f.team, f.agent, f.channel, f.type, f.segment) == (None, None, "", "", "")


def test_parse_reads_every_parameter() -> None:
    f = Filters.parse(
        {"start": " 2026-01-01 ", "end": "2026-01-31", "team": "3", "agent": "7", "channel": "phone",
         "type": "complaint", "segment": "champions"}
    )  # fmt: skip
    assert f == Filters(dt.date(2026, 1, 1), dt.date(2026, 1, 31), 3, 7, "phone", "complaint", "champions")
    assert f.as_params() == {"start": "2026-01-01", "end": "2026-01-31", "team": 3, "agent": 7,
                             "channel": "phone", "type": "complaint", "segment": "champions"}  # fmt: skip
    assert f.key() == Filters.parse({k: str(v) for k, v in f.as_params().items()}).key()
    assert f.key() != replace(f, team=4).key()


@pytest.mark.parametrize(
    ("params", "named"),
    [
        ({"start": "30/06/2026"}, "start"),
        ({"end": "2026-02-30"}, "end"),
        ({"team": "sales"}, "team"),
        ({"agent": "-1"}, "agent"),
        ({"segment": "vip"}, "segment"),
        ({"start": "2026-02-01", "end": "2026-01-31"}, "end"),
    ],
)
def test_parse_errors_name_the_parameter(params: dict[str, str], named: str) -> None:
    with pytest.raises(ValueError, match=f"^{named}: "):
        Filters.parse(params)


def test_service_by_refuses_an_unknown_dimension() -> None:
    with pytest.raises(ValueError, match="^by: 'queue'"):
        service_by(JANUARY, "queue")


def test_months_of_lists_every_month_the_period_touches() -> None:
    assert months_of(Filters(dt.date(2025, 12, 15), dt.date(2026, 2, 1))) == [
        "2025-12",
        "2026-01",
        "2026-02",
    ]
