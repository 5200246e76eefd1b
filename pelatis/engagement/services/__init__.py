"""Engagement's writes, one module per area (sending, templates, campaigns, journeys…); import from the
module itself, e.g. ``from pelatis.engagement.services.sending import message_send``."""
