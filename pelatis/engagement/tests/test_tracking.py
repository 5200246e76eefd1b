"""Public tracking links: signed, no login; an altered click link gets 400 and never redirects; the open
pixel always answers with the GIF; a client over the rate limit is redirected without being counted."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from ..models import Send
from ..services.tracking import click_token, open_token
from ..views import public
from .test_send import customer

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_counters() -> None:
    cache.clear()  # rate-limit and bad-link counters live in the cache


def sent() -> Send:
    return Send.objects.create(
        key=f"track:{Send.objects.count()}",
        customer=customer(),
        channel="email",
        status="sent",
        sent_at=timezone.now(),
    )


def test_click_records_and_redirects_to_the_signed_target(client: Client) -> None:
    send = sent()
    token = click_token(send.pk, "https://shop.example.gr/a?b=1")

    response = client.get(reverse("engagement:click", args=[token]))

    assert response.status_code == 302
    assert response["Location"] == "https://shop.example.gr/a?b=1"
    send.refresh_from_db()
    assert send.clicks == 1
    assert send.clicked_at is not None
    assert send.opened_at is not None


def test_an_altered_link_gets_400_and_no_redirect(client: Client) -> None:
    send = sent()
    token = click_token(send.pk, "https://shop.example.gr/")
    forged = token.replace(token[5], "A" if token[5] != "A" else "B", 1)

    response = client.get(reverse("engagement:click", args=[forged]))
    made_up = client.get(
        reverse("engagement:click", args=["eyJzIjoxLCJ1IjoiaHR0cHM6Ly9ldmlsLmV4YW1wbGUvIn0"])
    )

    assert response.status_code == 400
    assert made_up.status_code == 400
    assert "Location" not in response
    send.refresh_from_db()
    assert send.clicks == 0


def test_a_broken_click_link_shows_the_sites_page_in_greek(client: Client) -> None:
    send = sent()
    token = click_token(send.pk, "https://shop.example.gr/")

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "el"

    response = client.get(reverse("engagement:click", args=[token[:-6]]))

    assert response.status_code == 400
    assert "Location" not in response
    assert response["Content-Type"].startswith("text/html")
    page = response.content.decode()
    assert "Ο σύνδεσμος δεν λειτουργεί" in page
    assert "not valid" not in page
    assert response["X-Robots-Tag"] == "noindex"


def test_only_web_addresses_are_signed() -> None:
    with pytest.raises(ValueError, match="http"):
        click_token(1, "javascript:alert(1)")
    with pytest.raises(ValueError, match="http"):
        click_token(1, "//evil.example/")


def test_open_pixel_marks_opened_once_and_a_bad_token_still_gets_the_gif(client: Client) -> None:
    send = sent()

    first = client.get(reverse("engagement:open", args=[open_token(send.pk)]))
    send.refresh_from_db()
    opened_at = send.opened_at
    client.get(reverse("engagement:open", args=[open_token(send.pk)]))
    bad = client.get(reverse("engagement:open", args=["nonsense"]))

    assert first.status_code == bad.status_code == 200
    assert first["Content-Type"] == bad["Content-Type"] == "image/gif"
    assert first.content == public.PIXEL
    send.refresh_from_db()
    assert opened_at is not None
    assert send.opened_at == opened_at


def test_over_the_rate_limit_the_click_still_redirects_but_is_not_counted(
    client: Client, monkeypatch: Any
) -> None:
    monkeypatch.setattr(public, "RATE_LIMIT", 2)
    send = sent()
    url = reverse("engagement:click", args=[click_token(send.pk, "https://shop.example.gr/")])

    responses = [client.get(url) for _ in range(4)]

    assert [r.status_code for r in responses] == [302] * 4
    send.refresh_from_db()
    assert send.clicks == 2


def test_a_client_guessing_links_meets_the_wall(client: Client, settings: Any) -> None:
    settings.PELATIS_BAD_LINK_LIMIT = 3
    send = sent()
    good = reverse("engagement:click", args=[click_token(send.pk, "https://shop.example.gr/")])

    guesses = [client.get(reverse("engagement:click", args=[f"guess{n}"])).status_code for n in range(3)]
    blocked = client.get(reverse("engagement:click", args=["guess-again"]))
    working = client.get(good)

    assert guesses == [400, 400, 400]
    assert blocked.status_code == 429
    # a link we signed still opens from that address: a shared office or hotel address is not locked out
    assert working.status_code == 302
    assert working["Location"] == "https://shop.example.gr/"


def test_a_message_not_sent_is_not_counted(client: Client) -> None:
    send = sent()
    Send.objects.filter(pk=send.pk).update(status="skipped")

    client.get(reverse("engagement:click", args=[click_token(send.pk, "https://shop.example.gr/")]))

    send.refresh_from_db()
    assert send.clicks == 0
