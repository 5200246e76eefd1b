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

By subject: :mod:`.summary` (orders to RFM summaries), :mod:`.arrays` (array helpers),
:mod:`.fitting` (the optimiser and what a fitted model keeps), :mod:`.bgnbd` (purchases),
:mod:`.gamma_gamma` (spend) and :mod:`.value` (the discounted CLV sum).
"""

from __future__ import annotations

from .arrays import FloatArray, compress_rows
from .bgnbd import BetaGeoModel, BetaGeoParams, bgnbd_log_likelihood
from .gamma_gamma import GammaGammaModel, GammaGammaParams, _gg_ll_grad
from .summary import Summary, rfm_summary
from .value import customer_lifetime_value

__all__ = [
    "BetaGeoModel",
    "BetaGeoParams",
    "FloatArray",
    "GammaGammaModel",
    "GammaGammaParams",
    "Summary",
    "_gg_ll_grad",  # the per-row likelihood the benchmark times (bench/bench_clv.py)
    "bgnbd_log_likelihood",
    "compress_rows",
    "customer_lifetime_value",
    "rfm_summary",
]
