"""Help desk: tickets, SLA policies and the business-hours calendar behind SLA clocks."""
