"""A name-day journey over 1M customers: how fast the trigger enrols (one INSERT … SELECT with the time
zones and the hold-out hash) against a raw SQLite INSERT … SELECT of the same rows, a second run adding
nothing, and sending that survives a ``kill -9`` of the worker with no email twice.

* Data: 1M customers (seeded numpy, bulk-inserted, cached under ``$PELATIS_BENCH_CACHE`` like the other
  benchmarks): 12 % celebrate on 7 January (Ιωάννης, Ιωάννα), 0.3 % on 10 February (Χαράλαμπος); 92 % in
  Athens, 4 % in New York, 4 % in Sydney.
* Enrolment: the 7 January journey (10 % hold-out) over all 1M; the reference inserts the same customers
  with a plain ``INSERT INTO … SELECT … WHERE name_day_name IN (…)`` on a raw sqlite3 cursor.
* Sending (a realistic subset, so no SMTP server is needed at 1M): the 10 February journey's ~3,000
  customers, each with an email and 80 % with marketing consent, sent by a worker process
  (``bench.journey_worker``) to Django's file email backend. The benchmark kills it with SIGKILL once
  40 % are sent, starts a fresh worker that finishes, and counts the emails in the files per Message-ID
  and per recipient (each must be 1) and the Send rows per key.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np
from django.conf import settings
from django.core.management import call_command
from django.db import connection

from pelatis.engagement.models import Enrollment, Journey, JourneyStep, Send
from pelatis.engagement.services.content import VersionInput, template_save
from pelatis.engagement.services.enrol import journey_enrol

from .common import Report, scale
from .dashboard.common import insert

GENERATOR_VERSION = 1
BIG_DAY = dt.datetime(2027, 1, 7, 8, tzinfo=dt.UTC)  # 10:00 in Athens
SEND_DAY = dt.datetime(2027, 2, 10, 8, tzinfo=dt.UTC)
BIG_NAMES = ("Ιωάννης", "Ιωάννα")
SEND_NAME = "Χαράλαμπος"
OTHER_NAMES = ("Νικόλαος", "Μαρία", "Δημήτριος", "Ελένη", "Κωνσταντίνος", "Αικατερίνη", "Παναγιώτης", "Σοφία")
ZONES = ("Europe/Athens", "America/New_York", "Australia/Sydney")
KILL_AT = 0.4
POLL_S = 0.1
MAX_WAIT_S = 900


def _generate(raw: Any, n: int) -> None:
    rng = np.random.default_rng(11)
    pick = rng.random(n)
    names = np.where(
        pick < 0.06,
        BIG_NAMES[0],
        np.where(
            pick < 0.12,
            BIG_NAMES[1],
            np.where(pick < 0.123, SEND_NAME, np.array(OTHER_NAMES)[rng.integers(0, len(OTHER_NAMES), n)]),
        ),
    ).astype(object)
    zones = np.array(ZONES, dtype=object)[rng.choice(3, size=n, p=[0.92, 0.04, 0.04])]
    raw.execute("PRAGMA synchronous=OFF")

    def rows(a: int, b: int) -> list[tuple[Any, ...]]:
        return [
            (
                i + 1,
                "person",
                "external",
                names[i],
                f"Πελάτης{i}",
                "",
                f"{names[i]} Πελάτης{i}",
                "",
                "κ.",
                1,
                "el",
                zones[i],
                "email",
                names[i],
                "",
                "",
                f"pelatis{i}",
                f"p{i}",
                "2025-01-01 00:00:00",
                "2025-01-01 00:00:00",
            )
            for i in range(a, b)
        ]

    insert(
        raw,
        "customers_customer",
        [
            "id",
            "kind",
            "category",
            "first_name",
            "last_name",
            "company_name",
            "display_name",
            "job_title",
            "title",
            "formal",
            "language",
            "time_zone",
            "preferred_channel",
            "name_day_name",
            "vat_number",
            "notes",
            "sort_name",
            "name_key",
            "created_at",
            "updated_at",
        ],
        rows,
        n,
    )
    senders = np.flatnonzero(names == SEND_NAME) + 1
    raw.execute("BEGIN")
    raw.executemany(
        "INSERT INTO customers_contactpoint (customer_id, kind, value, label, is_primary, created_at) "
        "VALUES (?, 'email', ?, '', 1, '2025-01-01 00:00:00')",
        [(int(c), f"c{c}@example.gr") for c in senders],
    )
    consenting = senders[rng.random(len(senders)) < 0.8]
    raw.executemany(
        "INSERT INTO privacy_consentrecord (customer_id, purpose, channel, granted, source, wording, note, "
        "recorded_at, created_at) VALUES (?, 'marketing', 'email', 1, 'form', '', '', '2025-01-01 00:00:00', "
        "'2025-01-01 00:00:00')",
        [(int(c),) for c in consenting],
    )
    raw.execute("COMMIT")


def _prepare(n: int) -> str:
    db_path = Path(str(settings.DATABASES["default"]["NAME"]))
    cache_dir = os.environ.get("PELATIS_BENCH_CACHE", "/tmp/pelatis-bench-cache")
    migrations = sorted(
        str(p.relative_to(settings.BASE_DIR)) for p in Path(settings.BASE_DIR).glob("*/migrations/0*.py")
    )
    digest = hashlib.sha256(repr((GENERATOR_VERSION, n, migrations)).encode()).hexdigest()[:10]
    off = cache_dir.lower() in ("", "off", "0", "no")
    cached = None if off else Path(cache_dir) / f"journeys-{n}-{digest}.sqlite3"
    if cached is not None and cached.exists():
        connection.close()
        for suffix in ("", "-wal", "-shm"):
            Path(f"{db_path}{suffix}").unlink(missing_ok=True)
        shutil.copyfile(cached, db_path)
        return f"copied from {cached}"
    call_command("migrate", verbosity=0)
    connection.ensure_connection()
    raw = connection.connection
    assert raw is not None
    _generate(raw, n)
    raw.execute("ANALYZE")
    connection.close()
    if cached is None:
        return "generated"
    cached.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(db_path, f"{cached}.part")
    os.replace(f"{cached}.part", cached)
    return f"generated, cached at {cached}"


def _journey(name: str, holdout: int) -> Journey:
    template = template_save(
        name=f"{name} template",
        channel="email",
        purpose="marketing",
        fallback_language="el",
        versions=[VersionInput(language="el", subject="Χρόνια πολλά!", body="Χρόνια πολλά, {{ address }}!")],
    )
    journey = Journey.objects.create(name=name, trigger="name_day", active=True, holdout_percent=holdout)
    JourneyStep.objects.create(journey=journey, position=1, delay_days=0, template=template)
    return journey


def _enrolment(report: Report) -> None:
    journey = _journey("Αγίου Ιωάννου", holdout=10)
    started = time.perf_counter()
    entered = journey_enrol(journey=journey, now=BIG_DAY)
    ours = time.perf_counter() - started
    started = time.perf_counter()
    again = journey_enrol(journey=journey, now=BIG_DAY + dt.timedelta(hours=3))
    rerun = time.perf_counter() - started

    reference = Journey.objects.create(name="reference", trigger="name_day")
    connection.ensure_connection()
    raw = connection.connection
    assert raw is not None
    started = time.perf_counter()
    raw.execute("BEGIN")
    cursor = raw.execute(
        "INSERT INTO engagement_enrollment (journey_id, customer_id, occurrence, anchor_at, next_position, "
        "next_due_at, status, exit_reason, created_at) SELECT ?, id, '2027', '2027-01-07 08:00:00', 1, "
        "'2027-01-07 08:00:00', 'active', '', '2027-01-07 08:00:00' FROM customers_customer "
        "WHERE name_day_name IN (?, ?)",
        (reference.pk, *BIG_NAMES),
    )
    raw_rows = cursor.rowcount
    raw.execute("COMMIT")
    raw_s = time.perf_counter() - started
    held = Enrollment.objects.filter(journey=journey, status=Enrollment.Status.HELD_OUT).count()
    report.add(
        "journeys",
        "name-day enrolment over the customers",
        f"{entered:,} enrolled in {ours:.2f} s ({entered / ours:,.0f}/s; {held:,} held out)",
        reference=f"raw INSERT…SELECT {raw_rows:,} in {raw_s:.2f} s",
        ratio=f"{ours / raw_s:.1f}×",
    )
    report.add(
        "journeys", "second run the same day", f"{again} enrolled in {rerun:.2f} s", target="0 enrolled"
    )


def _mail_counts(mail_dir: Path) -> tuple[Counter[str], Counter[str]]:
    ids: Counter[str] = Counter()
    recipients: Counter[str] = Counter()
    for path in mail_dir.glob("*.log"):
        text = path.read_text(encoding="utf-8", errors="replace")
        ids.update(m.strip() for m in re.findall(r"^Message-ID: (.+)$", text, flags=re.MULTILINE))
        recipients.update(m.strip() for m in re.findall(r"^To: (.+)$", text, flags=re.MULTILINE))
    return ids, recipients


def _worker(t0: float, mail_dir: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "bench.journey_worker", str(t0), SEND_DAY.isoformat(), str(mail_dir)],
        env=dict(os.environ),
    )


def _sending(report: Report, work: Path) -> None:
    # Every active name-day journey greets whoever celebrates: only this one runs now.
    Journey.objects.update(active=False)
    journey = _journey("Αγίου Χαραλάμπους", holdout=0)
    subset = journey_enrol(journey=journey, now=SEND_DAY)
    consenting = Enrollment.objects.filter(
        journey=journey,
        customer__consent_records__purpose="marketing",
        customer__consent_records__granted=True,
    ).count()
    mail_dir = work / "mail"
    mail_dir.mkdir()
    t0 = time.time()
    started = time.perf_counter()
    first = _worker(t0, mail_dir)
    killed_at = 0
    for _ in range(int(MAX_WAIT_S / POLL_S)):
        sent = Send.objects.filter(step__journey=journey, status=Send.Status.SENT).count()
        if sent >= KILL_AT * consenting or first.poll() is not None:
            break
        time.sleep(POLL_S)
    if first.poll() is None:
        os.kill(first.pid, signal.SIGKILL)
        first.wait()
        killed_at = Send.objects.filter(step__journey=journey, status=Send.Status.SENT).count()
    second = _worker(t0, mail_dir)
    second.wait(timeout=MAX_WAIT_S)
    elapsed = time.perf_counter() - started
    sends = Send.objects.filter(step__journey=journey)
    per_key = Counter(sends.values_list("key", flat=True))
    ids, recipients = _mail_counts(mail_dir)
    sent_rows = sends.filter(status=Send.Status.SENT).count()
    twice = sum(1 for n in recipients.values() if n > 1)
    report.add(
        "journeys",
        f"send {subset:,} greetings, worker killed (SIGKILL) after {killed_at:,} and restarted",
        f"{sum(ids.values()):,} emails to {len(recipients):,} addresses in {elapsed:.1f} s; "
        f"{sent_rows:,} sent, {sends.filter(status=Send.Status.SKIPPED).count():,} without consent",
        reference=f"Send rows per key: max {max(per_key.values(), default=0)}",
        ratio=f"{twice} addresses with 2+ emails, {sum(1 for n in ids.values() if n > 1)} Message-IDs twice",
        target="0 duplicates",
    )


def run(report: Report, work: Path) -> None:
    n = scale(1_000_000)
    how = _prepare(n)
    report.add("journeys", "data", f"{n:,} customers ({how})")
    _enrolment(report)
    _sending(report, work)
