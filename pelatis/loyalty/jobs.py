"""Loyalty's periodic jobs, run by the worker (declared in hooks.py)."""

from __future__ import annotations

from django.utils import timezone

from .services.expiry import points_expire
from .services.tiers import tiers_evaluate
from .services.warnings import expiry_warnings_run


def job_points_expiry() -> str:
    return f"{points_expire(now=timezone.now())} points expired"


def job_tiers_review() -> str:
    counts = tiers_evaluate(now=timezone.now())
    return (
        f"{counts['upgrades']} upgrades, {counts['downgrades']} downgrades, "
        f"{counts['grace_started']} grace periods started, {counts['grace_ended']} ended"
    )


def job_expiry_warnings() -> str:
    run = expiry_warnings_run(now=timezone.now())
    return (
        f"{run.claimed} expiry warnings claimed, {run.sent} sent, {run.skipped} skipped, {run.failed} failed"
    )
