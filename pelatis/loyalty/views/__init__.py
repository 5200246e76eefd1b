"""Loyalty's pages: the programme (managers), the 360 card's forms, the customer statement, ticket credits."""
