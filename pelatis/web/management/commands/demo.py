from __future__ import annotations

import time
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandParser

from pelatis.accounts.services import user_set_role
from pelatis.analytics.metrics import Filters
from pelatis.analytics.services import customer_values_refresh, dashboard_refresh
from pelatis.customers.demo import demo_exists, demo_load
from pelatis.customers.models import Customer
from pelatis.feedback.demo import feedback_demo
from pelatis.helpdesk.demo import demo_tickets

DEMO_USERS = [("admin", "admin", True), ("manager", "manager", False), ("agent", "agent", False)]
DEMO_PASSWORD = "pelatis-demo"


class Command(BaseCommand):
    help = "Load deterministic demo data (about 2,000 customers) and demo staff logins."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--customers", type=int, default=2000)
        parser.add_argument("--if-empty", action="store_true", help="do nothing when customers already exist")

    def handle(self, *args: Any, customers: int, if_empty: bool, **options: Any) -> None:
        User = get_user_model()
        for username, role, superuser in DEMO_USERS:
            if not User.objects.filter(username=username).exists():
                create = User.objects.create_superuser if superuser else User.objects.create_user
                user = create(username=username, password=DEMO_PASSWORD, email=f"{username}@example.gr")
                user_set_role(user=user, role=role)
        if if_empty and demo_exists():
            self.stdout.write("Demo data already loaded.")
        else:
            started = time.monotonic()
            summary = demo_load(customers=customers)
            tickets = demo_tickets(count=max(5, customers // 50))
            feedback = feedback_demo(list(Customer.objects.filter(merged_into__isnull=True, category="external")
                                          .order_by("pk")[:60]))
            scored = customer_values_refresh()
            dashboard_refresh(Filters.default())
            self.stdout.write(
                f"Loaded {summary.customers} customers, {summary.orders} orders, {summary.subscriptions} subscriptions, "
                f"{tickets} tickets, {sum(feedback.values())} survey answers and reviews, "
                f"{summary.interactions} timeline entries, {scored.customers} customers scored"
                f"{' with CLV' if scored.fit else ''} in {time.monotonic() - started:.1f} s."
            )
        self.stdout.write(self.style.SUCCESS(f"Log in as admin / {DEMO_PASSWORD} (also manager, agent)."))
