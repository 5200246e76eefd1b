"""A customer files a request from the portal: the page answers the same for a customer's address and any
other (only the customer's gets an email), the emailed link files the request once, an altered link is
refused, and a loop of posts meets the rate limit."""

from __future__ import annotations

import base64
import re
import zlib
from typing import Any

import pytest
from django.core import mail, signing

from pelatis.customers.models import Customer
from pelatis.privacy.dsr.portal import SALT, link_send, link_target
from pelatis.privacy.models import DataRequest

PAGE = "/privacy/request/"


def _link(message: Any) -> str:
    found = re.search(r"https?://\S+(/privacy/request/[^/\s]+/)", message.body)
    assert found, message.body
    return found.group(1)


def test_the_page_answers_the_same_for_a_customer_and_a_stranger(client: Any, papadopoulos: Customer) -> None:
    assert client.get(PAGE).status_code == 200
    known = client.post(PAGE, {"email": "G.Papadopoulos@example.gr", "kind": "access"})
    stranger = client.post(PAGE, {"email": "nobody@example.gr", "kind": "access"})
    assert known.status_code == stranger.status_code == 200
    assert known.content == stranger.content
    assert b"If this address is known to us" in known.content
    assert [m.to for m in mail.outbox] == [["g.papadopoulos@example.gr"]]  # the stranger got nothing
    assert not DataRequest.objects.exists()  # nothing is filed before the link is confirmed


def test_the_link_email_greets_the_customer_and_the_link_files_once(
    client: Any, papadopoulos: Customer
) -> None:
    client.post(PAGE, {"email": "g.papadopoulos@example.gr", "kind": "erasure"})
    (message,) = mail.outbox
    assert message.body.startswith(
        "Αγαπητέ κύριε Παπαδόπουλε,"
    )  # the customer's language and form of address
    link = _link(message)
    assert "example.gr" not in link
    assert "papadopoulos" not in link.lower()

    page = client.get(link)
    assert page.status_code == 200
    assert b"data-dsr-portal-confirm" in page.content
    assert not DataRequest.objects.exists()  # a GET only shows

    filed = client.post(link, {"details": "Διαγράψτε τα πάντα, ευχαριστώ."})
    request = DataRequest.objects.get()
    assert f'data-dsr-portal-filed="{request.pk}"'.encode() in filed.content
    assert (request.customer_id, request.kind, request.channel, request.status) == (
        papadopoulos.pk,
        "erasure",
        "portal",
        "received",
    )
    assert (request.requester_email, request.details) == (
        "g.papadopoulos@example.gr",
        "Διαγράψτε τα πάντα, ευχαριστώ.",
    )

    again = client.post(link, {"details": "δεύτερη φορά"})
    assert again.status_code == 200
    assert DataRequest.objects.count() == 1


def test_the_link_carries_no_address(client: Any, papadopoulos: Customer) -> None:
    client.post(PAGE, {"email": "g.papadopoulos@example.gr", "kind": "access"})
    token = _link(mail.outbox[0]).rstrip("/").rsplit("/", 1)[1]
    payload = token.split(":")[0].lstrip(".")
    raw = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
    text = (zlib.decompress(raw) if token.startswith(".") else raw).decode()
    assert "@" not in text
    assert set(signing.loads(token, salt=SALT)) == {"p", "k", "n"}


@pytest.mark.parametrize("change", ["signature", "payload", "made up"])
def test_an_altered_link_is_refused_and_files_nothing(
    client: Any, papadopoulos: Customer, change: str
) -> None:
    client.post(PAGE, {"email": "g.papadopoulos@example.gr", "kind": "access"})
    link = _link(mail.outbox[0])
    token = link.rstrip("/").rsplit("/", 1)[1]
    if change == "signature":
        bad = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    elif change == "payload":
        bad = "x" + token
    else:
        bad = signing.dumps({"p": 1, "k": "access", "n": "x"}, salt="another.salt")
    for method in (client.get, client.post):
        response = method(f"/privacy/request/{bad}/")
        assert response.status_code == 404
        assert b'data-link="invalid"' in response.content
    assert not DataRequest.objects.exists()


def test_a_wrong_address_is_named_and_sends_nothing(client: Any, papadopoulos: Customer) -> None:
    response = client.post(PAGE, {"email": "όχι-διεύθυνση", "kind": "access"})
    assert response.status_code == 422
    assert b'data-error-for="email"' in response.content
    assert not mail.outbox


def test_a_loop_of_posts_meets_the_rate_limit(client: Any, papadopoulos: Customer) -> None:
    codes = [
        client.post(PAGE, {"email": f"someone{i}@example.gr", "kind": "access"}).status_code for i in range(6)
    ]
    assert codes == [200] * 5 + [429]
    refused = client.post(PAGE, {"email": "g.papadopoulos@example.gr", "kind": "access"})
    assert refused.status_code == 429
    assert not mail.outbox


def test_one_address_gets_at_most_three_links_a_day(client: Any, papadopoulos: Customer) -> None:
    addresses = ["10.0.0.1", "10.0.0.2", "10.0.0.3", "10.0.0.4"]
    codes = [
        client.post(PAGE, {"email": "g.papadopoulos@example.gr", "kind": "access"}, REMOTE_ADDR=a).status_code
        for a in addresses
    ]
    assert codes == [200, 200, 200, 429]
    assert len(mail.outbox) == 3


def test_a_queued_link_email_goes_once_per_task_even_if_the_task_runs_again(papadopoulos: Customer) -> None:
    point = link_target("G.Papadopoulos@example.gr")
    assert point is not None
    assert link_target("nobody@example.gr") is None
    assert link_send(contact_point_id=point.pk, kind="access", nonce="task-1") is True
    assert link_send(contact_point_id=point.pk, kind="access", nonce="task-1") is False  # a retry
    assert len(mail.outbox) == 1


def test_a_good_link_opens_even_for_a_client_the_bad_link_wall_blocks(
    client: Any, papadopoulos: Customer, settings: Any
) -> None:
    settings.PELATIS_BAD_LINK_LIMIT = 2
    client.post(PAGE, {"email": "g.papadopoulos@example.gr", "kind": "access"})
    link = _link(mail.outbox[0])
    for _ in range(3):
        client.get("/privacy/request/made-up-token/")
    assert client.get("/privacy/request/made-up-token/").status_code == 429
    assert client.get(link).status_code == 200
