"""Customer lifetime value (pelatis.analytics.clv) on 10M generated transactions of 1M customers:
the RFM summary and the BG/NBD + Gamma-Gamma fit, against `lifetimes` 0.11.3 on the same data in
the same run -- time, peak memory and parameter agreement.  Needs no database.

Each side runs end to end in a fresh child process (``python -m bench.bench_clv --side ...``) that
loads the same ``.npy`` transaction arrays from the work directory, so its peak memory is the
child's own peak resident set size (``getrusage(RUSAGE_SELF).ru_maxrss`` at exit): interpreter,
imports, input arrays and everything the summary and the fits allocate.

* ours: ``rfm_summary`` on the arrays (timed), then ``BetaGeoModel().fit`` + ``GammaGammaModel().fit``
  (timed together).
* lifetimes: the arrays become a pandas DataFrame (not timed: it is lifetimes' input format, as the
  arrays are ours), ``summary_data_from_transaction_data(freq="D")`` (timed), then
  ``BetaGeoFitter(penalizer_coef=0.0).fit`` on all customers and ``GammaGammaFitter(penalizer_coef=0.0)
  .fit`` on the returning ones (timed together; lifetimes' fit includes its Hessian for the
  standard errors, which is part of what ``fit`` costs).

Summaries are whole days (``freq="D"``, ``unit_days=1``) on both sides; they must be equal.
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path
from typing import Any

import numpy as np

from .common import Report, scale

ROOT = Path(__file__).resolve().parent.parent

#: Generating process, per day: purchase rate ~ Gamma(r, rate alpha), dropout ~ Beta(a, b) after
#: each repeat purchase; order value ~ Gamma(p, rate nu) with nu ~ Gamma(q, rate v) per customer.
GEN_BG = {"r": 0.7, "alpha": 10.0, "a": 1.2, "b": 12.0}
GEN_GG = {"p": 3.0, "q": 4.0, "v": 45.0}
START = np.datetime64("2024-01-01T00:00:00", "s")
AS_OF = np.datetime64("2025-12-31", "D")  # observation end (inclusive day)
WINDOW_DAYS = float((AS_OF - START.astype("datetime64[D]")).astype(np.int64) + 1)  # 731 days

BG_NAMES = ("r", "alpha", "a", "b")
GG_NAMES = ("p", "q", "v")
TARGET_SUMMARY = 5.0
TARGET_FIT = 10.0
TARGET_MEMORY = 2 * 1024**3
TARGET_REL = 1e-3


# --------------------------------------------------------------------------------------------------
# data
# --------------------------------------------------------------------------------------------------


def generate(n_customers: int, n_orders: int, seed: int = 2026) -> dict[str, np.ndarray]:
    """Reproducible transaction log of ``n_orders`` orders by ``n_customers`` customers, vectorised.

    Each customer's first purchase falls in the two-year window (more of them recently: the shop
    grows); repeat purchases follow the BG/NBD story -- a Poisson process with a gamma-distributed
    rate, cut off after a geometric number of repeats with a beta-distributed dropout probability.
    Given N Poisson arrivals in (0, T], the first x of them are the first x of N uniform order
    statistics, drawn from cumulative exponential spacings.  The orders beyond those purchase
    events are extra orders placed within two hours of an existing one (split baskets, mostly on
    the same day).  Order values are gamma with a per-customer gamma-distributed rate (Gamma-Gamma),
    rounded to cents.  The log is sorted by time, as an order table would be.
    """
    rng = np.random.default_rng(seed)
    n = n_customers
    first = WINDOW_DAYS * rng.power(1.5, n)  # density rising towards the window's end
    age = WINDOW_DAYS - first
    rate = rng.gamma(GEN_BG["r"], 1.0 / GEN_BG["alpha"], n)
    dropout = rng.beta(GEN_BG["a"], GEN_BG["b"], n)
    arrivals = rng.poisson(rate * age)
    repeats = np.minimum(arrivals, rng.geometric(dropout))

    owner_rep = np.repeat(np.arange(n), repeats)
    spacing = np.cumsum(rng.standard_exponential(owner_rep.size))
    starts = np.cumsum(repeats) - repeats
    before = np.zeros(n)
    has = repeats > 0
    before[has] = np.where(starts[has] > 0, spacing[np.maximum(starts[has] - 1, 0)], 0.0)
    partial = spacing - before[owner_rep]  # S_k within each customer
    s_x = np.zeros(n)
    s_x[has] = partial[starts[has] + repeats[has] - 1]
    total = s_x + rng.gamma(arrivals - repeats + 1.0)  # S_{N+1}
    rep_time = first[owner_rep] + age[owner_rep] * partial / total[owner_rep]
    del spacing, partial

    owner = np.concatenate([np.arange(n), owner_rep])
    when = np.concatenate([first, rep_time])
    del owner_rep, rep_time
    events = owner.size
    if events >= n_orders:  # only at odd scales: keep a random subset of the purchase events
        keep = np.sort(rng.choice(events, size=n_orders, replace=False))
        owner, when = owner[keep], when[keep]
    else:
        extra = rng.integers(0, events, n_orders - events)
        owner = np.concatenate([owner, owner[extra]])
        when = np.concatenate([when, when[extra] + rng.uniform(0.0, 2.0 / 24.0, extra.size)])
    when = np.minimum(when, WINDOW_DAYS - 1.0 / 86400.0)

    nu = rng.gamma(GEN_GG["q"], 1.0 / GEN_GG["v"], n)
    totals = np.maximum(np.round(rng.gamma(GEN_GG["p"], 1.0 / nu[owner]), 2), 0.01)
    ids = (1_000_000 + rng.permutation(n).astype(np.int64))[owner]
    seconds = np.round(when * 86400.0).astype(np.int64)
    order = np.argsort(seconds, kind="stable")
    return {
        "customer_id": ids[order],
        "created_at": START + seconds[order].astype("timedelta64[s]"),
        "total": totals[order],
    }


def _load(work: Path) -> dict[str, np.ndarray]:
    return {k: np.load(work / f"{k}.npy") for k in ("customer_id", "created_at", "total")}


def _peak_rss_bytes() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # KiB on Linux


def _rss_bytes() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    return 0


# --------------------------------------------------------------------------------------------------
# the two sides, each in its own fresh process
# --------------------------------------------------------------------------------------------------


def side_ours(work: Path) -> dict[str, object]:
    from pelatis.analytics.clv import BetaGeoModel, GammaGammaModel, rfm_summary

    data = _load(work)
    rss_loaded = _rss_bytes()
    started = time.perf_counter()
    s = rfm_summary(data["customer_id"], data["created_at"], data["total"], as_of=AS_OF, unit_days=1.0)
    t_summary = time.perf_counter() - started
    del data

    started = time.perf_counter()
    bg = BetaGeoModel()
    bg_params = bg.fit(s.frequency, s.recency, s.T)
    t_bg = time.perf_counter() - started
    started = time.perf_counter()
    gg = GammaGammaModel()
    gg_params = gg.fit(s.frequency, s.monetary_value)
    t_gg = time.perf_counter() - started

    np.savez(
        work / "summary_ours.npz", ids=s.customer_ids, x=s.frequency, t_x=s.recency, T=s.T, m=s.monetary_value
    )
    return {
        "t_summary": t_summary,
        "t_bg": t_bg,
        "t_gg": t_gg,
        "bg": [float(v) for v in bg_params.as_array()],
        "gg": [float(v) for v in gg_params.as_array()],
        "bg_distinct": bg.n_distinct_,
        "gg_distinct": gg.n_distinct_,
        "rss_loaded": rss_loaded,
        "peak_rss": _peak_rss_bytes(),
    }


def side_lifetimes(work: Path) -> dict[str, object]:
    warnings.simplefilter("ignore")
    import pandas as pd
    from lifetimes import BetaGeoFitter, GammaGammaFitter
    from lifetimes.utils import summary_data_from_transaction_data

    data = _load(work)
    frame = pd.DataFrame(
        {"customer_id": data["customer_id"], "created_at": data["created_at"], "total": data["total"]}
    )
    del data
    rss_loaded = _rss_bytes()
    started = time.perf_counter()
    s = summary_data_from_transaction_data(
        frame,
        "customer_id",
        "created_at",
        monetary_value_col="total",
        observation_period_end=str(AS_OF),
        freq="D",
    )
    t_summary = time.perf_counter() - started
    del frame

    started = time.perf_counter()
    bg = BetaGeoFitter(penalizer_coef=0.0).fit(s["frequency"], s["recency"], s["T"])
    t_bg = time.perf_counter() - started
    returning = s[s["frequency"] > 0]
    started = time.perf_counter()
    gg = GammaGammaFitter(penalizer_coef=0.0).fit(returning["frequency"], returning["monetary_value"])
    t_gg = time.perf_counter() - started

    s = s.sort_index()
    np.savez(
        work / "summary_lifetimes.npz",
        ids=s.index.to_numpy(),
        x=s["frequency"].to_numpy(np.float64),
        t_x=s["recency"].to_numpy(np.float64),
        T=s["T"].to_numpy(np.float64),
        m=s["monetary_value"].to_numpy(np.float64),
    )
    return {
        "t_summary": t_summary,
        "t_bg": t_bg,
        "t_gg": t_gg,
        "bg": [float(bg.params_[k]) for k in BG_NAMES],
        "gg": [float(gg.params_[k]) for k in GG_NAMES],
        "rss_loaded": rss_loaded,
        "peak_rss": _peak_rss_bytes(),
    }


def _child(side: str, work: Path, timeout: float = 1800.0) -> dict[str, Any]:
    """Run one side in a fresh process; its timings, parameters and memory figures (JSON)."""
    out = work / f"result_{side}.json"
    cmd = [sys.executable, "-m", "bench.bench_clv", "--side", side, str(work)]
    subprocess.run(cmd, cwd=ROOT, check=True, timeout=timeout)
    result: dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))
    return result


# --------------------------------------------------------------------------------------------------
# comparison and report
# --------------------------------------------------------------------------------------------------


def _mib(n: float) -> str:
    return f"{n / 1024**2:,.0f} MiB"


def _rel(ours: list[float], ref: list[float]) -> list[float]:
    return [abs(o - r) / abs(r) for o, r in zip(ours, ref, strict=True)]


def compare_summaries(work: Path) -> tuple[bool, str]:
    a, b = np.load(work / "summary_ours.npz"), np.load(work / "summary_lifetimes.npz")
    if a["ids"].shape != b["ids"].shape or not np.array_equal(a["ids"], b["ids"]):
        return False, f"customer sets differ ({a['ids'].size} vs {b['ids'].size})"
    worst = {k: float(np.max(np.abs(a[k] - b[k]))) if a[k].size else 0.0 for k in ("x", "t_x", "T")}
    m_rel = float(np.max(np.abs(a["m"] - b["m"]) / np.maximum(np.abs(b["m"]), 1e-300)))
    equal = all(v == 0.0 for v in worst.values()) and m_rel <= 1e-12
    detail = ", ".join(f"{k} max |Δ| {v:g}" for k, v in worst.items()) + f", monetary max rel Δ {m_rel:.1e}"
    return equal, detail


def log_likelihoods(
    work: Path, ours: dict[str, Any], ref: dict[str, Any]
) -> tuple[float, float, float, float]:
    """Total BG/NBD and Gamma-Gamma log-likelihood at our and at lifetimes' parameters (our formulas)."""
    from pelatis.analytics.clv import BetaGeoParams, _gg_ll_grad, bgnbd_log_likelihood

    s = np.load(work / "summary_ours.npz")
    pos = s["x"] > 0

    def bg_ll(p: list[float]) -> float:
        return float(bgnbd_log_likelihood(BetaGeoParams(*p), s["x"], s["t_x"], s["T"]).sum())

    def gg_ll(p: list[float]) -> float:
        return float(_gg_ll_grad(np.log(p), s["x"][pos], s["m"][pos])[0].sum())

    return bg_ll(ours["bg"]), bg_ll(ref["bg"]), gg_ll(ours["gg"]), gg_ll(ref["gg"])


