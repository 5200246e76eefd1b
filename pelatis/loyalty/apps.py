"""Loyalty: points earned on paid orders, redeemed and adjusted by staff, expiring oldest first, kept in an
append-only ledger whose balance never goes negative."""

from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LoyaltyConfig(AppConfig):
    name = "pelatis.loyalty"
    label = "loyalty"
    verbose_name = _("Loyalty")
