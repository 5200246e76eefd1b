"""Engagement's data: segments (who), message templates (what), campaigns and journeys (when), and one
``Send`` row per message to one customer (the idempotency claim and the results)."""

from .campaigns import Campaign
from .content import MessageTemplate, TemplateVersion
from .journeys import Enrollment, Journey, JourneyStep
from .segments import Segment
from .sends import Send

__all__ = [
    "Campaign",
    "Enrollment",
    "Journey",
    "JourneyStep",
    "MessageTemplate",
    "Segment",
    "Send",
    "TemplateVersion",
]
