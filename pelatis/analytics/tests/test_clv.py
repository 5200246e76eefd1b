"""Validation of pelatis.analytics.clv against published CDNOW results, `lifetimes`, and the models
themselves (simulated data, parameter recovery, properties).  No database needed."""

from __future__ import annotations

import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from pelatis.analytics.clv import (
    BetaGeoModel,
    BetaGeoParams,
    GammaGammaModel,
    GammaGammaParams,
    Summary,
    compress_rows,
    customer_lifetime_value,
    rfm_summary,
)

with warnings.catch_warnings():
    warnings.simplefilter("ignore")  # lifetimes 0.11.3 sets a pandas option that pandas 3 deprecates
    import lifetimes
    import lifetimes.utils

DATA = Path(__file__).parent / "data"


# --------------------------------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------------------------------


def load_cdnow_summary() -> np.ndarray:
    """Hardie's CDNOW calibration summary: ID, x, t_x, T (weeks), zbar (mean repeat spend)."""
    return np.genfromtxt(DATA / "cdnow_customers_summary_with_transactions.csv", delimiter=",", names=True)


def load_cdnow_transactions() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    raw = np.loadtxt(DATA / "CDNOW_sample.txt", dtype=str)
    ids = raw[:, 1].astype(np.int64)
    dates = np.array([f"{s[:4]}-{s[4:6]}-{s[6:]}" for s in raw[:, 2]], dtype="datetime64[D]")
    return ids, dates, raw[:, 4].astype(np.float64)


