"""Personal data never reaches the application logs: a realistic run — the demo loaded, the worker sending
over a real SMTP server (one recipient refused), staff working through the pages (the customer's page,
search by email and phone, a ticket reply, a CSV import), the public support form and the REST API — is
logged at DEBUG on every logger, and no record (message, arguments or traceback) holds a customer's email
address or phone number in any of its spellings (E.164, national, international, digits only)."""

from __future__ import annotations

import io
import json
import logging
import signal
from collections.abc import Iterator
from typing import Any

import phonenumbers
import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from pelatis.accounts.services import token_create
from pelatis.channels.services import mail_ingest
from pelatis.channels.tests.test_ingest import mail
from pelatis.customers.models import ContactPoint, Customer, ImportJob
from pelatis.helpdesk.models import Ticket

pytestmark = pytest.mark.django_db(transaction=True)

MAX_ROUNDS = 6  # worker rounds before the test gives up on the queue emptying
REFUSED = "refused.customer@example.com"  # the test SMTP server refuses this recipient
IMPORTED = [("Νίκος", "Αλεξίου", "nikos.alexiou@example.com", "6971112233")]
API_CUSTOMER = ("Σοφία", "Δημητρίου", "sofia.dimitriou@example.com", "+30 210 123 4567")
SUPPORT_FORM = ("Ελένη Κωνσταντίνου", "eleni.k@example.com", "697 765 4321")


class Capture(logging.Handler):
    """Every record any logger of this process emits, kept whole."""

    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.records: list[logging.LogRecord] = []
        self.formatter = logging.Formatter("%(name)s %(levelname)s %(message)s")

    def emit(self, record: logging.LogRecord) -> None:
        # aiosmtpd's own "mail.log" records belong to the test SMTP server (it logs each envelope's
        # addresses), not to Pelatis: everything else our process logs is kept.
        if record.name == "mail.log" or record.name.startswith("mail.log."):
            return
        self.records.append(record)

    def texts(self) -> Iterator[tuple[logging.LogRecord, str]]:
        """Each record as a log file would hold it (message and traceback), and its raw arguments."""
        for record in self.records:
            yield record, self.format(record) + "\n" + repr(record.args) + "\n" + repr(record.msg)


@pytest.fixture
def captured() -> Iterator[Capture]:
    """A handler on the root logger and on every logger that does not pass records up, all at DEBUG."""
    capture = Capture()
    root = logging.getLogger()
    loggers = [root] + [
        logger for logger in logging.root.manager.loggerDict.values() if isinstance(logger, logging.Logger)
    ]
    levels = {logger: logger.level for logger in loggers}
    disabled = {logger: logger.disabled for logger in loggers}
    for logger in loggers:
        logger.setLevel(logging.DEBUG)
        logger.disabled = False
    separate = [logger for logger in loggers if logger is not root and not logger.propagate]
    for logger in [root, *separate]:
        logger.addHandler(capture)
    yield capture
    for logger in [root, *separate]:
        logger.removeHandler(capture)
    for logger, level in levels.items():
        logger.setLevel(level)
        logger.disabled = disabled[logger]


@pytest.fixture
def database_tasks(settings: Any) -> Iterator[None]:
    """Tasks go to the database and run in the worker, as shipped; its signal handlers do not outlive the test."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    handlers = {sig: signal.getsignal(sig) for sig in (signal.SIGTERM, signal.SIGINT)}
    yield
    for sig, handler in handlers.items():
        signal.signal(sig, handler)


@pytest.fixture
def refusing_smtp(smtp_server: Any) -> Any:
    """The test SMTP server, refusing one recipient as a real server refuses an unknown mailbox."""

    async def handle_RCPT(server: Any, session: Any, envelope: Any, address: str, options: Any) -> str:  # noqa: N802 — aiosmtpd's hook name
        if address.lower() == REFUSED:
            return "550 5.1.1 mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    smtp_server.handle_RCPT = handle_RCPT
    return smtp_server


def phone_spellings(value: str) -> set[str]:
    """A phone number as logs could hold it: E.164, national, international, and their digits."""
    try:
        number = phonenumbers.parse(value, "GR")
    except phonenumbers.NumberParseException:
        return {value}
    spellings = {value}
    for fmt in (
        phonenumbers.PhoneNumberFormat.E164,
        phonenumbers.PhoneNumberFormat.NATIONAL,
        phonenumbers.PhoneNumberFormat.INTERNATIONAL,
    ):
        spellings.add(phonenumbers.format_number(number, fmt))
    spellings |= {"".join(ch for ch in s if ch.isdigit()) for s in list(spellings)}
    return {s for s in spellings if len("".join(ch for ch in s if ch.isdigit())) >= 8}


def personal_terms() -> set[str]:
    """Every email address and phone number the database holds for customers, in every spelling."""
    terms: set[str] = set()
    for kind, value in ContactPoint.objects.values_list("kind", "value"):
        if kind == "email":
            terms |= {value, value.lower()}
        elif kind == "phone":
            terms |= phone_spellings(value)
    return terms


WORKER_OUTPUT: list[str] = []  # what `pelatis worker` printed: under systemd or docker, that is a log too


def worker_until_empty() -> None:
    for _round in range(MAX_ROUNDS):
        out = io.StringIO()
        call_command("worker", "--once", stdout=out)
        WORKER_OUTPUT.append(out.getvalue())
        if not DBTaskResult.objects.filter(
            status__in=[TaskResultStatus.READY, TaskResultStatus.RUNNING]
        ).exists():
            return
    pytest.fail(f"tasks still queued after {MAX_ROUNDS} worker rounds")


def staff_work(client: Client, customer: Customer, email: str, phone: str) -> None:
    """A manager's day: the customer's page, searches, a reply, a CSV import."""
    assert client.get(reverse("customers:detail", args=[customer.pk])).status_code == 200
    assert client.get(reverse("customers:list"), {"q": email}).status_code == 200
    assert client.get(reverse("customers:list"), {"q": phone}).status_code == 200
    assert client.get(reverse("customers:list"), {"q": "nobody.here@example.com"}).status_code == 200
    ticket = Ticket.objects.filter(customer=customer).order_by("pk").first()
    assert ticket is not None
    response = client.post(
        reverse("helpdesk:reply", args=[ticket.pk]),
        {"body": "Καλησπέρα σας, το διορθώσαμε.", "status": "pending"},
    )
    assert response.status_code in (200, 302)
    csv = "first_name,last_name,email,phone\n" + "".join(f"{','.join(row)}\n" for row in IMPORTED)
    upload = SimpleUploadedFile("πελάτες.csv", csv.encode("utf-8-sig"), content_type="text/csv")
    response = client.post(reverse("customers:import"), {"file": upload, "kind": "customers"})
    assert response.status_code == 302, response.content[:500]
    job = ImportJob.objects.latest("pk")
    worker_until_empty()  # the preview
    assert client.post(reverse("customers:import_confirm", args=[job.pk])).status_code in (200, 302)


def api_work(manager: Any, email: str) -> None:
    """An integrator's calls: search by email, create a customer, read it, add a contact point."""
    headers = {"Authorization": f"Bearer {token_create(user=manager, scope='write').secret}"}
    client = Client()
    assert client.get("/api/v1/customers", {"q": email}, headers=headers).status_code == 200
    first, last, new_email, new_phone = API_CUSTOMER
    body = {"first_name": first, "last_name": last, "emails": [new_email], "phones": [new_phone]}
    created = client.post(
        "/api/v1/customers", json.dumps(body), content_type="application/json", headers=headers
    )
    assert created.status_code in (200, 201), created.content
    customer_id = created.json()["id"]
    assert client.get(f"/api/v1/customers/{customer_id}", headers=headers).status_code == 200
    again = client.post(
        "/api/v1/customers", json.dumps(body), content_type="application/json", headers=headers
    )
    assert again.status_code in (200, 201, 409, 422)  # the same email twice: refused or matched, never logged
    bad = {"first_name": "Χ", "emails": ["not-an-email"], "phones": ["12"]}
    assert (
        client.post(
            "/api/v1/customers", json.dumps(bad), content_type="application/json", headers=headers
        ).status_code
        == 422
    )


