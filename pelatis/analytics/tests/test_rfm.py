"""RFM by hand: rank-based 1–5 scores (ties share the lowest band), per-customer totals and the segment grid.

No database: pelatis.analytics.rfm is numpy only.
"""

from __future__ import annotations

import numpy as np
import pytest

from pelatis.analytics import rfm
from pelatis.analytics.models import Segment

# The grid as docs/metrics.md prints it: rows are R = 1..5, columns F = 1..5.
GRID = {
    1: ["hibernating", "hibernating", "at_risk", "at_risk", "cant_lose"],
    2: ["hibernating", "hibernating", "at_risk", "at_risk", "cant_lose"],
    3: ["sleepy", "sleepy", "attention", "loyal", "loyal"],
    4: ["promising", "potential", "potential", "loyal", "loyal"],
    5: ["new", "potential", "potential", "champions", "champions"],
}


def day(iso: str) -> int:
    return int(np.datetime64(iso, "D").astype(np.int64))


def test_five_distinct_values_get_one_score_each() -> None:
    assert rfm.score([50, 10, 30, 20, 40]).tolist() == [5, 1, 3, 2, 4]


def test_ten_distinct_values_fill_each_band_twice() -> None:
    # score = 1 + floor(5 (rank - 1) / 10): ranks 1–2 → 1, 3–4 → 2, … 9–10 → 5
    assert rfm.score(range(1, 11)).tolist() == [1, 1, 2, 2, 3, 3, 4, 4, 5, 5]


def test_ties_share_the_lowest_rank_of_their_group() -> None:
    # orders per customer 1, 1, 1, 2, 3: the three one-order customers all have rank 1 → score 1;
    # 2 has rank 4 → 1 + floor(5·3/5) = 4; 3 has rank 5 → 5
    assert rfm.score([1, 1, 1, 2, 3]).tolist() == [1, 1, 1, 4, 5]


def test_everyone_tied_scores_one() -> None:
    assert rfm.score([7, 7, 7, 7]).tolist() == [1, 1, 1, 1]


def test_lower_is_better_reverses_the_ranking() -> None:
    # days since last order 0, 10, 10, 30, 400: the most recent buyer ranks highest;
    # negated ranks: -400 → 1, -30 → 2, -10 and -10 → 3, 0 → 5
    assert rfm.score([0, 10, 10, 30, 400], higher_is_better=False).tolist() == [5, 3, 3, 2, 1]


def test_no_values_no_scores() -> None:
    scores = rfm.score([])
    assert scores.size == 0
    assert scores.dtype == np.int8


def test_purchase_totals_group_by_customer_in_id_order() -> None:
    # given customer 2 with three orders and customer 1 with two, given out of order
    ids = [2, 1, 2, 1, 2]
    times = np.array(
        ["2026-03-05T10:00", "2026-01-10T09:00", "2026-01-02T23:00", "2026-02-01T00:00", "2026-03-05T18:00"],
        dtype="datetime64[s]",
    )
    totals = [10.0, 25.5, 5.0, 4.5, 20.0]
    # when
    grouped = rfm.purchase_totals(ids, times, totals)
    # then
    assert grouped.customer_ids.tolist() == [1, 2]
    assert grouped.orders.tolist() == [2, 3]
    assert grouped.revenue.tolist() == [30.0, 35.0]
    assert grouped.first_day.tolist() == [day("2026-01-10"), day("2026-01-02")]
    assert grouped.last_day.tolist() == [day("2026-02-01"), day("2026-03-05")]


def test_purchase_totals_of_nothing_is_empty() -> None:
    grouped = rfm.purchase_totals([], np.array([], dtype="datetime64[s]"), [])
    assert grouped.customer_ids.size == grouped.orders.size == grouped.revenue.size == 0


def test_rfm_scores_of_a_five_customer_book() -> None:
    # given last orders 0, 5, 5, 30 and 200 days before 2026-06-30, with 1, 1, 2, 4, 1 orders
    # and 10, 50, 40, 400, 20 spent
    totals = rfm.Totals(
        customer_ids=np.array([1, 2, 3, 4, 5]),
        orders=np.array([1, 1, 2, 4, 1]),
        revenue=np.array([10.0, 50.0, 40.0, 400.0, 20.0]),
        first_day=np.array(
            [day("2026-06-30"), day("2026-06-25"), day("2026-01-01"), day("2025-01-01"), day("2025-12-12")]
        ),
        last_day=np.array(
            [day("2026-06-30"), day("2026-06-25"), day("2026-06-25"), day("2026-05-31"), day("2025-12-12")]
        ),
    )
    # when
    r, f, m = rfm.rfm_scores(totals, as_of_day=day("2026-06-30"))
    # then: recency ranks (fewest days best) 0 → 5; 5, 5 → tied at rank 3 → 3; 30 → 2; 200 → 1
    assert r.tolist() == [5, 3, 3, 2, 1]
    # frequency 1, 1, 2, 4, 1: the three one-order customers tie at rank 1 → 1; 2 → rank 4 → 4; 4 → 5
    assert f.tolist() == [1, 1, 4, 5, 1]
    # monetary 10, 50, 40, 400, 20 → ranks 1, 4, 3, 5, 2
    assert m.tolist() == [1, 4, 3, 5, 2]
    # and their segments: (5,1) new, (3,1) sleepy, (3,4) loyal, (2,5) can't lose, (1,1) hibernating
    assert rfm.segments(r, f).tolist() == ["new", "sleepy", "loyal", "cant_lose", "hibernating"]


@pytest.mark.parametrize("recency", [1, 2, 3, 4, 5])
@pytest.mark.parametrize("frequency", [1, 2, 3, 4, 5])
def test_every_cell_of_the_segment_grid(recency: int, frequency: int) -> None:
    assert rfm.segments([recency], [frequency]).tolist() == [GRID[recency][frequency - 1]]


def test_grid_corners_read_as_their_names() -> None:
    r = [5, 5, 1, 1, 4, 3]
    f = [5, 1, 5, 1, 1, 3]
    assert rfm.segments(r, f).tolist() == [
        "champions",
        "new",
        "cant_lose",
        "hibernating",
        "promising",
        "attention",
    ]


def test_scores_outside_one_to_five_are_clipped_to_the_grid() -> None:
    assert rfm.segments([0, 9], [0, 9]).tolist() == ["hibernating", "champions"]


def test_every_segment_code_in_the_grid_is_a_stored_segment() -> None:
    codes = {code for row in rfm.SEGMENT_GRID for code in row}
    assert codes == set(Segment.values)
