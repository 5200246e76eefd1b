"""IMAP transport: fetch unseen messages' bytes and hand them to mail_ingest, then mark them seen.

Only bytes travel through here; parsing and threading live in parse.py and services.py.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator

from django.utils import timezone
from imap_tools import AND, MailBox, MailBoxUnencrypted

from .models import Mailbox
from .services import mail_ingest

log = logging.getLogger(__name__)
BATCH = 200  # messages per poll and mailbox: a huge backlog drains over several polls


def mailbox_poll(box: Mailbox) -> dict[str, int]:
    """Ingest up to BATCH unseen messages of one mailbox; each is flagged seen only after it is stored."""
    password = os.environ.get(box.password_env, "")
    if not password:
        raise RuntimeError(
            f"environment variable {box.password_env} (password of mailbox {box.name}) is not set"
        )
    counts: dict[str, int] = {}
    client_cls = MailBox if box.use_ssl else MailBoxUnencrypted
    with client_cls(box.host, port=box.port, timeout=30).login(
        box.username, password, initial_folder=box.folder
    ) as client:
        for uid in client.uids(AND(seen=False))[:BATCH]:
            # BODY.PEEK[] gives the message byte for byte (re-serialising a
            # parsed message can change 8-bit bodies) and leaves it unseen.
            _typ, data = client.client.uid("FETCH", uid, "(BODY.PEEK[])")
            raw = next((part[1] for part in data if isinstance(part, tuple)), b"")
            result = mail_ingest(raw, team_id=box.team_id)
            counts[result.outcome] = counts.get(result.outcome, 0) + 1
            client.flag(uid, "\\Seen", True)
    return counts


def mailboxes_poll(*, name: str | None = None) -> Iterator[str]:
    """Poll every active mailbox (or the one named); yields a line per mailbox."""
    boxes = Mailbox.objects.filter(active=True)
    if name:
        boxes = boxes.filter(name=name)
    for box in boxes:
        try:
            counts = mailbox_poll(box)
        except Exception as exc:  # one broken mailbox must not stop the others
            log.warning("mailbox %s: %s", box.name, exc)
            Mailbox.objects.filter(pk=box.pk).update(last_error=str(exc)[:300], last_polled_at=timezone.now())
            yield f"{box.name}: error: {exc}"
            continue
        Mailbox.objects.filter(pk=box.pk).update(last_error="", last_polled_at=timezone.now())
        yield f"{box.name}: " + (", ".join(f"{k} {v}" for k, v in sorted(counts.items())) or "nothing new")