def test_a_realistic_run_logs_no_email_address_or_phone_number(
    captured: Capture, database_tasks: None, refusing_smtp: Any
) -> None:
    # given: the demo's customers, and one customer whose mail server refuses our mail
    cache.clear()
    call_command("demo", "--customers", "40", stdout=io.StringIO())
    manager = get_user_model().objects.get(username="manager")
    customer = (
        Customer.objects.filter(merged_into__isnull=True, tickets__isnull=False, contact_points__kind="phone")
        .distinct()
        .order_by("pk")
        .first()
    )
    assert customer is not None
    email = customer.contact_points.filter(kind="email").values_list("value", flat=True).first()
    phone = customer.contact_points.filter(kind="phone").values_list("value", flat=True).first()
    assert email is not None
    assert phone is not None
    ContactPoint.objects.filter(customer=customer, kind="email").update(value=REFUSED)
    email = REFUSED

    # when: the worker sends what is due, staff work, a visitor writes in, an integrator calls the API
    worker_until_empty()
    staff = Client()
    staff.force_login(manager)
    staff_work(staff, customer, email, phone)
    name, visitor_email, visitor_phone = SUPPORT_FORM
    support = Client().post(
        reverse("support:form"),
        {
            "type": "question",
            "name": name,
            "email": visitor_email,
            "phone": visitor_phone,
            "subject": "Κράτηση",
            "message": "Έχετε δωμάτιο για δύο;",
            "consent": "on",
        },
    )
    assert support.status_code == 302, support.content[:500]
    api_work(manager, email)
    # the refused customer asks for their data from the portal: the confirmation link cannot reach them
    portal = Client().post(reverse("privacy:portal_request"), {"email": email, "kind": "access"})
    assert portal.status_code == 200, portal.content[:500]
    writer = ContactPoint.objects.filter(kind="email").exclude(customer=customer).order_by("pk").first()
    assert writer is not None
    for raw in [
        mail(sender=f"Πελάτης <{writer.value}>", subject="Ερώτηση", body="Πότε ανοίγετε;\n"),
        mail(
            sender=f"<{writer.value}>",
            subject="Αυτόματη απάντηση",
            headers={"Auto-Submitted": "auto-replied"},
        ),
        mail(sender=f"<{writer.value}>", subject="", body=""),
    ]:
        mail_ingest(raw)
    worker_until_empty()
    Client().post(reverse("login"), {"username": visitor_email, "password": "wrong"})

    # then: the run was logged (the refused recipient among it) and no record names anyone's address or phone
    terms = personal_terms() | {visitor_email} | phone_spellings(visitor_phone)
    assert REFUSED in terms
    assert {e for _f, _l, e, _p in IMPORTED} <= terms  # the import went through
    assert API_CUSTOMER[2] in terms
    assert len(captured.records) > 50
    assert any(
        r.name == "pelatis.channels.outbound" and "not sent" in r.getMessage() for r in captured.records
    )
    leaks = [
        f"{record.name} {record.levelname}: {term!r} in {text[:300]!r}"
        for record, text in captured.texts()
        for term in terms
        if term.lower() in text.lower()
    ]
    assert leaks == []
    printed = "\n".join(WORKER_OUTPUT).lower()
    assert "pelatis worker" in printed
    assert [term for term in terms if term.lower() in printed] == []
