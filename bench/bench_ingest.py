"""Email ingestion: a generated mix of messages (plain, HTML, attachments,
replies before and after their originals, Greek in windows-1253/ISO-8859-7,
raw 8-bit) through mail_ingest on the embedded set-up: messages per second,
every reply threaded, every attachment kept or visibly rejected. Reference in
the same run: parsing alone (no database), and Python's bare email parser."""

from __future__ import annotations

import email
import time
from collections import defaultdict
from email import policy
from pathlib import Path

from django.core.management import call_command
from django.test.utils import override_settings

from pelatis.channels.parse import parse_message
from pelatis.channels.services import mail_ingest
from pelatis.helpdesk.models import Attachment, Message

from .common import Report, scale
from .mailgen import generate


def run(report: Report, work: Path) -> None:
    call_command("migrate", verbosity=0)
    n = scale(500)
    corpus = generate(n)
    t = time.perf_counter()
    for raw in corpus.messages:
        email.message_from_bytes(raw, policy=policy.default)
    bare = time.perf_counter() - t
    t = time.perf_counter()
    for raw in corpus.messages:
        parse_message(raw)
    parse_only = time.perf_counter() - t
    # As on the embedded set-up: acknowledgements are queued for the worker (database task backend).
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
        t = time.perf_counter()
        results = [mail_ingest(raw) for raw in corpus.messages]
        elapsed = time.perf_counter() - t
    outcomes: dict[str, int] = defaultdict(int)
    for r in results:
        outcomes[r.outcome] += 1
    # Threading check: all messages of one generated thread ended in one ticket.
    tickets_of: dict[int, set[int]] = defaultdict(set)
    for r, thread in zip(results, corpus.threads, strict=True):
        if r.ticket_id:
            tickets_of[thread].add(r.ticket_id)
    split = sum(1 for ids in tickets_of.values() if len(ids) > 1)
    stored = Message.objects.filter(direction="in").count()
    kept = Attachment.objects.filter(rejected="").count()
    rejected = Attachment.objects.exclude(rejected="").count()
    rate = n / elapsed
    report.add(
        "ingest",
        f"{n} generated messages → tickets",
        f"{rate:,.0f} msg/s ({elapsed:.2f} s)",
        reference=f"parse only {n / parse_only:,.0f} msg/s; stdlib parser {n / bare:,.0f} msg/s",
        ratio=f"{elapsed / bare:.1f}× stdlib parse",
        target="≥ 300 msg/s",
    )
    report.add(
        "ingest",
        "outcomes",
        ", ".join(f"{k} {v}" for k, v in sorted(outcomes.items())) + f"; {stored} stored",
        reference=f"{len(tickets_of)} threads, {split} split across tickets",
        target="every reply threaded (0 split)",
    )
    report.add("ingest", "attachments", f"{kept} kept, {rejected} visibly rejected")
