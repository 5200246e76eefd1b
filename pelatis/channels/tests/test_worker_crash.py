"""Exactly once across a crash: `kill -9` of the worker in the middle of sending 60 replies loses none
and delivers none under a second Message-ID; task rows the dead worker left running are taken back.

Counting is by Message-ID, as receiving servers (and Pelatis' own ingestion) de-duplicate: a reply the
server had accepted when the worker died, but which the worker never recorded as sent, is sent again
with the same Message-ID. The test counts those raw repeats and shows them in its figures.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from .instance import Mailbox, SlowHandler, instance, smtp_server, stop, wait_until

REPLIES = 60
KILL_AT = (12, 30)  # raw deliveries seen by the server when the worker is killed
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
from django_tasks_db.models import DBTaskResult
from pelatis.helpdesk.models import Message
print(json.dumps({
    "delivery": dict(Message.objects.filter(direction="out").values_list("message_id", "delivery")),
    "attempts": sum(Message.objects.filter(direction="out").values_list("attempts", flat=True)),
    "tasks": sorted(DBTaskResult.objects.values_list("status", flat=True)),
}))
"""


def test_a_worker_killed_mid_batch_loses_no_reply_and_sends_none_under_a_new_message_id(
    tmp_path: Path,
) -> None:
    # given: 60 replies queued (each with the Message-ID it keeps), and a mail server that answers slowly
    mailbox = Mailbox()
    with smtp_server(SlowHandler(mailbox, delay=0.15)) as port, instance(tmp_path, email_port=port) as inst:
        queued = inst.shell(SEED)
        assert len(set(queued)) == REPLIES
        # when: the worker is killed with SIGKILL twice in the middle of the batch, and started again
        kills = 0
        worker = inst.start("worker", "--interval", "0.5")
        for at in KILL_AT:

            def arrived(at: int = at) -> bool:
                return len(mailbox.message_ids()) >= at

            assert wait_until(arrived, seconds=180), inst.log()
            worker.kill()
            worker.wait(timeout=30)
            kills += 1
            worker = inst.start("worker", "--interval", "0.5")
        delivered_all = wait_until(lambda: set(mailbox.message_ids()) >= set(queued), seconds=300, step=0.2)
        done = wait_until(
            lambda: set(inst.shell(STATE)["delivery"].values()) == {"sent"}, seconds=120, step=1
        )
        stop(worker)
        state = inst.shell(STATE)
    # then: counted at the SMTP server by Message-ID
    raw = mailbox.message_ids()
    per_id = Counter(raw)
    distinct_delivered = len(set(raw) & set(queued))
    repeated = sum(n - 1 for n in per_id.values() if n > 1)
    print(
        f"\nfault test: messages queued {REPLIES}, worker kills {kills}, delivered (distinct Message-IDs) "
        f"{distinct_delivered}, deliveries under a new Message-ID {len(set(raw) - set(queued))}, "
        f"raw deliveries repeating a Message-ID {repeated}, send attempts {state['attempts']}, "
        f"task rows {dict(Counter(state['tasks']))}"
    )
    assert delivered_all, inst.log()
    assert done, inst.log()
    assert distinct_delivered == REPLIES  # every reply delivered
    assert set(raw) <= set(queued)  # none under a second Message-ID: a receiver sees each reply once
    assert repeated <= kills  # at most the one in flight at each kill went twice, with its own Message-ID
    assert set(state["delivery"].values()) == {"sent"}
    # the task rows the dead workers left running were taken back and run to the end
    assert set(state["tasks"]) == {"SUCCESSFUL"}, json.dumps(state["tasks"])
