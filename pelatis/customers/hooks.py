"""What customers adds to the other apps (extension points: :mod:`pelatis.core.hooks`).

- Segments can ask about a customer's profile (language, city, tags...), purchases and subscriptions.
"""

from __future__ import annotations

from .segment_fields import SEGMENT_FIELDS

__all__ = ["SEGMENT_FIELDS"]
