"""The Gamma-Gamma spend model (Fader, Hardie & Lee 2005, "RFM and CLV"; Hardie 2013 note)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike
from scipy.special import digamma, gammaln

from .arrays import FloatArray, as_float, codes
from .fitting import FittedModel, mean_negative


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


class GammaGammaModel(FittedModel[GammaGammaParams]):
    """Gamma-Gamma spend model (Fader, Hardie & Lee 2005, "RFM and CLV"; Hardie 2013 note).

    For a customer with x > 0 repeat transactions of mean value m:
    ``f(m | p, q, v, x) = Gamma(px+q) / (Gamma(px) Gamma(q)) * v^q m^(px-1) x^(px) / (v + x m)^(px+q)``.
    """

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
        x = as_float(frequency).reshape(-1)
        m = as_float(monetary_value).reshape(-1)
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
        xv, ix = codes(x)
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
            return mean_negative(ll, [d_p * p, d_q * q, d_v * v], total)

        # Start where the population mean spend p v / (q - 1) is already right (p = 2, q = 3): the
        # optimiser then only shapes the spread, in about half the evaluations of a start at (1, 1, 1).
        guess = np.log([2.0, 3.0, float(np.mean(m))]) if np.mean(m) > 0 else np.zeros(3)
        start = np.log(initial.as_array()) if initial is not None else guess
        p, q, v = (float(val) for val in self._optimise(objective, start, total=total, maxiter=maxiter))
        self.params = GammaGammaParams(p=p, q=q, v=v)
        return self.params

    def conditional_expected_average_profit(
        self, frequency: ArrayLike, monetary_value: ArrayLike
    ) -> FloatArray:
        """E[M | x, m] = p (v + x m) / (p x + q - 1) (Fader, Hardie & Lee 2005b, eq. 5): a weighted
        mean of the population mean p v / (q - 1) and the customer's m; needs q > 1."""
        params = self.fitted_params()
        p, q, v = params.p, params.q, params.v
        x, m = as_float(frequency), as_float(monetary_value)
        return p * (v + x * m) / (p * x + q - 1.0)
