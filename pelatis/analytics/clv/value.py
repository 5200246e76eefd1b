"""Customer lifetime value: the discounted expected spend over the coming months, as ``lifetimes``
computes it."""

from __future__ import annotations

from typing import Literal

import numpy as np
from numpy.typing import ArrayLike

from .arrays import FloatArray, as_float
from .bgnbd import BetaGeoModel
from .gamma_gamma import GammaGammaModel

#: Days per "month" step in the CLV sum, keyed by the unit of the summary (as ``lifetimes`` uses).
_CLV_PERIODS_PER_MONTH: dict[str, float] = {"W": 4.345, "M": 1.0, "D": 30.0, "H": 30.0 * 24.0}


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
    x, t_x, big_t = as_float(frequency), as_float(recency), as_float(T)
    spend = gg.conditional_expected_average_profit(x, as_float(monetary))
    steps = np.arange(0, time_months + 1, dtype=np.float64).reshape((-1,) + (1,) * x.ndim) * factor
    cumulative = bgnbd.conditional_expected_purchases(steps, x, t_x, big_t)
    per_month = np.diff(cumulative, axis=0)
    discount = (1.0 + discount_rate) ** -np.arange(1, time_months + 1, dtype=np.float64)
    discount = discount.reshape((-1,) + (1,) * x.ndim)
    return spend * as_float(np.sum(per_month * discount, axis=0))
