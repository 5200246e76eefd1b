"""Retention: a dry run counts what each app's policy would remove and writes nothing; the real run removes
exactly that (inactive customers erased through the rights' erasure, old quarantined mail and outbox
copies deleted) and is logged with its counts; `pelatis retention` prints them; the worker's job runs
once a day."""

from __future__ import annotations

import datetime as dt
import re
from io import StringIO
from typing import Any

import pytest
from dateutil.relativedelta import relativedelta
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone, translation

from pelatis.channels.models import OutboxMessage, QuarantinedMail
from pelatis.core.models import AuditEvent
from pelatis.customers.models import Customer, Interaction
from pelatis.feedback.models import CsatSurvey
from pelatis.feedback.services.csat import csat_survey_for
from pelatis.privacy.dsr.services import request_file
from pelatis.privacy.models import RetentionRun
from pelatis.privacy.retention import inactive_customers, job_retention, policy_label, retention_run

NOW = timezone.now()


def _aged(customer: Customer, years: float) -> Customer:
    Customer.objects.filter(pk=customer.pk).update(created_at=NOW - dt.timedelta(days=365 * years))
    Interaction.objects.filter(customer=customer).update(occurred_at=NOW - dt.timedelta(days=365 * years))
    return customer


@pytest.fixture
def cast(make_customer: Any, make_order: Any, open_ticket: Any, settings: Any) -> dict[str, Customer]:
    """Customers on file for five years: one silent since, others with a sign of life; and a newcomer."""
    settings.PELATIS_RETENTION_INACTIVE_YEARS = 3
    settings.PELATIS_RETENTION_MAIL_DAYS = 90
    settings.PELATIS_RETENTION_SURVEY_TOKEN_DAYS = 60

    def person(first: str, last: str, email: str) -> Customer:
        return _aged(make_customer(first_name=first, last_name=last, emails=[email]), 5)

    silent = person("Σιωπηλός", "Παλαιός", "siopilos@example.gr")
    make_order(silent, "OLD-1", when=NOW - relativedelta(years=4))
    buyer = person("Αγοραστής", "Πρόσφατος", "agorastis@example.gr")
    make_order(buyer, "NEW-1", when=NOW - relativedelta(years=1))
    writer = person("Συντάκτης", "Μηνύματος", "syntaktis@example.gr")
    open_ticket(writer, subject="Ερώτηση")  # an inbound ticket today
    asking = person("Αιτών", "Ανοιχτός", "aiton@example.gr")
    request_file(customer_id=asking.pk, kind="access", channel="email")
    company = _aged(make_customer(kind="company", company_name="Παλιά ΑΕ"), 5)
    newcomer = make_customer(first_name="Νέος", last_name="Πελάτης")
    return {
        "silent": silent,
        "buyer": buyer,
        "writer": writer,
        "asking": asking,
        "company": company,
        "newcomer": newcomer,
    }


@pytest.fixture
def old_mail(db: None) -> None:
    for days in (120, 91, 10):
        QuarantinedMail.objects.create(
            raw=b"From: x@example.gr\r\n\r\nx", reason="no sender", received_at=NOW - dt.timedelta(days=days)
        )
        OutboxMessage.objects.create(subject="Γεια", raw=b"x", created_at=NOW - dt.timedelta(days=days))


@pytest.fixture
def stale_survey(cast: dict[str, Customer], open_ticket: Any) -> CsatSurvey:
    survey = csat_survey_for(ticket=open_ticket(cast["writer"], subject="Άλλο"))
    CsatSurvey.objects.filter(pk=survey.pk).update(sent_at=NOW - dt.timedelta(days=60, hours=5))
    return survey


def test_inactive_means_no_sign_of_life_for_the_years(cast: dict[str, Customer]) -> None:
    assert set(inactive_customers(3, NOW)) == {cast["silent"]}
    assert set(inactive_customers(6, NOW)) == set()  # on file for five years only


