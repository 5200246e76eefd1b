"""Demo tickets: a working day's inbox on top of the demo customers (deterministic)."""

from __future__ import annotations

import datetime as dt
import random

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from pelatis.customers.models import Customer

from .models import Team
from .services.lifecycle import ticket_set_status
from .services.messages import InboundMail, message_receive, reply_send
from .services.tickets import ticket_assign, ticket_open

REQUESTS = [
    (
        "question",
        "el",
        "Διαθεσιμότητα 10-15 Αυγούστου",
        "Καλησπέρα σας, έχετε διαθέσιμο δίκλινο με θέα από 10 έως 15 Αυγούστου;",
    ),
    (
        "complaint",
        "el",
        "Κρύο νερό στο δωμάτιο 204",
        "Από χθες το βράδυ δεν έχουμε ζεστό νερό. Παρακαλώ κοιτάξτε το.",
    ),
    ("return", "el", "Επιστροφή ελαιολάδου", "Η φιάλη έφτασε σπασμένη. Πώς κάνω επιστροφή;"),
    ("question", "el", "Τιμολόγιο για την κράτηση", "Χρειάζομαι τιμολόγιο με τον ΑΦΜ της εταιρείας μας."),
    ("compliment", "el", "Ευχαριστούμε για όλα!", "Περάσαμε υπέροχα, το προσωπικό ήταν εξαιρετικό."),
    (
        "question",
        "en",
        "Airport transfer on 14 August",
        "Could you book a taxi from the airport for two people?",
    ),
    ("claim", "en", "Charged twice for breakfast", "My card statement shows the breakfast charged twice."),
    ("question", "de", "Zimmer im Mai", "Guten Tag, ist im Mai ein Doppelzimmer mit Balkon frei?"),
]


@transaction.atomic
def demo_tickets(*, count: int = 40, seed: int = 2026) -> int:
    """Open ``count`` tickets for demo customers, some answered, pending, resolved or reopened."""
    rng = random.Random(seed)  # noqa: S311 — repeatable demo data, not a secret
    user_model = get_user_model()
    agents = list(user_model.objects.filter(username__in=["agent", "manager"]))
    team, _ = Team.objects.get_or_create(name="Υποδοχή")
    team.members.add(*agents)
    customers = list(
        Customer.objects.filter(merged_into__isnull=True, kind="person", category="external")
        .exclude(contact_points__isnull=True)
        .order_by("pk")[:400]
    )
    now = timezone.now()
    for i in range(min(count, len(customers))):
        customer = customers[rng.randrange(len(customers))] if i else customers[0]
        # A request in the customer's own language (Greek, or else English or German).
        fitting = [r for r in REQUESTS if r[1] == customer.language] or [r for r in REQUESTS if r[1] == "en"]
        kind, language, subject, body = rng.choice(fitting)
        when = now - dt.timedelta(hours=rng.randint(1, 120), minutes=rng.randint(0, 59))
        ticket, _m = ticket_open(
            customer=customer,
            subject=subject,
            type=kind,
            language=language,
            channel=rng.choice(["email", "email", "web", "phone"]),
            priority=rng.choice(["normal", "normal", "high", "low", "urgent"]),
            mail=InboundMail(body_text=body, received_at=when, from_email=""),
        )
        if agents and rng.random() < 0.6:
            ticket_assign(ticket=ticket, agent=rng.choice(agents))
        fate = rng.random()
        if agents and fate < 0.55:
            reply_send(
                ticket=ticket,
                by=rng.choice(agents),
                send_email=False,
                body_text="Σας ευχαριστούμε για το μήνυμά σας. Το εξετάζουμε και θα σας απαντήσουμε σύντομα."
                if language == "el"
                else "Thank you for your message; we are looking into it.",
                status="resolved" if fate < 0.25 else None,
            )
            if fate < 0.08:
                message_receive(ticket=ticket, mail=InboundMail(body_text="Δυστυχώς δεν λύθηκε ακόμα."))
        elif fate > 0.9:
            ticket_set_status(ticket=ticket, status="on_hold")
    return min(count, len(customers))
