"""Customer 360: people and companies, how to reach them, what they bought, the interaction timeline every
channel writes to, and the imports that bring them in. One module per subject; every model is here."""

from __future__ import annotations

from .customers import Address, ContactPoint, Customer, MergeRecord, SearchTerm, Tag
from .imports import ImportChange, ImportedConsent, ImportJob
from .orders import Order, OrderLine, Subscription
from .timeline import Interaction

__all__ = [
    "Address",
    "ContactPoint",
    "Customer",
    "ImportChange",
    "ImportJob",
    "ImportedConsent",
    "Interaction",
    "MergeRecord",
    "Order",
    "OrderLine",
    "SearchTerm",
    "Subscription",
    "Tag",
]
