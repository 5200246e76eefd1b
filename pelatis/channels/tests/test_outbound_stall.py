"""A mail server that stalls never stalls the database: while the worker waits on SMTP, API writes go
through (SQLite file with WAL, or PostgreSQL), and the send gives up after EMAIL_TIMEOUT and is
retried later with the same Message-ID."""

from __future__ import annotations

import json
from pathlib import Path

from .instance import Mailbox, SlowHandler, instance, smtp_server, stop, wait_until

WRITES = 20
SEED = """
import json
from pelatis.accounts.services import token_create, user_set_role
from pelatis.customers.inputs import CustomerInput
from pelatis.customers.services import customer_create
from pelatis.helpdesk.services.tickets import InboundMail, reply_send, ticket_open
from django.contrib.auth import get_user_model
agent = get_user_model().objects.create_user(username="agent", password="s3cret-pass-x")
user_set_role(user=agent, role="agent")
customer = customer_create(data=CustomerInput(first_name="Μαρία", last_name="Οικονόμου",
                                              emails=["maria@example.com"]))
ticket, _m = ticket_open(customer=customer, subject="Κράτηση", mail=InboundMail(body_text="Έχετε δωμάτιο;"))
reply = reply_send(ticket=ticket, body_text="Ναι, έχουμε.", by=agent)
print(json.dumps({"ticket": ticket.pk, "message": reply.pk, "message_id": reply.message_id,
                  "token": token_create(user=agent, scope="admin").secret}))
"""

WRITER = """
import json, pathlib, time
from django.test import Client
from pelatis.helpdesk.models import Message
go = pathlib.Path(%(go)r)
for _ in range(1200):
    if go.exists():
        break
    time.sleep(0.05)
client = Client(raise_request_exception=False)
ok, errors = 0, []
for i in range(%(writes)d):
    try:
        r = client.post("/api/v1/tickets/%(ticket)d/messages", json.dumps({"kind": "note", "body": f"Σημείωση {i}"}),
                        content_type="application/json", headers={"Authorization": "Bearer %(token)s"})
        ok += r.status_code == 201
        if r.status_code != 201:
            errors.append(f"{r.status_code} {r.content[:200]!r}")
    except Exception as exc:
        errors.append(repr(exc))
state = Message.objects.filter(pk=%(message)d).values_list("delivery", flat=True).get()
print(json.dumps({"attempted": %(writes)d, "succeeded": ok, "errors": errors, "delivery_meanwhile": state}))
"""

RESULT = """
import json
from pelatis.helpdesk.models import Message
m = Message.objects.get(pk=%(message)d)
print(json.dumps({"delivery": m.delivery, "error": m.delivery_error, "attempts": m.attempts,
                  "retry": m.next_attempt_at is not None, "message_id": m.message_id,
                  "notes": Message.objects.filter(ticket_id=m.ticket_id, direction="note").count()}))
"""


def test_api_writes_succeed_while_the_smtp_server_stalls_a_send(tmp_path: Path) -> None:
    # given: an install whose mail server accepts the connection, then stalls on the message
    mailbox = Mailbox()
    handler = SlowHandler(mailbox, stall=60)
    with smtp_server(handler) as port, instance(tmp_path, email_port=port, email_timeout=8) as inst:
        seeded = inst.shell(SEED)
        go = tmp_path / "go"
        writer = inst.start_shell(
            WRITER
            % {
                "go": str(go),
                "writes": WRITES,
                "ticket": seeded["ticket"],
                "token": seeded["token"],
                "message": seeded["message"],
            }
        )
        # when: the worker sends the queued reply and the server stalls, the writes start
        worker = inst.start("worker", "--interval", "0.5")
        assert wait_until(handler.stalled.is_set, seconds=120), inst.log()
        go.touch()
        out, err = writer.communicate(timeout=300)
        writes = json.loads(out.strip().splitlines()[-1]) if out.strip() else {"stderr": err[-3000:]}
        # then: the send gives up after EMAIL_TIMEOUT; it is failed with a next try, same Message-ID
        assert wait_until(lambda: inst.shell(RESULT % seeded)["delivery"] == "failed", seconds=120, step=1), (
            inst.log()
        )
        stop(worker)
        result = inst.shell(RESULT % seeded)
    print(
        f"\nstalled SMTP: writes attempted {writes.get('attempted')}, succeeded {writes.get('succeeded')}; "
        f"the reply meanwhile {writes.get('delivery_meanwhile')}, then {result['delivery']} "
        f"({result['error']}), retry planned: {result['retry']}"
    )
    assert writes["succeeded"] == WRITES, writes
    assert writes["delivery_meanwhile"] == "sending"  # the writes really happened during the stalled send
    assert result["notes"] == WRITES
    assert (result["delivery"], result["attempts"], result["retry"]) == ("failed", 1, True)
    assert result["message_id"] == seeded["message_id"]  # kept for the retry
    assert mailbox.message_ids() == []  # nothing was delivered