def simulate_bgnbd(
    rng: np.random.Generator, params: BetaGeoParams, T: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Draw (x, t_x) from the BG/NBD model itself, vectorised.

    lambda ~ Gamma(r, rate alpha), p ~ Beta(a, b); the customer drops out right after the D-th repeat
    purchase, D ~ Geometric(p) on {1, 2, ...}; purchases arrive as a Poisson process.  With N(T)
    Poisson arrivals in (0, T], x = min(N, D) and t_x is the x-th of N uniform order statistics on
    (0, T], i.e. T * Beta(x, N - x + 1).
    """
    n = T.shape[0]
    lam = rng.gamma(params.r, 1.0 / params.alpha, size=n)
    p = rng.beta(params.a, params.b, size=n)
    dropout_after = rng.geometric(p)
    arrivals = rng.poisson(lam * T)
    x = np.minimum(arrivals, dropout_after)
    t_x = np.zeros(n)
    pos = x > 0
    t_x[pos] = T[pos] * rng.beta(x[pos], arrivals[pos] - x[pos] + 1)
    return x.astype(np.float64), t_x


def simulate_gamma_gamma(rng: np.random.Generator, params: GammaGammaParams, x: np.ndarray) -> np.ndarray:
    """Mean spend of x transactions: nu ~ Gamma(q, rate v), spends ~ Gamma(p, rate nu) i.i.d., so their
    sum is Gamma(p x, rate nu)."""
    nu = rng.gamma(params.q, 1.0 / params.v, size=x.shape[0])
    spend: np.ndarray = rng.gamma(params.p * x, 1.0 / nu) / x
    return spend


def assert_rel(actual: np.ndarray, expected: np.ndarray, rel: float) -> None:
    np.testing.assert_allclose(actual, expected, rtol=rel, atol=0)


CDNOW_BGNBD = BetaGeoParams(r=0.243, alpha=4.414, a=0.793, b=2.426)
CDNOW_GG = GammaGammaParams(p=6.25, q=3.74, v=15.44)
TRUE_BG = BetaGeoParams(r=0.8, alpha=12.0, a=0.6, b=2.5)
TRUE_GG = GammaGammaParams(p=4.0, q=5.0, v=60.0)


# --------------------------------------------------------------------------------------------------
# RFM summary
# --------------------------------------------------------------------------------------------------


def test_rfm_summary_small_example() -> None:
    ids = np.array(["b", "a", "a", "a", "b", "c", "a"])
    days = np.array([3.0, 1.2, 1.9, 5.0, 3.5, 20.0, 8.0])  # c buys after as_of, a's day-1 orders merge
    amounts = np.array([4.0, 1.0, 2.0, 3.0, 6.0, 9.0, 7.0])
    s = rfm_summary(ids, days, amounts, as_of=10)
    assert isinstance(s, Summary)
    assert list(s.customer_ids) == ["a", "b"]
    np.testing.assert_array_equal(s.frequency, [2, 0])
    np.testing.assert_array_equal(s.recency, [7, 0])
    np.testing.assert_array_equal(s.T, [9, 7])
    np.testing.assert_allclose(s.monetary_value, [5.0, 0.0])  # a: mean(3, 7); the first day is excluded


def test_rfm_summary_reproduces_published_cdnow_summary() -> None:
    ids, dates, amounts = load_cdnow_transactions()
    s = rfm_summary(ids, dates, amounts, as_of=np.datetime64("1997-09-30"), unit_days=7)
    ref = load_cdnow_summary()
    np.testing.assert_array_equal(s.customer_ids, ref["ID"].astype(np.int64))
    np.testing.assert_array_equal(s.frequency, ref["x"])
    # the published file is rounded to 2 decimals
    np.testing.assert_allclose(s.recency, ref["t_x"], atol=0.005)
    np.testing.assert_allclose(s.T, ref["T"], atol=0.005)
    np.testing.assert_allclose(s.monetary_value, ref["zbar"], atol=0.0051)


def test_rfm_summary_matches_lifetimes() -> None:
    rng = np.random.default_rng(7)
    n = 3000
    ids = rng.integers(0, 400, size=n)
    start = np.datetime64("2024-01-01T00:00")
    times = start + rng.integers(0, 365 * 24 * 60, size=n).astype("timedelta64[m]")
    amounts = np.round(rng.gamma(2.0, 20.0, size=n), 2)
    s = rfm_summary(ids, times, amounts, as_of="2024-10-31")
    frame = pd.DataFrame({"id": ids, "when": times, "amount": amounts})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ref = lifetimes.utils.summary_data_from_transaction_data(
            frame, "id", "when", monetary_value_col="amount", observation_period_end="2024-10-31"
        ).sort_index()
    np.testing.assert_array_equal(s.customer_ids, ref.index.to_numpy())
    np.testing.assert_allclose(s.frequency, ref["frequency"].to_numpy())
    np.testing.assert_allclose(s.recency, ref["recency"].to_numpy())
    np.testing.assert_allclose(s.T, ref["T"].to_numpy())
    np.testing.assert_allclose(s.monetary_value, ref["monetary_value"].to_numpy(), rtol=1e-12)


# --------------------------------------------------------------------------------------------------
# Published CDNOW values
# --------------------------------------------------------------------------------------------------


def test_bgnbd_cdnow_published_parameters() -> None:
    d = load_cdnow_summary()
    model = BetaGeoModel()
    params = model.fit(d["x"], d["t_x"], d["T"])
    assert_rel(params.as_array(), CDNOW_BGNBD.as_array(), 1e-2)
    assert model.log_likelihood_ == pytest.approx(-9582.4, abs=0.1)  # Fader, Hardie & Lee (2005)
    assert model.n_distinct_ is not None
    assert model.n_distinct_ < len(d)


def test_gamma_gamma_cdnow_published_parameters() -> None:
    d = load_cdnow_summary()
    model = GammaGammaModel()
    params = model.fit(d["x"], d["zbar"])  # frequency-0 customers are ignored by the fit
    assert_rel(params.as_array(), CDNOW_GG.as_array(), 2e-2)


# --------------------------------------------------------------------------------------------------
# Against lifetimes
# --------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def generated() -> dict[str, np.ndarray]:
    rng = np.random.default_rng(20260101)
    n = 4000
    T = rng.integers(10, 80, size=n).astype(np.float64)
    x, t_x = simulate_bgnbd(rng, TRUE_BG, T)
    t_x = np.round(t_x, 2)
    m = np.where(x > 0, np.round(simulate_gamma_gamma(rng, TRUE_GG, np.maximum(x, 1)), 2), 0.0)
    return {"x": x, "t_x": t_x, "T": T, "m": m}


def test_bgnbd_matches_lifetimes_on_generated_data(generated: dict[str, np.ndarray]) -> None:
    g = generated
    ours = BetaGeoModel()
    params = ours.fit(g["x"], g["t_x"], g["T"])
    ref = lifetimes.BetaGeoFitter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ref.fit(g["x"], g["t_x"], g["T"])
    expected = ref.params_[["r", "alpha", "a", "b"]].to_numpy(dtype=np.float64)
    assert_rel(params.as_array(), expected, 1e-3)

    # predictions with identical parameters agree to rounding
    t = np.full_like(g["x"], 10.0)
    np.testing.assert_allclose(
        ours.probability_alive(g["x"], g["t_x"], g["T"]),
        ref.conditional_probability_alive(g["x"], g["t_x"], g["T"]),
        rtol=1e-3,
    )
    np.testing.assert_allclose(
        ours.conditional_expected_purchases(t, g["x"], g["t_x"], g["T"]),
        ref.conditional_expected_number_of_purchases_up_to_time(t, g["x"], g["t_x"], g["T"]),
        rtol=2e-3,
    )


def test_gamma_gamma_and_clv_match_lifetimes(generated: dict[str, np.ndarray]) -> None:
    g = generated
    pos = g["x"] > 0
    ours = GammaGammaModel()
    params = ours.fit(g["x"], g["m"])
    ref = lifetimes.GammaGammaFitter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ref.fit(g["x"][pos], g["m"][pos])
    expected = ref.params_[["p", "q", "v"]].to_numpy(dtype=np.float64)
    assert_rel(params.as_array(), expected, 1e-3)

    # CLV with the *same* parameters in both, so only the formulas are compared
    ref.params_ = pd.Series(params.as_array(), index=["p", "q", "v"])
    bg = BetaGeoModel()
    bg.params = TRUE_BG
    ref_bg = lifetimes.BetaGeoFitter()
    ref_bg.params_ = pd.Series(bg.params.as_array(), index=["r", "alpha", "a", "b"])
    ref_bg.predict = ref_bg.conditional_expected_number_of_purchases_up_to_time  # set by fit() normally
    idx = pd.RangeIndex(len(g["x"]))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ref_clv = ref.customer_lifetime_value(
            ref_bg,
            pd.Series(g["x"], index=idx),
            pd.Series(g["t_x"], index=idx),
            pd.Series(g["T"], index=idx),
            pd.Series(g["m"], index=idx),
            time=6,
            discount_rate=0.02,
            freq="W",
        )
    got = customer_lifetime_value(
        bg, ours, g["x"], g["t_x"], g["T"], g["m"], time_months=6, discount_rate=0.02, freq="W"
    )
    np.testing.assert_allclose(got, np.asarray(ref_clv, dtype=np.float64), rtol=1e-6)


# --------------------------------------------------------------------------------------------------
# Properties
# --------------------------------------------------------------------------------------------------


def test_probability_alive_bounds_and_frequency_zero() -> None:
    d = load_cdnow_summary()
    model = BetaGeoModel()
    model.params = CDNOW_BGNBD
    p_alive = model.probability_alive(d["x"], d["t_x"], d["T"])
    assert np.all((p_alive >= 0) & (p_alive <= 1))
    np.testing.assert_array_equal(p_alive[d["x"] == 0], 1.0)
    # an active recent buyer is more likely alive than one whose last purchase is long ago
    recent, stale = model.probability_alive(
        np.array([5.0, 5.0]), np.array([38.0, 5.0]), np.array([39.0, 39.0])
    )
    assert recent > stale


def test_expected_purchases_increase_with_t() -> None:
    d = load_cdnow_summary()
    model = BetaGeoModel()
    model.params = CDNOW_BGNBD
    t = np.array([0.0, 1.0, 5.0, 10.0, 39.0, 52.0, 104.0])[:, None]
    expected = model.conditional_expected_purchases(t, d["x"], d["t_x"], d["T"])
    assert expected.shape == (t.shape[0], len(d))
    np.testing.assert_array_equal(expected[0], 0.0)
    assert np.all(np.diff(expected, axis=0) > 0)
    # Fader, Hardie & Lee (2005): customer with x=2, t_x=30.43, T=38.86 buys 1.226 in the next 39 weeks
    one = model.conditional_expected_purchases(39.0, 2.0, 30.43, 38.86)
    assert float(one) == pytest.approx(1.226, abs=2e-3)


def test_expected_average_profit_and_clv_properties() -> None:
    d = load_cdnow_summary()
    gg = GammaGammaModel()
    gg.params = CDNOW_GG
    profit = gg.conditional_expected_average_profit(d["x"], d["zbar"])
    population_mean = CDNOW_GG.p * CDNOW_GG.v / (CDNOW_GG.q - 1)
    np.testing.assert_allclose(profit[d["x"] == 0], population_mean)
    bg = BetaGeoModel()
    bg.params = CDNOW_BGNBD  # a < 1: the (a - 1) factors of eq. 10 cancel in sign
    clv = customer_lifetime_value(bg, gg, d["x"], d["t_x"], d["T"], d["zbar"], time_months=12, freq="W")
    assert clv.shape == (len(d),)
    assert np.all(clv >= 0)
    no_discount = customer_lifetime_value(
        bg, gg, d["x"], d["t_x"], d["T"], d["zbar"], discount_rate=0.0, freq="W"
    )
    assert np.all(no_discount >= clv)
    undiscounted = profit * bg.conditional_expected_purchases(12 * 4.345, d["x"], d["t_x"], d["T"])
    np.testing.assert_allclose(no_discount, undiscounted, rtol=1e-9)


def test_weights_and_duplication_do_not_change_fit() -> None:
    d = load_cdnow_summary()
    once = BetaGeoModel().fit(d["x"], d["t_x"], d["T"])
    twice = BetaGeoModel().fit(np.tile(d["x"], 3), np.tile(d["t_x"], 3), np.tile(d["T"], 3))
    weighted = BetaGeoModel().fit(d["x"], d["t_x"], d["T"], weights=np.full(len(d), 3.0))
    assert_rel(twice.as_array(), once.as_array(), 1e-6)
    assert_rel(weighted.as_array(), once.as_array(), 1e-6)


def test_compress_rows_matches_np_unique() -> None:
    rng = np.random.default_rng(3)
    cols = [rng.integers(0, 4, size=500).astype(np.float64) / 2 for _ in range(3)]
    (u0, u1, u2), counts, inverse = compress_rows(*cols)
    ref, ref_inverse, ref_counts = np.unique(
        np.column_stack(cols), axis=0, return_inverse=True, return_counts=True
    )
    np.testing.assert_array_equal(np.column_stack([u0, u1, u2]), ref)
    np.testing.assert_array_equal(counts, ref_counts)
    np.testing.assert_array_equal(inverse, ref_inverse.reshape(-1))
    for c, u in zip(cols, (u0, u1, u2), strict=True):
        np.testing.assert_array_equal(u[inverse], c)


def test_invalid_input_is_rejected() -> None:
    with pytest.raises(ValueError, match="recency"):
        BetaGeoModel().fit(np.array([0.0, 1.0]), np.array([1.0, 2.0]), np.array([5.0, 5.0]))
    with pytest.raises(RuntimeError, match="fit the model first"):
        BetaGeoModel().probability_alive(1.0, 1.0, 2.0)


# --------------------------------------------------------------------------------------------------
# Parameter recovery on simulated data
# --------------------------------------------------------------------------------------------------


def test_parameter_recovery_200k() -> None:
    rng = np.random.default_rng(12345)
    n = 200_000
    T = rng.integers(30, 365, size=n).astype(np.float64)
    x, t_x = simulate_bgnbd(rng, TRUE_BG, T)
    t_x = np.floor(t_x)  # whole days, as rfm_summary produces
    model = BetaGeoModel()
    start = time.perf_counter()
    params = model.fit(x, t_x, T)
    elapsed = time.perf_counter() - start
    print(f"BG/NBD fit: {n} customers, {model.n_distinct_} distinct triples, {elapsed:.2f} s")
    assert_rel(params.as_array(), TRUE_BG.as_array(), 0.05)

    pos = x > 0
    m = simulate_gamma_gamma(rng, TRUE_GG, x[pos])
    gg = GammaGammaModel()
    gg_params = gg.fit(x[pos], m)
    # p, q, v are only weakly identified one by one; the population mean spend p v / (q - 1) is sharp
    print(f"Gamma-Gamma recovered: {gg_params}")
    assert_rel(gg_params.as_array(), TRUE_GG.as_array(), 0.05)
    assert_rel(
        np.array(gg_params.p * gg_params.v / (gg_params.q - 1)),
        np.array(TRUE_GG.p * TRUE_GG.v / (TRUE_GG.q - 1)),
        0.02,
    )
