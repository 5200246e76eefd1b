"""The BG/NBD purchase model (Fader, Hardie & Lee 2005): likelihood, fit, P(alive) and expected
purchases."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike
from scipy.special import betaln, digamma, expit, gammaln, hyp2f1

from .arrays import FloatArray, as_float, codes
from .fitting import FittedModel, Objective, mean_negative


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
    return _bgnbd_ll_grad(np.log(params.as_array()), as_float(frequency), as_float(recency), as_float(T))[0]


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


def _bgnbd_objective(
    x: FloatArray, t_x: FloatArray, T: FloatArray, weights: FloatArray | None
) -> tuple[Objective, int, float]:
    """Weighted mean negative BG/NBD log-likelihood and its gradient over log(r, alpha, a, b).

    The same sum as ``_bgnbd_ll_grad`` over the distinct (x, t_x, T) rows, factored: every special
    function (gammaln, betaln, digamma) depends on x alone and every log on T or t_x alone, so they
    are evaluated once per distinct *value* (a few hundred) and gathered; only the ``logaddexp`` of
    eq. 6 and its weights are per row, and only for rows with x > 0.
    Returns ``(objective, n_distinct_rows, total_weight)``.
    """
    xv, ix = codes(x)
    tv, i_t = codes(T)
    sv, i_s = codes(t_x)
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
        return mean_negative(ll, [d_r * r, d_alpha * alpha, d_a * a, d_b * b], total)

    return objective, int(ukey.size), total


class BetaGeoModel(FittedModel[BetaGeoParams]):
    """BG/NBD model (Fader, Hardie & Lee 2005) fitted by maximum likelihood.

    ``frequency`` x = repeat purchases, ``recency`` t_x = time of last purchase since the first,
    ``T`` = age of the customer, all in the same time unit (the parameters' alpha is in that unit).
    """

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
        x, t_x, big_t = (as_float(v).reshape(-1) for v in (frequency, recency, T))
        if not (x.shape == t_x.shape == big_t.shape) or x.size == 0:
            raise ValueError("frequency, recency and T must be non-empty arrays of equal length")
        if np.any(x < 0) or np.any(t_x < 0) or np.any(t_x > big_t) or np.any((x == 0) & (t_x != 0)):
            raise ValueError("need x >= 0, 0 <= recency <= T and recency == 0 when frequency == 0")
        w = None if weights is None else as_float(weights).reshape(-1)
        objective, self.n_distinct_, total = _bgnbd_objective(x, t_x, big_t, w)

        start = np.log(initial.as_array()) if initial is not None else np.zeros(4)
        r, alpha, a, b = (float(v) for v in self._optimise(objective, start, total=total, maxiter=maxiter))
        self.params = BetaGeoParams(r=r, alpha=alpha, a=a, b=b)
        return self.params

    def probability_alive(self, frequency: ArrayLike, recency: ArrayLike, T: ArrayLike) -> FloatArray:
        """P(alive | x, t_x, T) (Fader, Hardie & Lee 2005, eq. 12):

        ``1 / (1 + 1{x>0} a/(b+x-1) ((alpha+T)/(alpha+t_x))^(r+x))`` -- exactly 1 when x = 0.
        """
        p = self.fitted_params()
        x, t_x, big_t = as_float(frequency), as_float(recency), as_float(T)
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
        p = self.fitted_params()
        t_arr = as_float(t)
        x, t_x, big_t = as_float(frequency), as_float(recency), as_float(T)
        rx = p.r + x
        z = t_arr / (p.alpha + big_t + t_arr)
        log_ratio = rx * (np.log(p.alpha + big_t) - np.log(p.alpha + big_t + t_arr))
        hyp = as_float(hyp2f1(rx, p.b + x, p.a + p.b + x - 1.0, z))
        # 1 - ratio * hyp, accurately via expm1 when hyp > 0; with a + b + x - 1 small (a < 1) the
        # hypergeometric term can be negative, and then the plain difference is exact enough.
        positive = hyp > 0
        bracket = np.where(
            positive,
            -np.expm1(log_ratio + np.log(np.where(positive, hyp, 1.0))),
            1.0 - np.exp(log_ratio) * hyp,
        )
        lead = (p.a + p.b + x - 1.0) / (p.a - 1.0)
        return as_float(lead * bracket * self.probability_alive(x, t_x, big_t))
