"""Loyalty: the programme's rules, each customer's points account and its append-only ledger."""
