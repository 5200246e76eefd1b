"""Customer analytics for Pelatis: RFM summaries and customer-lifetime-value models (no Django)."""
