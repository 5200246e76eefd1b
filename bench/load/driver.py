"""A bounded HTTP load with asyncio and httpx: each request kind is a coroutine that makes one request and
says whether it succeeded; a phase runs kinds from N concurrent clients until it has made its number of
requests or its time is up, whichever comes first, and keeps every latency and every error."""

from __future__ import annotations

import asyncio
import itertools
import logging
import random
import re
import statistics
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

import httpx

BARE = "bare view (/healthz)"
SEARCH = "customer search (API ?q=)"
CREATE = "ticket create (API)"
INBOX = "inbox page (session)"
REPLY = "reply send (API)"


@dataclass
class Outcome:
    ok: bool
    detail: str = ""


@dataclass
class Tally:
    """What one kind did in one phase."""

    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.latencies)

    def percentile(self, q: float) -> float:
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]

    @property
    def p50(self) -> float:
        return statistics.median(self.latencies) if self.latencies else float("nan")

    @property
    def p99(self) -> float:
        return self.percentile(0.99)


@dataclass
class PhaseResult:
    seconds: float
    tallies: dict[str, Tally]

    def rate(self, kind: str) -> float:
        return self.tallies[kind].count / self.seconds if self.seconds else 0.0


@dataclass
class Load:
    """The requests of the load run against one server, with what they need (a token, a session, ids)."""

    base: str
    token: str
    username: str
    password: str
    customer_ids: list[int]
    reply_tickets: list[int]
    search_words: list[str]
    client: httpx.AsyncClient = field(init=False)
    session: httpx.AsyncClient = field(init=False)
    anonymous: httpx.AsyncClient = field(init=False)  # no cookie: the bare view touches no session
    created: dict[str, int] = field(default_factory=dict)  # subject -> ticket id, for every 201
    replies: list[int] = field(default_factory=list)  # message id of every reply answered 201
    rng: random.Random = field(default_factory=lambda: random.Random(7))
    serial: itertools.count[int] = field(default_factory=itertools.count)
    run_tag: str = "load"

    async def __aenter__(self) -> Load:
        for name in (
            "httpx",
            "httpcore",
        ):  # a log line per request would cost the client more than the request
            logging.getLogger(name).setLevel(logging.WARNING)
        # Connections are reused (as a proxy's upstream keep-alive does), but never after 1 s idle: the
        # server closes them after 2 s, and a request sent as it closes one would fail for no fault of ours.
        limits = httpx.Limits(max_connections=64, max_keepalive_connections=64, keepalive_expiry=1.0)
        timeout = httpx.Timeout(60.0)
        headers = {"Authorization": f"Bearer {self.token}"}
        self.client = httpx.AsyncClient(base_url=self.base, headers=headers, limits=limits, timeout=timeout)
        self.session = httpx.AsyncClient(base_url=self.base, limits=limits, timeout=timeout)
        self.anonymous = httpx.AsyncClient(base_url=self.base, limits=limits, timeout=timeout)
        await self.login()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.client.aclose()
        await self.session.aclose()
        await self.anonymous.aclose()

    async def login(self) -> None:
        page = await self.session.get("/login/")
        match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
        if page.status_code != 200 or match is None:
            raise RuntimeError(f"no log-in form at /login/ ({page.status_code})")
        answer = await self.session.post(
            "/login/",
            data={
                "csrfmiddlewaretoken": match.group(1),
                "username": self.username,
                "password": self.password,
            },
        )
        if answer.status_code != 302:
            raise RuntimeError(f"log-in as {self.username} refused ({answer.status_code})")

    # ------------------------------------------------------------ the request kinds

    async def bare(self) -> Outcome:
        response = await self.anonymous.get("/healthz")
        return Outcome(response.status_code == 200, f"{response.status_code}")

    async def search(self) -> Outcome:
        word = self.rng.choice(self.search_words)
        response = await self.client.get("/api/v1/customers", params={"q": word, "limit": 25})
        return Outcome(response.status_code == 200, f"{response.status_code} {response.text[:200]}")

    async def create(self) -> Outcome:
        subject = f"{self.run_tag} {next(self.serial)}: τηλεφώνησε για την κράτηση"
        response = await self.client.post(
            "/api/v1/tickets",
            json={
                "customer_id": self.rng.choice(self.customer_ids),
                "subject": subject,
                "body": "Ο πελάτης ρωτά αν μπορεί να αλλάξει την ημερομηνία άφιξης.",
                "channel": "phone",
            },
        )
        if response.status_code == 201:
            self.created[subject] = int(response.json()["id"])
        return Outcome(response.status_code == 201, f"{response.status_code} {response.text[:200]}")

    async def inbox(self) -> Outcome:
        response = await self.session.get("/tickets/")
        ok = response.status_code == 200 and "<table" in response.text
        return Outcome(ok, f"{response.status_code}")

    async def reply(self) -> Outcome:
        ticket = self.rng.choice(self.reply_tickets)
        response = await self.client.post(
            f"/api/v1/tickets/{ticket}/messages",
            json={"kind": "reply", "body": "Καλησπέρα σας, η παραγγελία σας φεύγει αύριο. Ευχαριστούμε!"},
        )
        if response.status_code == 201:
            self.replies.append(int(response.json()["id"]))
        return Outcome(response.status_code == 201, f"{response.status_code} {response.text[:200]}")

    def kinds(self) -> dict[str, Callable[[], Awaitable[Outcome]]]:
        return {
            BARE: self.bare,
            SEARCH: self.search,
            CREATE: self.create,
            INBOX: self.inbox,
            REPLY: self.reply,
        }


async def phase(
    load: Load, mix: dict[str, float], *, clients: int, requests: int, seconds: float
) -> PhaseResult:
    """``clients`` concurrent loops, each picking a kind by the weights of ``mix``, until ``requests``
    have been made in all or ``seconds`` have passed. A connection error counts as an error of its kind."""
    kinds = load.kinds()
    names, weights = list(mix), list(mix.values())
    tallies = {name: Tally() for name in names}
    budget = itertools.count()
    started = time.perf_counter()
    deadline = started + seconds
    rng = random.Random(11)

    async def one_client() -> None:
        while next(budget) < requests and time.perf_counter() < deadline:
            name = rng.choices(names, weights)[0]
            began = time.perf_counter()
            try:
                outcome = await kinds[name]()
            except httpx.HTTPError as exc:
                outcome = Outcome(False, f"{exc.__class__.__name__}: {exc}")
            tallies[name].latencies.append(time.perf_counter() - began)
            if not outcome.ok:
                tallies[name].errors.append(outcome.detail)

    await asyncio.gather(*(one_client() for _ in range(clients)))
    return PhaseResult(time.perf_counter() - started, tallies)
