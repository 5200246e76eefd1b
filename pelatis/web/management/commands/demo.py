"""``pelatis demo``: fictitious customers, an inbox and demo staff logins, for trying Pelatis out.

The demo only ever goes into an empty database (no users, customers or
tickets) and never in production mode: its logins have a public password,
so on a live install they would be a way in. Every demo email address is on
a reserved example domain (RFC 2606), so a later SMTP set-up mails no one.
"""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from pelatis.accounts.services import user_set_role
from pelatis.analytics.metrics import Filters
from pelatis.analytics.services import customer_values_refresh, dashboard_refresh
from pelatis.customers.demo import DEMO_EMAIL_DOMAIN, demo_load
from pelatis.customers.models import Customer
from pelatis.engagement.demo import engagement_demo
from pelatis.feedback.demo import feedback_demo
from pelatis.helpdesk.demo import demo_tickets
from pelatis.helpdesk.models import Ticket
from pelatis.loyalty.demo import loyalty_demo
from pelatis.privacy.demo import privacy_demo

# (login, role, superuser, first name, last name): replies are signed and tickets assigned by name, never by login.
DEMO_USERS = [
    ("admin", "admin", True, "Ελένη", "Αναστασίου"),
    ("manager", "manager", False, "Νίκος", "Σταθόπουλος"),
    ("agent", "agent", False, "Μαρία", "Κωνσταντίνου"),
]
DEMO_PASSWORD = "pelatis-demo"  # noqa: S105 — the demo's published log-in; `pelatis demo` refuses in production


def database_contents() -> dict[str, int]:
    """What the database already holds that the demo must not touch: users, customers, tickets."""
    found = {
        "users": get_user_model().objects.count(),
        "customers": Customer.objects.count(),
        "tickets": Ticket.objects.count(),
    }
    return {name: n for name, n in found.items() if n}


class Command(BaseCommand):
    help = (
        "Load deterministic demo data (about 2,000 customers) and demo staff logins into an empty database; "
        "refused in production mode and on a database that already has data."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--customers", type=int, default=2000)
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="on a database that already has data, do nothing and exit successfully",
        )

    def handle(self, *args: Any, customers: int, if_empty: bool, **options: Any) -> None:
        if getattr(settings, "PRODUCTION", False):
            raise CommandError(
                "The demo is not loaded in production mode (PELATIS_MODE=production): "
                "its logins have a public password."
            )
        found = database_contents()
        if found:
            held = ", ".join(f"{n} {name}" for name, n in found.items())
            if if_empty:
                self.stdout.write(f"The database already has data ({held}); demo not loaded.")
                return
            raise CommandError(
                f"The database already has data ({held}): the demo loads only into an empty "
                "database and never creates or changes users on one that is in use."
            )
        started = time.monotonic()
        with transaction.atomic():
            if database_contents():  # someone got there first (two first runs at once)
                raise CommandError("The database is no longer empty: demo not loaded.")
            User = get_user_model()
            for username, role, superuser, first_name, last_name in DEMO_USERS:
                create = User.objects.create_superuser if superuser else User.objects.create_user
                user = create(
                    username=username,
                    password=DEMO_PASSWORD,
                    email=f"{username}@{DEMO_EMAIL_DOMAIN}",
                    first_name=first_name,
                    last_name=last_name,
                )
                user_set_role(user=user, role=role)
            summary = demo_load(customers=customers)
            tickets = demo_tickets(count=max(5, customers // 50))
            feedback = feedback_demo(
                list(
                    Customer.objects.filter(merged_into__isnull=True, category="external").order_by("pk")[:60]
                )
            )
            consents = privacy_demo(
                list(Customer.objects.filter(merged_into__isnull=True, category="external").order_by("pk"))
            )
            loyalty_demo()
            engagement = engagement_demo()
        scored = customer_values_refresh()
        dashboard_refresh(Filters.default())
        self.stdout.write(
            f"Loaded {summary.customers} customers, {summary.orders} orders, {summary.subscriptions} subscriptions, "
            f"{tickets} tickets, {sum(feedback.values())} survey answers and reviews, "
            f"{summary.interactions} timeline entries, {consents} consents, {engagement['segments']} segments, "
            f"{engagement['templates']} message templates, {engagement['journeys']} journeys (switched off), "
            f"{scored.customers} customers scored"
            f"{' with CLV' if scored.fit else ''} in {time.monotonic() - started:.1f} s."
        )
        self.stdout.write(self.style.SUCCESS(f"Log in as admin / {DEMO_PASSWORD} (also manager, agent)."))
