"""What privacy adds to the other apps (extension points: :mod:`pelatis.core.hooks`).

- The customer page shows a consent card: what holds per purpose and channel, the last changes, and a
  form for agents to record what a customer said.
- A customer merge moves the merged customer's consent history to the customer kept.
- A customer import records the marketing consents its file states, inside the import's transaction.
- Timeline entries of consent link to the customer's consent record page.
"""

from __future__ import annotations

from .importing import consents_imported
from .panels import consent_panel
from .services import consent_move_to_customer

CUSTOMER_PANELS = [consent_panel]
CUSTOMER_MERGE_PARTICIPANTS = [consent_move_to_customer]
CUSTOMER_CONSENTS_IMPORTED = [consents_imported]
