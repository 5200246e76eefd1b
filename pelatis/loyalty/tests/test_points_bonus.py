"""Bonuses once per key, at the programme's amounts; service credits on a ticket, on the timeline."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError

from pelatis.customers.models import Customer, Interaction
from pelatis.customers.services import customer_merge
from pelatis.helpdesk.services.tickets import InboundMail, ticket_open

from ..models import LedgerEntry, LoyaltyProgramme
from ..services.bonuses import points_bonus, points_credit
from ..services.expiry import points_expire
from ..services.orders import months_after
from .helpers import balance, paid_order


def _programme(**amounts: Any) -> LoyaltyProgramme:
    LoyaltyProgramme.objects.update_or_create(pk=1, defaults=amounts)
    return LoyaltyProgramme.current()


def test_a_birthday_bonus_takes_the_programmes_amount_once_per_key(papadopoulos: Customer) -> None:
    _programme(birthday_bonus=150)

    first = points_bonus(customer_id=papadopoulos.pk, kind="birthday", key=f"birthday:{papadopoulos.pk}:2026")
    again = points_bonus(customer_id=papadopoulos.pk, kind="birthday", key=f"birthday:{papadopoulos.pk}:2026")

    assert first is not None
    assert (first.kind, first.bonus_kind, first.points) == ("bonus", "birthday", 150)
    assert first.reason  # a readable reason, never empty
    assert first.expires_at is not None
    assert again is None
    assert balance(papadopoulos) == 150
    assert LedgerEntry.objects.filter(kind="bonus").count() == 1


def test_next_years_key_gives_it_again(papadopoulos: Customer) -> None:
    _programme(name_day_bonus=40)

    points_bonus(customer_id=papadopoulos.pk, kind="name_day", key="nameday:1:2026")
    points_bonus(customer_id=papadopoulos.pk, kind="name_day", key="nameday:1:2027")

    assert balance(papadopoulos) == 80


def test_a_zero_amount_or_an_inactive_programme_gives_nothing(papadopoulos: Customer) -> None:
    _programme(survey_bonus=0, compliment_bonus=25, active=False)

    assert points_bonus(customer_id=papadopoulos.pk, kind="survey", key="s:1") is None
    assert points_bonus(customer_id=papadopoulos.pk, kind="compliment", key="c:1") is None
    assert points_bonus(customer_id=papadopoulos.pk, kind="compliment", key="c:2", points=0) is None

    assert not LedgerEntry.objects.exists()


def test_given_points_override_the_programme(papadopoulos: Customer) -> None:
    _programme(birthday_bonus=10)

    entry = points_bonus(
        customer_id=papadopoulos.pk, kind="birthday", key="b:x", points=500, reason="Χρόνια πολλά!"
    )

    assert entry is not None
    assert (entry.points, entry.reason) == (500, "Χρόνια πολλά!")


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"kind": "wedding", "key": "k"}, "kind"),
        ({"kind": "birthday", "key": "  "}, "key"),
        ({"kind": "birthday", "key": "k", "points": -5}, "points"),
        ({"kind": "birthday", "key": "k", "customer_id": 999_999}, "customer_id"),
    ],
)
def test_bad_input_names_the_field(papadopoulos: Customer, kwargs: dict[str, Any], field: str) -> None:
    _programme(birthday_bonus=10)
    args = {"customer_id": papadopoulos.pk, **kwargs}

    with pytest.raises(ValidationError) as caught:
        points_bonus(**args)

    assert field in caught.value.message_dict
    assert not LedgerEntry.objects.exists()


def test_a_merged_customers_bonus_goes_to_the_survivor(make_customer: Any, papadopoulos: Customer) -> None:
    _programme(birthday_bonus=30)
    twin = make_customer(first_name="Γιώργος", last_name="Παπαδόπουλος", emails=["gp@example.gr"])
    customer_merge(survivor=papadopoulos, merged=twin, by=None)

    points_bonus(customer_id=twin.pk, kind="birthday", key="b:twin")

    assert balance(papadopoulos) == 30


def test_bonus_points_expire_like_earned_ones(papadopoulos: Customer) -> None:
    programme = _programme(birthday_bonus=70, expiry_months=12)
    entry = points_bonus(customer_id=papadopoulos.pk, kind="birthday", key="b:old")
    assert entry is not None
    assert entry.expires_at is not None

    expired = points_expire(now=months_after(entry.created_at, programme.expiry_months))

    assert expired == 70
    assert balance(papadopoulos) == 0


def _ticket(customer: Customer) -> Any:
    ticket, _message = ticket_open(
        customer=customer, subject="Άργησε η παράδοση", mail=InboundMail(body_text="Περιμένω 10 μέρες.")
    )
    return ticket


def test_a_service_credit_lands_on_the_ticket_and_the_timeline(papadopoulos: Customer, agent: Any) -> None:
    ticket = _ticket(papadopoulos)

    entry = points_credit(
        customer_id=papadopoulos.pk,
        ticket_id=ticket.pk,
        points=200,
        reason="Συγγνώμη για την καθυστέρηση",
        by=agent,
    )

    assert (entry.kind, entry.points, entry.ticket_id, entry.by) == ("credit", 200, ticket.pk, agent)
    assert balance(papadopoulos) == 200
    event = Interaction.objects.get(customer=papadopoulos, source_type="helpdesk.ticket", channel="system")
    assert event.source_id == str(ticket.pk)
    assert "200" in event.summary
    assert "Συγγνώμη για την καθυστέρηση" in event.summary
    assert event.actor == agent


def test_a_credit_on_another_customers_ticket_is_refused(
    papadopoulos: Customer, make_customer: Any, agent: Any
) -> None:
    other = make_customer(first_name="Ελένη", last_name="Νικολάου")
    ticket = _ticket(other)

    with pytest.raises(ValidationError) as caught:
        points_credit(customer_id=papadopoulos.pk, ticket_id=ticket.pk, points=50, reason="Λάθος", by=agent)

    assert "ticket_id" in caught.value.message_dict
    assert balance(papadopoulos) == 0
    assert not LedgerEntry.objects.exists()


@pytest.mark.parametrize(
    ("points", "reason", "field"), [(0, "Λόγος", "points"), (10, "   ", "reason"), (-3, "Λόγος", "points")]
)
def test_a_credit_needs_positive_points_and_a_reason(
    papadopoulos: Customer, agent: Any, points: int, reason: str, field: str
) -> None:
    ticket = _ticket(papadopoulos)

    with pytest.raises(ValidationError) as caught:
        points_credit(
            customer_id=papadopoulos.pk, ticket_id=ticket.pk, points=points, reason=reason, by=agent
        )

    assert field in caught.value.message_dict
    assert not LedgerEntry.objects.exists()


def test_a_credit_for_a_missing_ticket_names_it(papadopoulos: Customer, agent: Any) -> None:
    with pytest.raises(ValidationError) as caught:
        points_credit(customer_id=papadopoulos.pk, ticket_id=987_654, points=5, reason="x", by=agent)

    assert "ticket_id" in caught.value.message_dict


def test_credits_and_orders_add_up(papadopoulos: Customer, agent: Any) -> None:
    paid_order(papadopoulos, "Π-1", "40.00")
    ticket = _ticket(papadopoulos)

    points_credit(customer_id=papadopoulos.pk, ticket_id=ticket.pk, points=60, reason="Αποζημίωση", by=agent)

    assert balance(papadopoulos) == 100
