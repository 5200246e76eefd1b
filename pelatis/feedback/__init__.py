"""Feedback: CSAT after resolution (signed one-click links), later NPS, reviews and sentiment."""
