"""The help desk's data: tickets and their messages, history and SLA clocks; the desk's set-up (teams,
agents, calendars, SLA policies, canned replies, routing and tone rules). One module per subject; every
model is here."""

from __future__ import annotations

from .desk import AgentProfile, Calendar, CannedReply, RoutingRule, SlaPolicy, Team, ToneRule
from .tickets import Attachment, Message, SlaPause, Ticket, TicketEvent, TicketSearch

__all__ = [
    "AgentProfile",
    "Attachment",
    "Calendar",
    "CannedReply",
    "Message",
    "RoutingRule",
    "SlaPause",
    "SlaPolicy",
    "Team",
    "Ticket",
    "TicketEvent",
    "TicketSearch",
    "ToneRule",
]
