"""What customers adds to the other apps (extension points: :mod:`pelatis.core.hooks`).

- Segments can ask about a customer's profile (language, city, tags...), purchases and subscriptions.
"""

from __future__ import annotations

from .segment_fields import SEGMENT_FIELDS

__all__ = ["SEGMENT_FIELDS"]  # PERSONAL_DATA is appended below

# The data-subject rights (privacy): the profile, contact points, orders, timeline, merges and imports.
from pelatis.core.personaldata import PersonalDataParticipant  # noqa: E402 — appended by area

from .personal_data import customers_erase, customers_export, customers_terms  # noqa: E402

PERSONAL_DATA = [
    PersonalDataParticipant(
        app="customers", export=customers_export, erase=customers_erase, terms=customers_terms
    )
]
