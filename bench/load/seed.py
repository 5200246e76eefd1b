"""The load run's data set, on top of `pelatis demo --customers N` (customers with orders, tickets,
surveys, loyalty, consents): an API token for the demo agent, email tickets the load answers, and the
words customer search looks for. Run as ``python -m bench.load.seed TICKETS [--small PEOPLE]`` in a Pelatis
environment (``--small``: no demo, a few customers of its own); prints one JSON object on its last line."""

from __future__ import annotations

import json
import os
import random
import sys

import django

SMALL_NAMES = [
    ("Γιώργος", "Παπαδόπουλος"),
    ("Μαρία", "Γεωργίου"),
    ("Ελένη", "Νικολάου"),
    ("Κώστας", "Κωνσταντίνου"),
    ("Anna", "Müller"),
    ("Marco", "Rossi"),
]


def small_install(people: int) -> None:
    """Without the demo: the agent (log-in agent / pelatis-demo) and ``people`` customers with an email,
    made through the services (for the fault run, where the demo's 20 s would be most of the test)."""
    from django.contrib.auth import get_user_model

    from pelatis.accounts.services import user_set_role
    from pelatis.customers.inputs import CustomerInput
    from pelatis.customers.services import customer_create

    user = get_user_model().objects.create_user(
        username="agent", password="pelatis-demo", first_name="Μαρία", last_name="Κωνσταντίνου"
    )
    user_set_role(user=user, role="agent")
    for i in range(people):
        first, last = SMALL_NAMES[i % len(SMALL_NAMES)]
        customer_create(
            data=CustomerInput(first_name=first, last_name=last, emails=[f"customer{i}@example.gr"]), by=user
        )


def seed(reply_tickets: int) -> dict[str, object]:
    from django.contrib.auth import get_user_model
    from django.db import transaction

    from pelatis.accounts.models import Scope
    from pelatis.accounts.services import token_create
    from pelatis.customers.models import ContactPoint, Customer
    from pelatis.helpdesk.services.delivery import tickets_mark_acknowledged
    from pelatis.helpdesk.services.messages import InboundMail
    from pelatis.helpdesk.services.tickets import ticket_open

    rng = random.Random(2026)
    agent = get_user_model().objects.get(username="agent")
    token = token_create(user=agent, name="load run", scope=Scope.WRITE).secret
    with_email = list(
        Customer.objects.filter(
            merged_into__isnull=True,
            category="external",
            contact_points__kind=ContactPoint.Kind.EMAIL,
        )
        .order_by("pk")
        .distinct()
        .values_list("pk", flat=True)
    )
    ticket_ids = []
    with transaction.atomic():
        for i in range(reply_tickets):
            customer = Customer.objects.get(pk=rng.choice(with_email))
            ticket, _message = ticket_open(
                customer=customer,
                subject=f"Ερώτηση για την παραγγελία {1000 + i}",
                mail=InboundMail(
                    body_text="Καλησπέρα σας, πότε θα φτάσει η παραγγελία μου; Ευχαριστώ πολύ.",
                    from_email="customer@example.gr",
                ),
                channel="email",
            )
            ticket_ids.append(ticket.pk)
        # their acknowledgements count as sent: the load measures the replies
        tickets_mark_acknowledged(ticket_ids=ticket_ids)
    names = sorted(
        set(
            Customer.objects.filter(merged_into__isnull=True, kind="person")
            .exclude(last_name="")
            .values_list("last_name", flat=True)
        )
    )
    words = rng.sample(names, min(60, len(names)))
    return {
        "token": token,
        "reply_tickets": ticket_ids,
        "customer_ids": rng.sample(with_email, min(200, len(with_email))),
        "search_words": words + [w[:4] for w in words[:20]],
    }


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pelatis.settings")
    django.setup()
    if len(sys.argv) > 2 and sys.argv[2] == "--small":
        small_install(int(sys.argv[3]))
    print(json.dumps(seed(int(sys.argv[1]))))
