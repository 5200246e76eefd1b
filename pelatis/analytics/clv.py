"""Customer-lifetime-value models: RFM summary, BG/NBD and Gamma-Gamma, in vectorised numpy/scipy.

References
----------
* P. S. Fader, B. G. S. Hardie, K. L. Lee (2005), "'Counting Your Customers' the Easy Way: An
  Alternative to the Pareto/NBD Model", Marketing Science 24(2) -- the BG/NBD model; equation
  numbers below refer to it and to the authors' note "Implementing the BG/NBD Model for Customer
  Base Analysis in Excel" (2005).
* P. S. Fader, B. G. S. Hardie, K. L. Lee (2005), "RFM and CLV: Using Iso-Value Curves for Customer
  Base Analysis", Journal of Marketing Research 42(4) -- the Gamma-Gamma spend model; see also
  B. G. S. Hardie's note "The Gamma-Gamma Model of Monetary Value" (2013).
* The definitions of frequency/recency/T/monetary value and of the CLV sum follow the ``lifetimes``
  package (C. Davidson-Pilon, MIT licence), so results can be compared with it.

Every fit evaluates the likelihood once per *distinct* input row (``np.unique`` with counts used as
weights), so a million customers whose summaries are whole days cost as much as their distinct
(frequency, recency, T) triples.  Nothing here imports Django.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.optimize import minimize
from scipy.special import betaln, digamma, expit, gammaln, hyp2f1

FloatArray = NDArray[np.float64]

__all__ = [
    "BetaGeoModel",
    "BetaGeoParams",
    "GammaGammaModel",
    "GammaGammaParams",
    "Summary",
    "compress_rows",
    "customer_lifetime_value",
    "rfm_summary",
]

#: Days per "month" step in the CLV sum, keyed by the unit of the summary (as ``lifetimes`` uses).
_CLV_PERIODS_PER_MONTH: dict[str, float] = {"W": 4.345, "M": 1.0, "D": 30.0, "H": 30.0 * 24.0}


# --------------------------------------------------------------------------------------------------
# RFM summary
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Summary:
    """Per-customer RFM summary, one entry per customer that bought on or before ``as_of``.

    ``customer_ids`` is sorted (``np.unique`` order); the other arrays are aligned with it.
    """

    customer_ids: np.ndarray
    frequency: FloatArray
    recency: FloatArray
    T: FloatArray
    monetary_value: FloatArray

    def __len__(self) -> int:
        return int(self.customer_ids.shape[0])


#: Ticks per day of the ``datetime64`` units whose day index is a plain floor division.
_TICKS_PER_DAY: dict[str, int] = {
    "D": 1,
    "h": 24,
    "m": 1440,
    "s": 86_400,
    "ms": 86_400_000,
    "us": 86_400_000_000,
    "ns": 86_400_000_000_000,
}


def _to_days(values: ArrayLike) -> NDArray[np.int64]:
    """Whole day index of each time (a new array): ``datetime64`` is truncated to the day, floats are
    floored.  For day-or-finer units this floor-divides the raw int64 ticks (the ``astype`` to
    ``datetime64[D]`` is ~20x slower)."""
    arr = np.asarray(values)
    if np.issubdtype(arr.dtype, np.datetime64):
        unit, count = np.datetime_data(arr.dtype)
        if unit in _TICKS_PER_DAY and _TICKS_PER_DAY[unit] % count == 0:
            return arr.view(np.int64) // (_TICKS_PER_DAY[unit] // count)
        return arr.astype("datetime64[D]").astype(np.int64)
    return np.floor(arr.astype(np.float64)).astype(np.int64)


def rfm_summary(
    customer_ids: ArrayLike,
    order_times: ArrayLike,
    amounts: ArrayLike,
    *,
    as_of: Any,
    unit_days: float = 1.0,
) -> Summary:
    """Frequency, recency, T and monetary value per customer, as ``lifetimes`` defines them.

    Orders are grouped by (customer, calendar day) -- ``lifetimes``' ``freq='D'``; orders after
    ``as_of`` are dropped.  With ``d_1 < ... < d_n`` a customer's distinct purchase days and
    ``s_k`` the amount spent on day ``d_k``:

    * ``frequency = n - 1`` (repeat purchase days),
    * ``recency = d_n - d_1``,
    * ``T = as_of - d_1``,
    * ``monetary_value = mean(s_2, ..., s_n)`` (0 when ``frequency == 0``).

    Times are ``datetime64`` or float days (floored to whole days); ``as_of`` likewise (a
    ``datetime64``/ISO string or a number of days).  Durations are divided by ``unit_days``
    (7 for weeks, like ``lifetimes``' ``freq_multiplier``).  Fully vectorised: ``np.unique``,
    ``np.lexsort`` and ``np.add.reduceat``, no Python loop over customers.
    """
    ids = np.asarray(customer_ids)
    times = np.asarray(order_times)
    amt = np.asarray(amounts, dtype=np.float64)
    if not (ids.shape == times.shape == amt.shape) or ids.ndim != 1:
        raise ValueError("customer_ids, order_times and amounts must be 1-D arrays of equal length")

    days = _to_days(times)
    if np.issubdtype(times.dtype, np.datetime64) or isinstance(as_of, str | np.datetime64):
        as_of_day = int(np.datetime64(as_of, "D").astype(np.int64))
    else:
        as_of_day = int(np.floor(float(as_of)))

    keep = days <= as_of_day
    if not keep.all():
        ids, days, amt = ids[keep], days[keep], amt[keep]
    if days.size == 0:
        empty = np.zeros(0)
        return Summary(np.unique(ids), empty, empty.copy(), empty.copy(), empty.copy())

    # One int64 sort key per order, customer code * span + day offset.  Integer ids are their own
    # code (no np.unique over the orders) when the key fits; other ids get np.unique codes.
    d0 = int(days.min())
    span = as_of_day - d0 + 1
    uniq_ids: np.ndarray | None = None
    if np.issubdtype(ids.dtype, np.integer) and (int(ids.max()) - int(ids.min()) + 1) * span < 2**62:
        id0 = int(ids.min())
        key = ids.astype(np.int64) - id0  # a new array
    else:
        id0 = 0
        uniq_ids, key = np.unique(ids, return_inverse=True)
        key = key.reshape(-1).astype(np.int64)
    key *= span
    days -= d0  # days is our own array (_to_days or the mask above made it)
    key += days
    del days
    n = key.size
    idx_bits = max(1, (n - 1).bit_length())
    if int(key.max()).bit_length() + idx_bits <= 63:
        # sort (key, position) packed into one int64: np.sort is ~2x faster than np.argsort and
        # hands back the sorted keys without a gather
        key <<= idx_bits
        key |= np.arange(n, dtype=np.int64)
        key.sort()
        order = key & ((1 << idx_bits) - 1)
        key >>= idx_bits
    else:
        order = np.argsort(key)
        key = key[order]
    amt = amt[order]
    del order

    # one group per (customer, day)
    new_day = np.empty(n, dtype=bool)
    new_day[0] = True
    np.not_equal(key[1:], key[:-1], out=new_day[1:])
    day_starts = np.flatnonzero(new_day)
    day_amount = np.add.reduceat(amt, day_starts)
    day_cust, day_day = np.divmod(key[day_starts], span)
    del key, amt, new_day

    # one group per customer, over its purchase days
    new_cust = np.empty(day_cust.size, dtype=bool)
    new_cust[0] = True
    new_cust[1:] = day_cust[1:] != day_cust[:-1]
    c_starts = np.flatnonzero(new_cust)
    c_ends = np.append(c_starts[1:], day_cust.size) - 1
    n_days = (c_ends - c_starts + 1).astype(np.float64)

    first = day_day[c_starts]
    last = day_day[c_ends]
    frequency = n_days - 1.0
    repeat_total = np.add.reduceat(day_amount, c_starts) - day_amount[c_starts]
    monetary = np.divide(repeat_total, frequency, out=np.zeros_like(repeat_total), where=frequency > 0)
    cust = day_cust[c_starts]

    return Summary(
        customer_ids=(cust + id0).astype(ids.dtype) if uniq_ids is None else uniq_ids[cust],
        frequency=frequency,
        recency=(last - first) / unit_days,
        T=(span - 1 - first) / unit_days,
        monetary_value=monetary,
    )


# --------------------------------------------------------------------------------------------------
# Shared helpers
# --------------------------------------------------------------------------------------------------


def compress_rows(*columns: ArrayLike) -> tuple[tuple[FloatArray, ...], FloatArray, NDArray[np.intp]]:
    """Distinct rows of the given equal-length columns.

    Returns ``(distinct_columns, counts, inverse)`` with ``column[i] == distinct_column[inverse[i]]``;
    ``counts`` are the multiplicities used as likelihood weights.
    """
    cols = [np.asarray(c, dtype=np.float64).reshape(-1) for c in columns]
    n = cols[0].size
    if any(c.size != n for c in cols):
        raise ValueError("columns must have equal length")
    if n == 0:
        return tuple(c.copy() for c in cols), np.zeros(0), np.zeros(0, dtype=np.intp)
    # np.lexsort on the columns is several times faster than np.unique(axis=0) on a stacked array
    order = np.lexsort(cols[::-1])
    sorted_cols = [c[order] for c in cols]
    new_row = np.zeros(n, dtype=bool)
    new_row[0] = True
    for c in sorted_cols:  # loop over the few columns, not over rows
        new_row[1:] |= c[1:] != c[:-1]
    starts = np.flatnonzero(new_row)
    inverse = np.empty(n, dtype=np.intp)
    inverse[order] = np.cumsum(new_row) - 1
    counts = np.diff(np.append(starts, n)).astype(np.float64)
    return tuple(c[starts] for c in sorted_cols), counts, inverse


def _fit_log_params(
    neg_ll_and_grad: Callable[[FloatArray], tuple[float, FloatArray]],
    x0: FloatArray,
    *,
    maxiter: int,
) -> FloatArray:
    """Minimise a (value, gradient) objective over log-parameters: L-BFGS-B, then a BFGS polish unless
    L-BFGS-B already stopped on a flat gradient (the polish then only costs evaluations)."""
    first = minimize(
        neg_ll_and_grad,
        x0,
        jac=True,
        method="L-BFGS-B",
        options={"maxiter": maxiter, "ftol": 1e-15, "gtol": 1e-10, "maxcor": 20},
    )
    if first.success and np.all(np.isfinite(first.x)) and np.max(np.abs(first.jac)) < 1e-8:
        return np.asarray(first.x, dtype=np.float64)
    polish = minimize(
        neg_ll_and_grad, first.x, jac=True, method="BFGS", options={"gtol": 1e-9, "maxiter": maxiter}
    )
    best = polish if polish.fun <= first.fun and np.all(np.isfinite(polish.x)) else first
    if not np.all(np.isfinite(best.x)):
        raise RuntimeError(f"optimisation failed: {best.message}")
    return np.asarray(best.x, dtype=np.float64)


def _as_float(a: ArrayLike) -> FloatArray:
    return np.asarray(a, dtype=np.float64)


# --------------------------------------------------------------------------------------------------
# BG/NBD
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class BetaGeoParams:
    """BG/NBD parameters: purchase rate ~ Gamma(r, alpha) (rate alpha), dropout p ~ Beta(a, b)."""

    r: float
    alpha: float
    a: float
    b: float

    def as_array(self) -> FloatArray:
        return np.array([self.r, self.alpha, self.a, self.b])


def bgnbd_log_likelihood(
    params: BetaGeoParams, frequency: ArrayLike, recency: ArrayLike, T: ArrayLike
) -> FloatArray:
    """Per-customer BG/NBD log-likelihood (Fader, Hardie & Lee 2005, eq. 6):

    ``L = B(a, b+x)/B(a, b) * Gamma(r+x) alpha^r / Gamma(r)
          * [ (alpha+T)^-(r+x) + 1{x>0} a/(b+x-1) (alpha+t_x)^-(r+x) ]``

    evaluated in logs, the bracket with ``np.logaddexp``.
    """
    return _bgnbd_ll_grad(np.log(params.as_array()), _as_float(frequency), _as_float(recency), _as_float(T))[
        0
    ]


def _bgnbd_ll_grad(
    log_params: FloatArray, x: FloatArray, t_x: FloatArray, T: FloatArray, *, with_grad: bool = False
) -> tuple[FloatArray, FloatArray | None]:
    """Per-row log-likelihood and (optionally) its gradient w.r.t. the log-parameters (4 x n)."""
    r, alpha, a, b = np.exp(log_params)
    rx = r + x
    pos = x > 0
    log_a_t = np.log(alpha + T)
    log_a_tx = np.log(alpha + t_x)
    bx1 = np.where(pos, b + x - 1.0, 1.0)

    a1 = gammaln(rx) - gammaln(r) + r * np.log(alpha)
    a2 = betaln(a, b + x) - betaln(a, b)
    a3 = -rx * log_a_t
    a4 = np.where(pos, np.log(a) - np.log(bx1) - rx * log_a_tx, -np.inf)
    lse = np.logaddexp(a3, a4)
    ll = a1 + a2 + lse
    if not with_grad:
        return ll, None

    w3 = np.exp(a3 - lse)
    w4 = np.exp(a4 - lse)  # 0 where x == 0
    psi_ab = digamma(a + b)
    psi_abx = digamma(a + b + x)
    d_r = digamma(rx) - digamma(r) + np.log(alpha) - w3 * log_a_t - w4 * log_a_tx
    d_alpha = r / alpha - w3 * rx / (alpha + T) - w4 * rx / (alpha + t_x)
    d_a = psi_ab - psi_abx + w4 / a
    d_b = psi_ab + digamma(b + x) - digamma(b) - psi_abx - w4 / bx1
    grad = np.vstack([d_r * r, d_alpha * alpha, d_a * a, d_b * b])
    return ll, grad


def _codes(column: FloatArray) -> tuple[FloatArray, NDArray[np.intp]]:
    """Distinct values of a column and each row's index among them (``np.unique`` with the inverse).

    Summaries hold whole days, or whole days over 7 (weeks): then the values are small integers in
    disguise, and a counting pass replaces the sort.
    """
    if column.size and column.min() >= 0 and column.max() < 1e6:
        for unit in (1.0, 7.0):
            scaled = column * unit
            whole = np.rint(scaled)
            if np.array_equal(scaled, whole):
                ints = whole.astype(np.intp)
                present = np.bincount(ints) > 0
                rank = np.cumsum(present) - 1
                values = np.flatnonzero(present) / unit
                return values, rank[ints]
    values, inverse = np.unique(column, return_inverse=True)
    return values, inverse.reshape(-1)


def _bgnbd_objective(
    x: FloatArray, t_x: FloatArray, T: FloatArray, weights: FloatArray | None
) -> tuple[Callable[[FloatArray], tuple[float, FloatArray]], int, float]:
    """Weighted mean negative BG/NBD log-likelihood and its gradient over log(r, alpha, a, b).

    The same sum as ``_bgnbd_ll_grad`` over the distinct (x, t_x, T) rows, factored: every special
    function (gammaln, betaln, digamma) depends on x alone and every log on T or t_x alone, so they
    are evaluated once per distinct *value* (a few hundred) and gathered; only the ``logaddexp`` of
    eq. 6 and its weights are per row, and only for rows with x > 0.
    Returns ``(objective, n_distinct_rows, total_weight)``.
    """
    xv, ix = _codes(x)
    tv, i_t = _codes(T)
    sv, i_s = _codes(t_x)
    key = (ix.astype(np.int64) * tv.size + i_t) * sv.size + i_s
    if weights is None:
        ukey, first, counts_i = np.unique(key, return_index=True, return_counts=True)
        counts = counts_i.astype(np.float64)
    else:
        ukey, first, inverse = np.unique(key, return_index=True, return_inverse=True)
        counts = np.bincount(inverse.reshape(-1), weights=weights, minlength=ukey.size)
    ix, i_t, i_s = ix[first], i_t[first], i_s[first]
    total = float(counts.sum())
    c_x = np.bincount(ix, weights=counts, minlength=xv.size)  # weight per distinct x
    pos = (xv > 0)[ix]
    c_zero_t = np.bincount(i_t[~pos], weights=counts[~pos], minlength=tv.size)  # x = 0: only T matters
    c_pos, ixp, i_tp, i_sp = counts[pos], ix[pos], i_t[pos], i_s[pos]
    b_off = np.where(xv > 0, xv - 1.0, 0.0)  # b + x - 1 for x > 0 (x = 0 never uses it)

    def objective(theta: FloatArray) -> tuple[float, FloatArray]:
        r, alpha, a, b = np.exp(theta)
        rxv = r + xv
        log_at, log_as = np.log(alpha + tv), np.log(alpha + sv)
        bx1 = b + b_off
        psi_ab, psi_abx = digamma(a + b), digamma(a + b + xv)
        # terms of x alone, and the x = 0 rows (log-likelihood -r log(alpha + T) after a1 + a2)
        ll = c_x @ (gammaln(rxv) - gammaln(r) + r * np.log(alpha) + betaln(a, b + xv) - betaln(a, b))
        ll -= r * (c_zero_t @ log_at)
        d_r = c_x @ (digamma(rxv) - digamma(r) + np.log(alpha)) - c_zero_t @ log_at
        d_alpha = total * r / alpha - r * (c_zero_t @ (1.0 / (alpha + tv)))
        d_a = c_x @ (psi_ab - psi_abx)
        d_b = c_x @ (psi_ab + digamma(b + xv) - digamma(b) - psi_abx)
        # rows with x > 0: log[(alpha+T)^-(r+x) + a/(b+x-1) (alpha+t_x)^-(r+x)]
        rx = rxv[ixp]
        lt, ls = log_at[i_tp], log_as[i_sp]
        a3 = -rx * lt
        a4 = np.log(a) - np.log(bx1)[ixp] - rx * ls
        lse = np.logaddexp(a3, a4)
        w4 = np.exp(a4 - lse)
        cw4 = c_pos * w4
        cw3 = c_pos - cw4
        ll += c_pos @ lse
        d_r -= cw3 @ lt + cw4 @ ls
        d_alpha -= (cw3 * rx) @ (1.0 / (alpha + tv))[i_tp] + (cw4 * rx) @ (1.0 / (alpha + sv))[i_sp]
        d_a += cw4.sum() / a
        d_b -= np.bincount(ixp, weights=cw4, minlength=xv.size) @ (1.0 / bx1)
        value = -float(ll) / total
        if not np.isfinite(value):
            return 1e300, np.zeros_like(theta)
        return value, -np.array([d_r * r, d_alpha * alpha, d_a * a, d_b * b]) / total

    return objective, int(ukey.size), total


class BetaGeoModel:
    """BG/NBD model (Fader, Hardie & Lee 2005) fitted by maximum likelihood.

    ``frequency`` x = repeat purchases, ``recency`` t_x = time of last purchase since the first,
    ``T`` = age of the customer, all in the same time unit (the parameters' alpha is in that unit).
    """

    def __init__(self) -> None:
        self.params: BetaGeoParams | None = None
        self.n_distinct_: int | None = None
        self.log_likelihood_: float | None = None

    def fit(
        self,
        frequency: ArrayLike,
        recency: ArrayLike,
        T: ArrayLike,
        *,
        weights: ArrayLike | None = None,
        initial: BetaGeoParams | None = None,
        maxiter: int = 2000,
    ) -> BetaGeoParams:
        """Maximise sum_i w_i log L_i over log(r, alpha, a, b), once per distinct (x, t_x, T).

        The objective is the weighted mean log-likelihood (well scaled for any sample size) with
        its analytic gradient (digamma terms), minimised by L-BFGS-B and polished with BFGS.
        """
        x, t_x, big_t = (_as_float(v).reshape(-1) for v in (frequency, recency, T))
        if not (x.shape == t_x.shape == big_t.shape) or x.size == 0:
            raise ValueError("frequency, recency and T must be non-empty arrays of equal length")
        if np.any(x < 0) or np.any(t_x < 0) or np.any(t_x > big_t) or np.any((x == 0) & (t_x != 0)):
            raise ValueError("need x >= 0, 0 <= recency <= T and recency == 0 when frequency == 0")
        w = None if weights is None else _as_float(weights).reshape(-1)
        objective, self.n_distinct_, total = _bgnbd_objective(x, t_x, big_t, w)

        start = np.log(initial.as_array()) if initial is not None else np.zeros(4)
        theta = _fit_log_params(objective, start, maxiter=maxiter)
        r, alpha, a, b = (float(v) for v in np.exp(theta))
        self.params = BetaGeoParams(r=r, alpha=alpha, a=a, b=b)
        self.log_likelihood_ = -objective(theta)[0] * total
        return self.params

    def _require(self) -> BetaGeoParams:
        if self.params is None:
            raise RuntimeError("fit the model first (or set .params)")
        return self.params

    def probability_alive(self, frequency: ArrayLike, recency: ArrayLike, T: ArrayLike) -> FloatArray:
        """P(alive | x, t_x, T) (Fader, Hardie & Lee 2005, eq. 12):

        ``1 / (1 + 1{x>0} a/(b+x-1) ((alpha+T)/(alpha+t_x))^(r+x))`` -- exactly 1 when x = 0.
        """
        p = self._require()
        x, t_x, big_t = _as_float(frequency), _as_float(recency), _as_float(T)
        pos = x > 0
        log_odds = (
            np.log(p.a)
            - np.log(np.where(pos, p.b + x - 1.0, 1.0))
            + (p.r + x) * (np.log(p.alpha + big_t) - np.log(p.alpha + t_x))
        )
        return np.where(pos, expit(-log_odds), 1.0)

    def conditional_expected_purchases(
        self, t: ArrayLike, frequency: ArrayLike, recency: ArrayLike, T: ArrayLike
    ) -> FloatArray:
        """E[Y(t) | x, t_x, T], expected purchases in (T, T+t] (Fader, Hardie & Lee 2005, eq. 10):

        ``(a+b+x-1)/(a-1) * [1 - ((alpha+T)/(alpha+T+t))^(r+x) 2F1(r+x, b+x; a+b+x-1; t/(alpha+T+t))]
          * P(alive | x, t_x, T)``.

        Arguments broadcast (e.g. ``t`` of shape (k, 1) against customers of shape (n,)); returns 0
        for t = 0.  Valid for any a > 0 except exactly a = 1 (a removable 0/0 not special-cased, as in
        ``lifetimes``); for a < 1 both the lead factor and the bracket are negative.
        """
        p = self._require()
        t_arr = _as_float(t)
        x, t_x, big_t = _as_float(frequency), _as_float(recency), _as_float(T)
        rx = p.r + x
        z = t_arr / (p.alpha + big_t + t_arr)
        log_ratio = rx * (np.log(p.alpha + big_t) - np.log(p.alpha + big_t + t_arr))
        hyp = hyp2f1(rx, p.b + x, p.a + p.b + x - 1.0, z)
        # 1 - ratio * hyp, accurately via expm1 when hyp > 0; with a + b + x - 1 small (a < 1) the
        # hypergeometric term can be negative, and then the plain difference is exact enough.
        positive = hyp > 0
        bracket = np.where(
            positive,
            -np.expm1(log_ratio + np.log(np.where(positive, hyp, 1.0))),
            1.0 - np.exp(log_ratio) * hyp,
        )
        lead = (p.a + p.b + x - 1.0) / (p.a - 1.0)
        return lead * bracket * self.probability_alive(x, t_x, big_t)


# --------------------------------------------------------------------------------------------------
# Gamma-Gamma
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class GammaGammaParams:
    """Gamma-Gamma parameters: spend ~ Gamma(p, nu), nu ~ Gamma(q, v) (rates)."""

    p: float
    q: float
    v: float

    def as_array(self) -> FloatArray:
        return np.array([self.p, self.q, self.v])


def _gg_ll_grad(
    log_params: FloatArray, x: FloatArray, m: FloatArray, *, with_grad: bool = False
) -> tuple[FloatArray, FloatArray | None]:
    """Per-row Gamma-Gamma log-likelihood of the mean spend m over x > 0 transactions and gradient."""
    p, q, v = np.exp(log_params)
    px = p * x
    log_xmv = np.log(x * m + v)
    ll = (
        gammaln(px + q)
        - gammaln(px)
        - gammaln(q)
        + q * np.log(v)
        + (px - 1.0) * np.log(m)
        + px * np.log(x)
        - (px + q) * log_xmv
    )
    if not with_grad:
        return ll, None
    psi_pxq = digamma(px + q)
    d_p = x * (psi_pxq - digamma(px) + np.log(m) + np.log(x) - log_xmv)
    d_q = psi_pxq - digamma(q) + np.log(v) - log_xmv
    d_v = q / v - (px + q) / (x * m + v)
    return ll, np.vstack([d_p * p, d_q * q, d_v * v])


class GammaGammaModel:
    """Gamma-Gamma spend model (Fader, Hardie & Lee 2005, "RFM and CLV"; Hardie 2013 note).

    For a customer with x > 0 repeat transactions of mean value m:
    ``f(m | p, q, v, x) = Gamma(px+q) / (Gamma(px) Gamma(q)) * v^q m^(px-1) x^(px) / (v + x m)^(px+q)``.
    """

    def __init__(self) -> None:
        self.params: GammaGammaParams | None = None
        self.n_distinct_: int | None = None
        self.log_likelihood_: float | None = None

    def fit(
        self,
        frequency: ArrayLike,
        monetary_value: ArrayLike,
        *,
        initial: GammaGammaParams | None = None,
        maxiter: int = 2000,
    ) -> GammaGammaParams:
        """Maximum likelihood over log(p, q, v) on customers with frequency > 0 (others are ignored),
        once per distinct (x, m) pair, weighted by its count."""
        x = _as_float(frequency).reshape(-1)
        m = _as_float(monetary_value).reshape(-1)
        if x.shape != m.shape:
            raise ValueError("frequency and monetary_value must have equal length")
        keep = x > 0
        if np.any(m[keep] <= 0):
            raise ValueError("monetary_value must be positive for customers with frequency > 0")
        if not np.any(keep):
            raise ValueError("need at least one customer with frequency > 0")
        # (x, m) pairs are nearly all distinct, so rows are not compressed; the sum is factored
        # instead: special functions per distinct x, constants once, per row only log(xm + v).
        x, m = x[keep], m[keep]
        xv, ix = _codes(x)
        c_x = np.bincount(ix, minlength=xv.size).astype(np.float64)
        total = float(x.size)
        log_m = np.log(m)
        log_xv = np.log(xv)
        slog_m_x = np.bincount(ix, weights=log_m, minlength=xv.size)  # sum of log m per distinct x
        slog_m = float(log_m.sum())
        xm = x * m
        self.n_distinct_ = int(x.size)  # likelihood rows evaluated

        buffer = np.empty_like(xm)

        def objective(theta: FloatArray) -> tuple[float, FloatArray]:
            p, q, v = np.exp(theta)
            pxv = p * xv
            # The per-row terms enter only as sum((p x + q) log(xm + v)) and sum((p x + q) / (xm + v)):
            # two dot products and two sums over the rows, no grouping.
            np.add(xm, v, out=buffer)
            inv = 1.0 / buffer
            np.log(buffer, out=buffer)
            x_l, s_l = float(x @ buffer), float(buffer.sum())  # sum x log(xm + v), sum log(xm + v)
            x_inv, s_inv = float(x @ inv), float(inv.sum())
            psi = digamma(pxv + q)
            ll = (
                c_x @ (gammaln(pxv + q) - gammaln(pxv) - gammaln(q) + q * np.log(v) + pxv * log_xv)
                + p * (xv @ slog_m_x)
                - slog_m
                - (p * x_l + q * s_l)
            )
            d_p = xv @ (c_x * (psi - digamma(pxv) + log_xv) + slog_m_x) - x_l
            d_q = c_x @ (psi - digamma(q) + np.log(v)) - s_l
            d_v = total * q / v - (p * x_inv + q * s_inv)
            value = -float(ll) / total
            if not np.isfinite(value):
                return 1e300, np.zeros_like(theta)
            return value, -np.array([d_p * p, d_q * q, d_v * v]) / total

        # Start where the population mean spend p v / (q - 1) is already right (p = 2, q = 3): the
        # optimiser then only shapes the spread, in about half the evaluations of a start at (1, 1, 1).
        guess = np.log([2.0, 3.0, float(np.mean(m))]) if np.mean(m) > 0 else np.zeros(3)
        start = np.log(initial.as_array()) if initial is not None else guess
        theta = _fit_log_params(objective, start, maxiter=maxiter)
        p, q, v = (float(val) for val in np.exp(theta))
        self.params = GammaGammaParams(p=p, q=q, v=v)
        self.log_likelihood_ = -objective(theta)[0] * total
        return self.params

    def conditional_expected_average_profit(
        self, frequency: ArrayLike, monetary_value: ArrayLike
    ) -> FloatArray:
        """E[M | x, m] = p (v + x m) / (p x + q - 1) (Fader, Hardie & Lee 2005b, eq. 5): a weighted
        mean of the population mean p v / (q - 1) and the customer's m; needs q > 1."""
        if self.params is None:
            raise RuntimeError("fit the model first (or set .params)")
        p, q, v = self.params.p, self.params.q, self.params.v
        x, m = _as_float(frequency), _as_float(monetary_value)
        return p * (v + x * m) / (p * x + q - 1.0)


# --------------------------------------------------------------------------------------------------
# CLV
# --------------------------------------------------------------------------------------------------


def customer_lifetime_value(
    bgnbd: BetaGeoModel,
    gg: GammaGammaModel,
    frequency: ArrayLike,
    recency: ArrayLike,
    T: ArrayLike,
    monetary: ArrayLike,
    time_months: int = 12,
    discount_rate: float = 0.01,
    freq: Literal["D", "W", "M", "H"] = "D",
) -> FloatArray:
    """Discounted expected value over ``time_months`` months, as ``lifetimes`` computes it:

    ``CLV = sum_{k=1..K} E[M|x,m] (E[Y(k f)] - E[Y((k-1) f)]) / (1 + d)^k``

    with f the number of summary time units per month (D: 30, W: 4.345, M: 1, H: 720), d the
    monthly discount rate and E[Y(t)] :meth:`BetaGeoModel.conditional_expected_purchases`.
    All months are evaluated in one broadcast call.
    """
    factor = _CLV_PERIODS_PER_MONTH[freq]
    x, t_x, big_t = _as_float(frequency), _as_float(recency), _as_float(T)
    spend = gg.conditional_expected_average_profit(x, _as_float(monetary))
    steps = np.arange(0, time_months + 1, dtype=np.float64).reshape((-1,) + (1,) * x.ndim) * factor
    cumulative = bgnbd.conditional_expected_purchases(steps, x, t_x, big_t)
    per_month = np.diff(cumulative, axis=0)
    discount = (1.0 + discount_rate) ** -np.arange(1, time_months + 1, dtype=np.float64)
    discount = discount.reshape((-1,) + (1,) * x.ndim)
    return spend * np.sum(per_month * discount, axis=0)