def run(report: Report, work: Path | None = None) -> None:
    work = Path(work) if work is not None else Path(tempfile.mkdtemp(prefix="pelatis-bench-clv-"))
    n_customers, n_orders = scale(1_000_000), scale(10_000_000)
    started = time.perf_counter()
    data = generate(n_customers, n_orders)
    t_gen = time.perf_counter() - started
    for k, v in data.items():
        np.save(work / f"{k}.npy", v)
    n_buyers = int(np.unique(data["customer_id"]).size)
    del data
    report.add("clv", "data: orders / customers, generation time",
               f"{n_orders:,} / {n_buyers:,}, {t_gen:.1f} s")  # fmt: skip

    ours = _child("ours", work)
    ref = _child("lifetimes", work)

    equal, detail = compare_summaries(work)
    report.add("clv", f"RFM summary of {n_orders:,} orders", f"{ours['t_summary']:.2f} s",
               reference=f"{ref['t_summary']:.2f} s lifetimes",
               ratio=f"{ref['t_summary'] / ours['t_summary']:.1f}×", target=f"≥ {TARGET_SUMMARY:g}×")  # fmt: skip
    report.add("clv", "RFM summary equal to lifetimes'", "yes" if equal else "NO", reference=detail)
    t_fit, r_fit = ours["t_bg"] + ours["t_gg"], ref["t_bg"] + ref["t_gg"]
    report.add("clv", f"BG/NBD + Gamma-Gamma fit, {n_buyers:,} customers", f"{t_fit:.2f} s",
               reference=f"{r_fit:.2f} s lifetimes", ratio=f"{r_fit / t_fit:.1f}×",
               target=f"≥ {TARGET_FIT:g}×")  # fmt: skip
    report.add("clv", f"  BG/NBD fit ({ours['bg_distinct']:,} likelihood rows)", f"{ours['t_bg']:.2f} s",
               reference=f"{ref['t_bg']:.2f} s lifetimes", ratio=f"{ref['t_bg'] / ours['t_bg']:.1f}×")  # fmt: skip
    report.add("clv", f"  Gamma-Gamma fit ({ours['gg_distinct']:,} likelihood rows)", f"{ours['t_gg']:.2f} s",
               reference=f"{ref['t_gg']:.2f} s lifetimes", ratio=f"{ref['t_gg'] / ours['t_gg']:.1f}×")  # fmt: skip
    report.add("clv", "peak RSS, summary + fits (fresh process)", _mib(ours["peak_rss"]),
               reference=f"{_mib(ref['peak_rss'])} lifetimes", ratio=f"{ref['peak_rss'] / ours['peak_rss']:.1f}×",
               target=f"≤ {_mib(TARGET_MEMORY)}")  # fmt: skip
    report.add("clv", "  RSS with the input loaded (before the summary)", _mib(ours["rss_loaded"]),
               reference=f"{_mib(ref['rss_loaded'])} lifetimes (DataFrame)")  # fmt: skip

    bg_rel, gg_rel = _rel(ours["bg"], ref["bg"]), _rel(ours["gg"], ref["gg"])
    worst = max(bg_rel + gg_rel)
    names = BG_NAMES + GG_NAMES
    report.add("clv", "parameters: max relative difference", f"{worst:.1e} ({names[(bg_rel + gg_rel).index(worst)]})",
               target=f"≤ {TARGET_REL:g}")  # fmt: skip
    for label, keys, o, r, rel in (("BG/NBD", BG_NAMES, ours["bg"], ref["bg"], bg_rel),
                                   ("Gamma-Gamma", GG_NAMES, ours["gg"], ref["gg"], gg_rel)):  # fmt: skip
        report.add("clv", f"  {label} {', '.join(keys)}", ", ".join(f"{v:.5g}" for v in o),
                   reference=", ".join(f"{v:.5g}" for v in r) + " lifetimes",
                   ratio=f"max rel Δ {max(rel):.1e}")  # fmt: skip
    bg_o, bg_r, gg_o, gg_r = log_likelihoods(work, ours, ref)
    report.add("clv", "  log-likelihood at our − at lifetimes' parameters",
               f"BG/NBD {bg_o - bg_r:+.3g}, Gamma-Gamma {gg_o - gg_r:+.3g}",
               reference=f"BG/NBD {bg_o:.6g}, Gamma-Gamma {gg_o:.6g}")  # fmt: skip


def main(argv: list[str]) -> int:
    if argv[:1] == ["--side"]:
        side, work = argv[1], Path(argv[2])
        result = side_ours(work) if side == "ours" else side_lifetimes(work)
        (work / f"result_{side}.json").write_text(json.dumps(result), encoding="utf-8")
        return 0
    r = Report()
    run(r)
    r.print()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
