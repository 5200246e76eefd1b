"""The agent's inbox page (25 rows) and a ticket page with 20,000 tickets stored:
latency and query count through the full Django stack, against a bare Django
view served through the same stack in the same run."""

from __future__ import annotations

import datetime as dt
import random
import time
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection, transaction
from django.http import HttpResponse
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import path
from django.utils import timezone

from pelatis.accounts.services import user_set_role
from pelatis.customers.models import Customer
from pelatis.helpdesk.models import Message, Ticket, TicketEvent, TicketSearch
from pelatis.helpdesk.search import doc_of

from .common import Report, percentiles, scale

BODY = "Καλησπέρα σας, θα ήθελα να ρωτήσω για διαθεσιμότητα." * 3


def bare_view(request: object) -> HttpResponse:
    return HttpResponse("ok")


def build(n_tickets: int) -> list[int]:
    rng = random.Random(7)
    now = timezone.now()
    with transaction.atomic():
        customers = Customer.objects.bulk_create(
            [
                Customer(
                    first_name=f"Πελάτης{i}",
                    last_name=rng.choice(["Παπαδόπουλος", "Νικολάου", "Müller", "Rossi"]),
                    display_name=f"Πελάτης{i}",
                    sort_name=f"πελατησ{i}",
                    name_key="",
                )
                for i in range(max(1, n_tickets // 4))
            ],
            batch_size=2000,
        )
        agent = get_user_model().objects.get(username="bench-agent")
        tickets = Ticket.objects.bulk_create(
            [
                Ticket(
                    subject=f"Ερώτηση για κράτηση {i}",
                    customer=rng.choice(customers),
                    status=rng.choice(["new", "open", "pending", "resolved", "closed"]),
                    priority=rng.choice(["low", "normal", "high"]),
                    assignee=agent if i % 3 == 0 else None,
                    created_at=now - dt.timedelta(minutes=i),
                    first_response_due=now + dt.timedelta(minutes=rng.randint(-600, 600)),
                )
                for i in range(n_tickets)
            ],
            batch_size=2000,
        )
        Message.objects.bulk_create(
            [
                Message(
                    ticket=t,
                    direction=d,
                    body_text=BODY,
                    visible_text="Καλησπέρα σας",
                    from_email="customer@example.gr",
                    created_at=t.created_at,
                )
                for t in tickets
                for d in ("in", "out", "in")
            ],
            batch_size=5000,
        )
        TicketEvent.objects.bulk_create(
            [TicketEvent(ticket=t, kind="opened", new="new", at=t.created_at) for t in tickets],
            batch_size=5000,
        )
        # What the help desk services write for each new ticket: its search document.
        TicketSearch.objects.bulk_create(
            [
                TicketSearch(
                    ticket_id=t.pk,
                    doc=doc_of(subject=t.subject, customer_name=t.customer.display_name, texts=[BODY]),
                )
                for t in tickets
            ],
            batch_size=5000,
        )
    return [t.pk for t in tickets[:50]]


def _timed_get(client: Client, url: str, rounds: int) -> tuple[list[float], int, int]:
    samples, queries, status = [], 0, 0
    for _ in range(rounds):
        with CaptureQueriesContext(connection) as ctx:
            t = time.perf_counter()
            response = client.get(url)
            samples.append(time.perf_counter() - t)
        queries, status = len(ctx.captured_queries), response.status_code
    return samples, queries, status


def run(report: Report, work: Path) -> None:
    call_command("migrate", verbosity=0)
    user = get_user_model().objects.create_user(username="bench-agent", password="bench-pass-1")
    user_set_role(user=user, role="agent")
    n = scale(20_000)
    ids = build(n)
    client = Client()
    client.force_login(user)
    from pelatis import urls as project_urls

    urlpatterns = [path("__bare__/", bare_view), *project_urls.urlpatterns]
    module = type(project_urls)("bench_urls")
    module.urlpatterns = urlpatterns  # type: ignore[attr-defined]  # a module built at run time declares no attributes
    import sys

    sys.modules["bench_urls"] = module
    with override_settings(ROOT_URLCONF="bench_urls", DEBUG=False):
        client.get("/tickets/")  # warm caches and templates
        bare, _q, _s = _timed_get(client, "/__bare__/", 50)
        b50, _ = percentiles(bare)
        for label, url, target in [
            ("inbox page (25 rows)", "/tickets/?view=all", "≤ 30 ms"),
            ("inbox: unassigned", "/tickets/?view=unassigned", "≤ 30 ms"),
            ("inbox: breaching soon", "/tickets/?view=breaching", "≤ 30 ms"),
            (
                "inbox: filters + priority sort",
                "/tickets/?priority=high&status=open&sort=priority",
                "≤ 50 ms",
            ),
            ("inbox search: word + number", f"/tickets/?q=κρατηση+{n // 2}", "≤ 50 ms"),
            ("inbox search: Greeklish", f"/tickets/?q=erotisi+{n // 3}", "≤ 50 ms"),
            ("inbox search: #number", f"/tickets/?q=%23{ids[7]}", "≤ 30 ms"),
            ("inbox search: a word in every ticket", "/tickets/?q=διαθεσιμοτητα", "≤ 100 ms"),
            ("ticket page", f"/tickets/{ids[0]}/", "≤ 50 ms"),
        ]:
            samples, queries, status = _timed_get(client, url, 30)
            p50, p95 = percentiles(samples)
            report.add(
                "inbox",
                f"{label}, {n:,} tickets",
                f"p50 {p50 * 1000:.1f} / p95 {p95 * 1000:.1f} ms, {queries} queries (HTTP {status})",
                reference=f"bare Django view p50 {b50 * 1000:.2f} ms",
                ratio=f"{p50 / b50:.1f}× bare view",
                target=target,
            )
