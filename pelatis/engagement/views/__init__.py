"""Engagement pages, one module per area (content, segments, campaigns, journeys, public links)."""
