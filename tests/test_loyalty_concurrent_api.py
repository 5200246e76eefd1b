"""Fifty redemptions at once through the REST API of a real server: the balance covers ten, never more.

`pelatis serve` (gunicorn: several processes, several threads each) answers fifty POST
/api/v1/loyalty/{id}/redeem sent together from fifty threads, each on its own HTTP connection. The balance
covers ten of them: exactly ten get 200, the forty others 409 with a message naming the balance, the ledger
sums to the cached balance and that balance is what the ten left.

It runs on the suite's database: on SQLite, a database file of the server's own (WAL, IMMEDIATE
transactions: the writers queue); on PostgreSQL, the test database (the account row lock serialises them).
Set-up and checks run in processes of their own on the server's database, as the server sees it.
"""

from __future__ import annotations

import http.client
import json
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import connection

from tests.served import Server, clean_env, django_run, migrated_data_dir, serve

REQUESTS = 50
POINTS = 10  # each redemption
COVERED = 10  # redemptions the balance covers
REMAINDER = 7  # what stays after them
REASON = "Δωρεάν καφές στο ταμείο"

SET_UP = """
import json
from pelatis.accounts.services import token_create, user_set_role
from django.contrib.auth import get_user_model
from pelatis.customers.inputs import CustomerInput
from pelatis.customers.services import customer_create
from pelatis.loyalty.services.ledger import points_adjust
agent = get_user_model().objects.create_user(username="tamias", password="s3cret-pass")
user_set_role(user=agent, role="agent")
customer = customer_create(data=CustomerInput(first_name="Ελένη", last_name="Κωνσταντίνου"))
points_adjust(customer=customer, points={points}, reason="Αρχικοί πόντοι", by=None)
print(json.dumps({{"customer": customer.pk, "token": token_create(user=agent, scope="admin").secret}}))
"""

CHECK = """
import json
from django.db.models import Sum
from pelatis.loyalty.models import LedgerEntry, LoyaltyAccount
account = LoyaltyAccount.objects.get(customer_id={customer})
redeemed = LedgerEntry.objects.filter(account=account, kind="redeem")
print(json.dumps({{
    "balance": account.balance,
    "ledger": account.entries.aggregate(total=Sum("points"))["total"],
    "redeemed": redeemed.count(),
    "reasons": sorted(set(redeemed.values_list("reason", flat=True))),
}}))
"""


def _database_url() -> str:
    """The test database's URL (PostgreSQL), for the server and the helper processes."""
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    host = db.get("HOST") or "127.0.0.1"
    port = f":{db['PORT']}" if db.get("PORT") else ""
    return f"postgres://{db['USER']}{password}@{host}{port}/{db['NAME']}"


@pytest.fixture
def server_env(transactional_db: None, tmp_path: Path) -> Iterator[dict[str, str]]:
    """The environment of a server on this run's database kind, with its database migrated (on PostgreSQL
    the test database: the rows the processes commit are flushed after the test)."""
    if connection.vendor == "postgresql":
        yield {"PELATIS_DATABASE_URL": _database_url()}
    else:
        migrated_data_dir(tmp_path / "data")
        yield {}


def _redeem_together(server: Server, customer_id: int, token: str) -> list[tuple[int, dict[str, Any]]]:
    """REQUESTS threads each POST one redemption once all are ready; (status, body) of each answer."""
    start = threading.Barrier(REQUESTS, timeout=60)
    answers: list[tuple[int, dict[str, Any]]] = []
    guard = threading.Lock()
    body = json.dumps({"points": POINTS, "reason": REASON}).encode()

    def redeem() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=120)
        try:
            conn.connect()
            start.wait()
            conn.request(
                "POST",
                f"/api/v1/loyalty/{customer_id}/redeem",
                body=body,
                headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
            )
            raw = conn.getresponse()
            text = raw.read().decode()
            try:
                answer = (raw.status, json.loads(text))
            except ValueError:
                answer = (raw.status, {"text": text[-500:]})
        except Exception as exc:  # a refused or dropped connection is an answer the test must show
            answer = (0, {"error": repr(exc)})
        finally:
            conn.close()
        with guard:
            answers.append(answer)

    threads = [threading.Thread(target=redeem) for _ in range(REQUESTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=180)
    assert not any(thread.is_alive() for thread in threads), "a request hung"
    return answers


def test_fifty_redemptions_at_once_get_exactly_what_the_balance_covers(
    server_env: dict[str, str], tmp_path: Path
) -> None:
    data_dir = tmp_path / "data"
    data_dir.mkdir(exist_ok=True)
    env = clean_env(data_dir, DJANGO_SETTINGS_MODULE="pelatis.settings", **server_env)
    made = json.loads(django_run(SET_UP.format(points=COVERED * POINTS + REMAINDER), env).splitlines()[-1])

    server = serve(data_dir, workers=3, **server_env)
    try:
        answers = _redeem_together(server, made["customer"], made["token"])
    finally:
        server.stop()

    statuses = sorted(status for status, _ in answers)
    assert statuses == [200] * COVERED + [409] * (REQUESTS - COVERED), answers
    balances = sorted(answer["balance"] for status, answer in answers if status == 200)
    # the balance an answer names is read after its commit, so a later redemption may already show in it
    assert balances[0] == REMAINDER
    assert all(REMAINDER <= b <= REMAINDER + POINTS * (COVERED - 1) for b in balances), balances
    for status, answer in answers:
        if status == 409:
            (error,) = answer["detail"]
            assert error["type"] == "insufficient_points"
            assert error["loc"] == ["body", "points"]
            assert error["msg"].startswith("Not enough points: the balance is ")
            assert f"{POINTS} were asked for" in error["msg"]

    after = json.loads(django_run(CHECK.format(customer=made["customer"]), env).splitlines()[-1])
    assert after == {"balance": REMAINDER, "ledger": REMAINDER, "redeemed": COVERED, "reasons": [REASON]}
