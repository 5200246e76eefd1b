"""Pelatis: customer relationships and customer service, Greek-first."""
