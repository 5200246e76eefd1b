from __future__ import annotations

from typing import Any

import pytest

from pelatis.customers.models import Customer
from pelatis.helpdesk.models import Ticket
from pelatis.helpdesk.services.messages import InboundMail
from pelatis.helpdesk.services.tickets import ticket_open


@pytest.fixture
def open_ticket(db: None) -> Any:
    def make(
        customer: Customer,
        subject: str = "Ερώτηση για κράτηση",
        body: str = "Καλησπέρα, έχετε δωμάτιο;",
        **kwargs: Any,
    ) -> Ticket:
        ticket, _message = ticket_open(
            customer=customer, subject=subject, mail=InboundMail(body_text=body), **kwargs
        )
        return ticket

    return make