def _snapshot() -> tuple[int, ...]:
    return (
        Customer.objects.filter(erased_at__isnull=False).count(),
        QuarantinedMail.objects.count(),
        OutboxMessage.objects.count(),
        CsatSurvey.objects.count(),
        AuditEvent.objects.exclude(action="retention").count(),
    )


def test_a_dry_run_writes_nothing_and_the_real_run_removes_what_it_counted(
    cast: dict[str, Customer], old_mail: None, stale_survey: CsatSurvey, manager: Any
) -> None:
    before = _snapshot()
    dry = retention_run(dry_run=True, actor=manager, now=NOW)
    assert _snapshot() == before
    assert dry.counts == {"customers_inactive": 1, "mail_purge": 4, "survey_links": 1}
    assert dry.dry_run
    assert dry.finished_at is not None
    assert dry.errors == {}

    real = retention_run(dry_run=False, now=NOW)
    assert real.counts == dry.counts
    erased = set(Customer.objects.filter(erased_at__isnull=False).values_list("pk", flat=True))
    assert erased == {cast["silent"].pk}
    assert QuarantinedMail.objects.count() == OutboxMessage.objects.count() == 1  # the 10-day-old ones stay
    assert AuditEvent.objects.filter(action="erase", customer_id=cast["silent"].pk).exists()
    audited = list(
        AuditEvent.objects.filter(action="retention").order_by("pk").values_list("detail", flat=True)
    )
    assert audited[0].startswith("dry run")
    assert "customers_inactive=1" in audited[1]
    assert not any("@" in d for d in audited)

    again = retention_run(dry_run=True, now=NOW)
    assert again.counts["customers_inactive"] == 0
    assert again.counts["mail_purge"] == 0


def test_policies_switched_off_report_off(cast: dict[str, Customer], old_mail: None, settings: Any) -> None:
    settings.PELATIS_RETENTION_INACTIVE_YEARS = 0
    settings.PELATIS_RETENTION_MAIL_DAYS = 0
    run = retention_run(dry_run=False, now=NOW)
    assert run.counts["customers_inactive"] is None
    assert run.counts["mail_purge"] is None
    assert not Customer.objects.filter(erased_at__isnull=False).exists()
    assert QuarantinedMail.objects.count() == 3


def test_the_command_prints_the_counts(cast: dict[str, Customer], old_mail: None) -> None:
    out = StringIO()
    call_command("retention", "--dry-run", stdout=out)
    lines = out.getvalue().splitlines()
    assert "customers_inactive: 1 would remove" in lines
    assert "mail_purge: 4 would remove" in lines
    assert lines[-1].endswith("(dry run)")
    assert not Customer.objects.filter(erased_at__isnull=False).exists()


def test_the_worker_runs_it_once_a_day(cast: dict[str, Customer], old_mail: None) -> None:
    assert "customers_inactive: 1" in job_retention()
    assert job_retention() == "ran less than a day ago"
    assert RetentionRun.objects.filter(dry_run=False).count() == 1


def test_the_runs_page_is_for_those_allowed(
    client: Any, cast: dict[str, Customer], manager: Any, agent: Any, settings: Any
) -> None:
    from django.contrib.auth.models import Permission

    run = retention_run(dry_run=True, now=NOW)
    client.force_login(agent)
    assert client.get(reverse("privacy:retention")).status_code == 403
    manager.user_permissions.add(
        Permission.objects.get(content_type__app_label="privacy", codename="view_retentionrun")
    )
    client.force_login(manager)
    page = client.get(reverse("privacy:retention")).content.decode()
    assert f'data-run="{run.pk}"' in page
    assert 'data-policy="customers_inactive"' in page
    for language in ("el", "en"):
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        page = client.get(reverse("privacy:retention")).content.decode()
        assert f'lang="{language}"' in page
        with translation.override(language):
            labels = [
                str(policy_label(name)) for name in ("customers_inactive", "mail_purge", "survey_links")
            ]
        shown = re.sub(r"<[^>]+>", " ", page)  # the text people read, without the attributes
        for label in labels:
            assert label in shown
        for key in ("customers_inactive", "mail_purge", "survey_links"):
            assert key not in shown
