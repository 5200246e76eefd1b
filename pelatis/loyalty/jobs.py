"""Loyalty's periodic jobs, run by the worker (declared in hooks.py)."""

from __future__ import annotations

from django.utils import timezone

from .services.expiry import points_expire


def job_points_expiry() -> str:
    return f"{points_expire(now=timezone.now())} points expired"
