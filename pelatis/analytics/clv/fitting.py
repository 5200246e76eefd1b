"""Maximum-likelihood fitting shared by the models: the optimiser over log-parameters, the objective's
value and gradient, and what a fitted model keeps."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Generic, TypeVar

import numpy as np
from scipy.optimize import minimize

from .arrays import FloatArray

Params = TypeVar("Params")
#: A fit's objective: the weighted mean negative log-likelihood and its gradient at log-parameters.
Objective = Callable[[FloatArray], tuple[float, FloatArray]]


class FittedModel(Generic[Params]):
    """What a model keeps from its fit: the parameters (or ones set by hand), how many likelihood rows
    the fit evaluated, and the log-likelihood reached."""

    def __init__(self) -> None:
        self.params: Params | None = None
        self.n_distinct_: int | None = None
        self.log_likelihood_: float | None = None

    def fitted_params(self) -> Params:
        """The parameters of the fit (or set by hand); RuntimeError when there are none."""
        if self.params is None:
            raise RuntimeError("fit the model first (or set .params)")
        return self.params

    def _optimise(self, objective: Objective, start: FloatArray, *, total: float, maxiter: int) -> FloatArray:
        """The fitted parameters (the optimiser's log-parameters back on their own scale); keeps the
        log-likelihood of the ``total`` weight of rows."""
        theta = fit_log_params(objective, start, maxiter=maxiter)
        self.log_likelihood_ = -objective(theta)[0] * total
        return np.exp(theta)


def mean_negative(ll: float, gradient: Sequence[float], total: float) -> tuple[float, FloatArray]:
    """An objective's value and gradient from the summed log-likelihood and its gradient over the
    log-parameters: the mean negative, or a huge flat value where the likelihood is not finite (the
    optimiser probes extreme parameters)."""
    value = -float(ll) / total
    if not np.isfinite(value):
        return 1e300, np.zeros(len(gradient))
    return value, -np.array(gradient, dtype=np.float64) / total


def fit_log_params(
    neg_ll_and_grad: Objective,
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
