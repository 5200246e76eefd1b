"""What the load did, read back from PostgreSQL and the SMTP sink: every ticket created once, every reply
sent once (one SMTP delivery per Message-ID), nothing left waiting."""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass

import psycopg


@dataclass
class Delivery:
    replies: int  # replies answered 201
    sent: int  # of them, marked sent in the database
    delivered_once: int  # their Message-ID reached the SMTP server exactly once
    delivered_twice: int  # more than once (a duplicate)
    missing: int  # not (yet) sent
    mail: int  # every email the SMTP server received (replies, surveys the worker sent, ...)
    mail_duplicates: int  # Message-IDs it received more than once, of any email

    @property
    def exactly_once(self) -> bool:
        return self.delivered_once == self.replies and not (
            self.delivered_twice or self.missing or self.mail_duplicates
        )


def replies_state(url: str, reply_ids: list[int]) -> dict[int, tuple[str, str]]:
    """Message id -> (delivery, Message-ID) for ``reply_ids``."""
    with psycopg.connect(url, autocommit=True) as conn:
        rows = conn.execute(
            "SELECT id, delivery, coalesce(message_id, '') FROM helpdesk_message WHERE id = ANY(%s)",
            (reply_ids,),
        ).fetchall()
    return {int(pk): (str(delivery), str(mid)) for pk, delivery, mid in rows}


def wait_sent(url: str, reply_ids: list[int], *, seconds: float) -> float:
    """Wait (at most ``seconds``) until every reply is marked sent; how long it took."""
    started = time.monotonic()
    while time.monotonic() - started < seconds:
        state = replies_state(url, reply_ids)
        if all(state.get(pk, ("", ""))[0] == "sent" for pk in reply_ids):
            break
        time.sleep(0.5)
    return time.monotonic() - started


def delivery(url: str, reply_ids: list[int], smtp: Counter[str]) -> Delivery:
    state = replies_state(url, reply_ids)
    sent = [mid for delivery_state, mid in state.values() if delivery_state == "sent"]
    return Delivery(
        replies=len(reply_ids),
        sent=len(sent),
        delivered_once=sum(1 for mid in sent if smtp.get(mid.strip(), 0) == 1),
        delivered_twice=sum(1 for mid in sent if smtp.get(mid.strip(), 0) > 1),
        missing=len(reply_ids) - len(sent),
        mail=sum(smtp.values()),
        mail_duplicates=sum(1 for n in smtp.values() if n > 1),
    )


@dataclass
class Creation:
    answered: int  # ticket creates answered 201
    stored_once: int  # of them, stored exactly once (by their unique subject)
    duplicates: int  # subjects stored more than once (any request of the run)
    unanswered_stored: int  # requests that got no 201 (a killed worker) but whose ticket exists (once)


def creation(url: str, created: dict[str, int], tag: str) -> Creation:
    with psycopg.connect(url, autocommit=True) as conn:
        rows = conn.execute(
            "SELECT subject, count(*) FROM helpdesk_ticket WHERE subject LIKE %s GROUP BY subject",
            (f"{tag} %",),
        ).fetchall()
    stored = {str(subject): int(n) for subject, n in rows}
    return Creation(
        answered=len(created),
        stored_once=sum(1 for subject in created if stored.get(subject) == 1),
        duplicates=sum(1 for n in stored.values() if n > 1),
        unanswered_stored=sum(1 for subject in stored if subject not in created),
    )
