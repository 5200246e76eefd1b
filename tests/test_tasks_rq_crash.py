"""Tasks on RQ survive a worker's `kill -9`: nothing lost, nothing sent twice.

A real install (`pelatis` subprocesses, PELATIS_TASKS_BACKEND=rq on a throw-away Redis) queues 20 replies.
The mail server holds the first one in the middle of its DATA, so the worker is certainly inside a task
when it is killed with SIGKILL. A new worker takes the dead worker's job back from RQ's started registry
and the email it had claimed, and every reply reaches the mail server exactly once, under the Message-ID it
was queued with.
"""

from __future__ import annotations

import asyncio
import threading
from collections import Counter
from pathlib import Path
from typing import Any

from pelatis.channels.tests.instance import Mailbox, instance, smtp_server, stop, wait_until

REPLIES = 20
STALL_BOUND = 120.0  # seconds the held message may wait for the test to kill its sender
SEED = """
import json
from django.contrib.auth import get_user_model
from pelatis.accounts.services import user_set_role
from pelatis.customers.inputs import CustomerInput
from pelatis.customers.services import customer_create
from pelatis.helpdesk.services.tickets import InboundMail, reply_send, ticket_open
agent = get_user_model().objects.create_user(username="agent", password="s3cret-pass-x")
user_set_role(user=agent, role="agent")
customer = customer_create(data=CustomerInput(first_name="Νίκος", last_name="Αλεξίου", emails=["nikos@example.com"]))
ticket, _m = ticket_open(customer=customer, subject="Παραγγελία", mail=InboundMail(body_text="Πού είναι;"))
ids = [reply_send(ticket=ticket, body_text=f"Απάντηση {i}", by=agent).message_id for i in range(REPLIES)]
print(json.dumps(ids))
""".replace("REPLIES", str(REPLIES))

STATE = """
import json
from django_rq.queues import get_queue
from rq.registry import FinishedJobRegistry
from pelatis.core.taskqueue import queue_stats
from pelatis.helpdesk.models import Message
stats = queue_stats()
print(json.dumps({
    "delivery": dict(Message.objects.filter(direction="out").values_list("message_id", "delivery")),
    "backend": stats.backend, "ok": stats.ok, "queued": stats.queued, "running": stats.running,
    "failed": stats.failed,
    "finished": FinishedJobRegistry(queue=get_queue("default")).get_job_count(cleanup=False),
}))
"""


class HoldFirst:
    """Holds the first message in DATA until released, then refuses it (451: never delivered); takes every
    later one."""

    def __init__(self, mailbox: Mailbox) -> None:
        self.mailbox = mailbox
        self.held = threading.Event()
        self.released = threading.Event()
        self.lock = threading.Lock()
        self.first = True

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802 — aiosmtpd's name
        with self.lock:
            hold, self.first = self.first, False
        if hold:
            self.held.set()
            for _ in range(int(STALL_BOUND / 0.1)):  # bounded
                if self.released.is_set():
                    break
                await asyncio.sleep(0.1)
            return "451 Try again later"
        self.mailbox.add(envelope.original_content or envelope.content)
        return "250 OK"


def test_a_worker_killed_inside_an_rq_task_loses_nothing_and_sends_nothing_twice(
    tmp_path: Path, redis_url: str
) -> None:
    # given: an install with its tasks on RQ, 20 replies queued in Redis
    mailbox = Mailbox()
    handler = HoldFirst(mailbox)
    with smtp_server(handler) as port, instance(tmp_path, email_port=port) as inst:
        inst.env["PELATIS_TASKS_BACKEND"] = "rq"
        inst.env["PELATIS_REDIS_URL"] = redis_url
        queued = inst.shell(SEED)
        assert len(set(queued)) == REPLIES
        before = inst.shell(STATE)
        # when: the worker is killed while the mail server holds its first send, then a new one starts
        first = inst.start("worker", "--interval", "0.5")
        assert wait_until(handler.held.is_set, seconds=120), inst.log()
        first.kill()
        first.wait(timeout=30)
        handler.released.set()
        second = inst.start("worker", "--interval", "0.5")
        delivered_all = wait_until(lambda: set(mailbox.message_ids()) >= set(queued), seconds=180, step=0.2)
        done = wait_until(
            lambda: set(inst.shell(STATE)["delivery"].values()) == {"sent"}, seconds=120, step=1
        )
        stop(second)
        state = inst.shell(STATE)
        logs = "\n".join(p.read_text(encoding="utf-8") for p in sorted(tmp_path.glob("worker-*.log")))
    # then: counted at the mail server by Message-ID
    raw = mailbox.message_ids()
    per_id = Counter(raw)
    print(
        f"\nRQ fault test: replies queued {REPLIES} (queue before: {before['queued']}), worker kills 1, "
        f"delivered (distinct Message-IDs) {len(set(raw) & set(queued))}, raw deliveries {len(raw)}, "
        f"jobs finished {state['finished']}, failed {state['failed']}, left queued {state['queued']}"
    )
    assert (before["backend"], before["ok"], before["queued"]) == ("rq", True, REPLIES)  # the queue was Redis
    assert delivered_all, logs[-4000:]
    assert done, logs[-4000:]
    assert set(raw) == set(queued)  # every reply, none under a second Message-ID
    assert max(per_id.values()) == 1  # and each once: the held one was refused, never delivered twice
    assert set(state["delivery"].values()) == {"sent"}
    # the dead worker's job was taken back from RQ's started registry and run to its end
    assert "recovered: 1 tasks queued again" in logs, logs[-4000:]
    assert (state["queued"], state["running"], state["failed"]) == (0, 0, 0)
    assert state["finished"] >= REPLIES
