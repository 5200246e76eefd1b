"""The demo's consents: most demo customers agreed to news by email when they booked, some also by SMS,
a few declined; recorded as a booking form would have."""

from __future__ import annotations

import random
from collections.abc import Sequence

from pelatis.customers.models import Customer

from .services import ConsentEntry, consent_record_many

WORDING = "Θέλω να λαμβάνω προσφορές και νέα του ξενοδοχείου με email ή SMS."


def privacy_demo(customers: Sequence[Customer], *, seed: int = 2026) -> int:
    """Record the demo's marketing consents (about 7 in 10 by email, 3 in 10 by SMS); returns how many."""
    rng = random.Random(seed)  # noqa: S311 — demo data, not a secret
    entries = []
    for customer in customers:
        draw = rng.random()
        if draw < 0.7:
            entries.append(ConsentEntry(customer.pk, "marketing", "email", True, wording=WORDING))
        elif draw < 0.8:
            entries.append(ConsentEntry(customer.pk, "marketing", "email", False, wording=WORDING))
        if draw < 0.3:
            entries.append(ConsentEntry(customer.pk, "marketing", "sms", True, wording=WORDING))
    return consent_record_many(entries=entries, source="form")
