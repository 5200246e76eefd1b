"""Generated help-desk tickets, CSAT surveys, NPS answers and reviews over the last two years."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from .common import DAY, insert, nullable, ts

CHANNELS = ["email", "phone", "chat", "web", "facebook", "instagram"]
TICKET_TYPES = ["question", "complaint", "return", "claim", "compliment", "internal"]
TEAMS = ["Εξυπηρέτηση", "Πωλήσεις", "Επιστροφές", "Τεχνική υποστήριξη", "Λογιστήριο", "VIP"]
PRIORITIES = ["urgent", "high", "normal", "low"]  # SLA policies 1–4 (migration helpdesk 0002)
SUBJECTS = [
    "Ερώτηση για παραγγελία",
    "Καθυστέρηση αποστολής",
    "Επιστροφή προϊόντος",
    "Λάθος χρέωση",
    "Ευχαριστώ!",
    "Αλλαγή διεύθυνσης",
    "Ελαττωματικό προϊόν",
    "Κωδικός έκπτωσης",
]


@dataclass(frozen=True)
class Tickets:
    customer: npt.NDArray[np.int64]  # customer id of each ticket
    resolved: npt.NDArray[np.bool_]
    resolved_at: npt.NDArray[np.float64]  # Unix seconds, NaN when not resolved


def load_tickets(raw: Any, rng: np.random.Generator, m: int, n_customers: int, now: float) -> Tickets:
    """The teams and m tickets: answered, resolved, closed, reopened and SLA-breached in plausible shares."""
    raw.execute("BEGIN")
    raw.executemany(
        "INSERT INTO helpdesk_team (id, name, email) VALUES (?, ?, ?)",
        [(i + 1, name, f"team{i + 1}@example.gr") for i, name in enumerate(TEAMS)],
    )
    raw.execute("COMMIT")
    t_created = np.sort(now - 730 * DAY * (1 - rng.power(1.2, m)))
    age = now - t_created
    answered = rng.random(m) < np.where(age < 2 * 3600, 0.3, 0.97)
    fr_wall = rng.lognormal(np.log(3 * 3600), 1.0, m)
    answered &= fr_wall < age
    resolve_wall = fr_wall + rng.lognormal(np.log(20 * 3600), 1.2, m)
    resolved = answered & (resolve_wall < age) & (rng.random(m) < 0.95)
    first_responded = np.where(answered, t_created + fr_wall, np.nan)
    resolved_at = np.where(resolved, t_created + resolve_wall, np.nan)
    fr_minutes = np.where(answered, np.round(fr_wall / 60 * 0.33, 1), np.nan)
    res_minutes = np.where(resolved, np.round(resolve_wall / 60 * 0.3, 1), np.nan)
    open_status = rng.choice(
        np.array(["new", "open", "pending", "on_hold"], dtype=object), m, p=[0.2, 0.5, 0.2, 0.1]
    )
    open_status[answered & (open_status == "new")] = "open"
    done_status = np.where(age - resolve_wall > 7 * DAY, "closed", "resolved").astype(object)
    t_status = np.where(resolved, done_status, open_status)
    closed_at = np.where(t_status == "closed", resolved_at + 7 * DAY, np.nan)
    replies = np.where(answered, 1 + rng.poisson(0.7, m), 0)
    reopened = np.where(resolved, rng.choice([0, 1, 2], m, p=[0.91, 0.08, 0.01]), 0)
    prio = rng.choice(4, m, p=[0.05, 0.15, 0.65, 0.15])
    no_sla = rng.random(m) < 0.1
    breached = (~no_sla) & (rng.random(m) < np.where(resolved, 0.1, 0.25))
    team = rng.integers(1, len(TEAMS) + 1, m)
    no_team = rng.random(m) < 0.1
    merged = rng.random(m) < 0.005
    merged[0] = False
    ids = np.arange(1, m + 1)
    merged_into = np.maximum(1, ids - rng.integers(1, 50, m))
    t_customer = rng.integers(1, n_customers + 1, m)
    t_channel = rng.choice(np.array(CHANNELS, dtype=object), m, p=[0.55, 0.2, 0.1, 0.08, 0.05, 0.02])
    t_type = rng.choice(np.array(TICKET_TYPES, dtype=object), m, p=[0.5, 0.15, 0.15, 0.1, 0.05, 0.05])
    subject = rng.integers(0, len(SUBJECTS), m)
    tcols: dict[str, list[Any]] = {
        "id": ids.tolist(),
        "subject": [SUBJECTS[s] for s in subject.tolist()],
        "type": t_type.tolist(),
        "status": t_status.tolist(),
        "priority": [PRIORITIES[p] for p in prio.tolist()],
        "stage": [""] * m,
        "channel": t_channel.tolist(),
        "language": ["el"] * m,
        "first_response_due": ts(np.where(no_sla, np.nan, t_created + 4 * 3600)),
        "first_responded_at": ts(first_responded),
        "sla_breached": breached.astype(int).tolist(),
        "resolved_at": ts(resolved_at),
        "closed_at": ts(closed_at),
        "reopened_count": reopened.tolist(),
        "agent_replies": replies.tolist(),
        "created_at": ts(t_created),
        "updated_at": ts(np.fmax(t_created, np.fmax(first_responded, np.fmax(resolved_at, closed_at)))),
        "customer_id": t_customer.tolist(),
        "merged_into_id": nullable(merged_into, ~merged),
        "sla_policy_id": nullable(prio + 1, no_sla),
        "team_id": nullable(team, no_team),
        "first_response_minutes": nullable(fr_minutes, ~answered),
        "resolution_minutes": nullable(res_minutes, ~resolved),
    }
    names_t = list(tcols)
    cols_t = [tcols[c] for c in names_t]

    def ticket_rows(a: int, b: int) -> list[tuple[Any, ...]]:
        return list(zip(*(c[a:b] for c in cols_t), strict=True))

    insert(raw, "helpdesk_ticket", names_t, ticket_rows, m)
    return Tickets(customer=t_customer, resolved=resolved, resolved_at=resolved_at)


def load_csat(raw: Any, rng: np.random.Generator, tickets: Tickets, now: float) -> int:
    """40 % of resolved tickets get a survey an hour later, a third of them answer; returns the surveys."""
    resolved, resolved_at = tickets.resolved, tickets.resolved_at
    surveyed = np.flatnonzero(resolved & (rng.random(resolved.size) < 0.4) & (resolved_at + 3600 < now))
    s_n = int(surveyed.size)
    sent = resolved_at[surveyed] + 3600
    s_ans = (rng.random(s_n) < 0.35) & (sent + 6 * 3600 < now)
    answered_at = np.where(s_ans, sent + rng.uniform(60, 6 * 3600, s_n), np.nan)
    score = rng.choice(np.arange(1, 6), s_n, p=[0.07, 0.05, 0.1, 0.28, 0.5])
    scols: list[list[Any]] = [
        (surveyed + 1).tolist(),
        tickets.customer[surveyed].tolist(),
        ts(sent),
        ts(sent),
        nullable(score, ~s_ans),
        ts(answered_at),
    ]

    def csat_rows(a: int, b: int) -> list[tuple[Any, ...]]:
        return [
            (scols[0][i], scols[1][i], "el", scols[2][i], scols[3][i], scols[4][i], "", scols[5][i], "")
            for i in range(a, b)
        ]

    insert(
        raw,
        "feedback_csatsurvey",
        ["ticket_id", "customer_id", "language", "created_at", "sent_at", "score", "comment", "answered_at",
         "sentiment_label"],
        csat_rows,
        s_n,
    )  # fmt: skip
    return s_n


def load_nps(raw: Any, rng: np.random.Generator, n_customers: int, now: float) -> int:
    """One campaign; 30 % of customers asked once in the last two years, a quarter answer; returns the asked."""
    raw.execute("BEGIN")
    raw.execute(
        "INSERT INTO feedback_npscampaign (id, name, segment, order_days, interval_days, active, created_at) "
        "VALUES (1, 'Όλοι οι πελάτες', 'all', NULL, 180, 1, ?)",
        [ts(np.array([now - 800 * DAY]))[0]],
    )
    raw.execute("COMMIT")
    asked = np.flatnonzero(rng.random(n_customers) < 0.3)
    a_n = int(asked.size)
    nps_sent = np.floor(now - 730 * DAY * rng.random(a_n))
    n_ans = (rng.random(a_n) < 0.25) & (nps_sent + 2 * DAY < now)
    n_answered = np.where(n_ans, nps_sent + rng.uniform(60, 2 * DAY, a_n), np.nan)
    n_score = rng.choice(
        np.arange(11), a_n, p=[0.03, 0.02, 0.02, 0.03, 0.03, 0.05, 0.07, 0.1, 0.15, 0.22, 0.28]
    )
    ncols: list[list[Any]] = [
        (asked + 1).tolist(),
        ts(nps_sent),
        ts(nps_sent + 180 * DAY),
        nullable(n_score, ~n_ans),
        ts(n_answered),
    ]

    def nps_rows(a: int, b: int) -> list[tuple[Any, ...]]:
        return [
            (1, ncols[0][i], "", "el", ncols[1][i], ncols[2][i], ncols[3][i], "", ncols[4][i])
            for i in range(a, b)
        ]

    insert(
        raw,
        "feedback_npsresponse",
        ["campaign_id", "customer_id", "sentiment_label", "language", "sent_at", "ask_again_after", "score",
         "comment", "answered_at"],
        nps_rows,
        a_n,
    )  # fmt: skip
    return a_n


def load_reviews(raw: Any, rng: np.random.Generator, n_customers: int, now: float) -> int:
    """Reviews and mentions, 10 % of the customers' number over two years, half of them matched to a customer."""
    r_n = max(1, n_customers // 10)
    published = np.floor(now - 730 * DAY * rng.random(r_n))
    mention = rng.random(r_n) < 0.2
    rating = rng.choice(np.arange(1, 6), r_n, p=[0.08, 0.06, 0.12, 0.3, 0.44])
    sentiment = rng.choice(
        np.array(["negative", "neutral", "positive"], dtype=object), r_n, p=[0.25, 0.35, 0.4]
    )
    r_answered = np.where(
        rng.random(r_n) < 0.4, np.minimum(published + rng.uniform(600, 3 * DAY, r_n), now), np.nan
    )
    platform = rng.choice(np.array(["google", "facebook", "skroutz"], dtype=object), r_n)
    rcols: list[list[Any]] = [
        platform.tolist(),
        sentiment.tolist(),
        np.where(mention, "mention", "review").tolist(),
        nullable(rating, mention),
        ts(published),
        ts(r_answered),
        nullable(rng.integers(1, n_customers + 1, r_n), rng.random(r_n) < 0.5),
    ]

    def review_rows(a: int, b: int) -> list[tuple[Any, ...]]:
        return [
            (rcols[0][i], f"r{i + 1}", rcols[1][i], rcols[2][i], rcols[3][i], "", "", "", "", "", rcols[4][i],
             "el", "", rcols[5][i], rcols[4][i], rcols[6][i])
            for i in range(a, b)
        ]  # fmt: skip

    insert(
        raw,
        "feedback_review",
        ["platform", "external_id", "sentiment_label", "kind", "rating", "text", "author", "author_email",
         "author_phone", "url", "published_at", "language", "answer", "answered_at", "received_at", "customer_id"],
        review_rows,
        r_n,
    )  # fmt: skip
    return r_n
