"""The loyalty card on the customer's 360 page: what every role sees, redeeming at the counter (points or a
reward), the "not enough points" message in place, managers' adjustments, and ids that do not exist."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse
from django.utils import translation

from pelatis.customers.models import Customer
from pelatis.loyalty.models import LedgerEntry, Reward, Tier
from pelatis.loyalty.services.ledger import balance_check, points_adjust
from pelatis.loyalty.services.tiers import tiers_evaluate

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def with_points(papadopoulos: Customer) -> Customer:
    points_adjust(customer=papadopoulos, points=120, reason="Καλωσόρισμα στο πρόγραμμα", by=None)
    return papadopoulos


def _card(client: Any, customer: Customer) -> str:
    response = client.get(reverse("customers:detail", args=[customer.pk]))
    assert response.status_code == 200
    html: str = response.content.decode()
    assert 'id="loyalty-card"' in html, "no loyalty card"
    start = html.index('id="loyalty-card"')
    return html[start : html.index("</section>", start)]


def _entries(customer: Customer) -> list[tuple[str, int]]:
    return list(
        LedgerEntry.objects.filter(account__customer=customer).order_by("id").values_list("kind", "points")
    )


def test_a_reader_sees_balance_tier_and_entries_but_no_forms(
    client_as: Any, reader: Any, with_points: Customer
) -> None:
    Tier.objects.create(name="Ασημένιο", name_en="Silver", threshold=Decimal("0"), free_delivery=True)
    Tier.objects.create(name="Χρυσό", name_en="Gold", threshold=Decimal("500"))
    tiers_evaluate(customer_ids=[with_points.pk])
    card = _card(client_as(reader), with_points)  # in the reader's language: English here
    assert 'data-balance="120"' in card
    assert "Silver" in card  # the tier
    assert "Gold" in card  # and the next one
    assert "Free delivery" in card
    assert "Καλωσόρισμα στο πρόγραμμα" in card
    assert 'data-kind="adjust"' in card
    assert "data-redeem-form" not in card
    assert "data-adjust-form" not in card


def test_a_reader_cannot_redeem(client_as: Any, reader: Any, with_points: Customer) -> None:
    response = client_as(reader).post(
        reverse("loyalty:redeem", args=[with_points.pk]), {"points": "10", "reason": "Καφές"}
    )
    assert response.status_code == 403
    assert _entries(with_points) == [("adjust", 120)]


def test_an_agent_redeems_points_at_the_counter(client_as: Any, agent: Any, with_points: Customer) -> None:
    client = client_as(agent)
    assert "data-redeem-form" in _card(client, with_points)
    assert "data-adjust-form" not in _card(client, with_points)
    response = client.post(
        reverse("loyalty:redeem", args=[with_points.pk]), {"points": "20", "reason": "Δωρεάν καφές"}, **HTMX
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-balance="100"' in html
    assert "data-done" in html
    assert _entries(with_points) == [("adjust", 120), ("redeem", -20)]
    assert LedgerEntry.objects.get(kind="redeem").by == agent


def test_an_agent_redeems_a_reward_from_the_catalogue(
    client_as: Any, agent: Any, with_points: Customer
) -> None:
    reward = Reward.objects.create(name="Πρωινό για δύο", points_cost=80, stock=3)
    Reward.objects.create(name="Παλιό δώρο", points_cost=5, active=False)
    client = client_as(agent)
    card = _card(client, with_points)
    assert "Πρωινό για δύο" in card
    assert "Παλιό δώρο" not in card
    response = client.post(reverse("loyalty:redeem", args=[with_points.pk]), {"reward": str(reward.pk)})
    assert response.status_code == 302
    entry = LedgerEntry.objects.get(kind="redeem")
    assert (entry.points, entry.reward_id) == (-80, reward.pk)
    reward.refresh_from_db()
    assert reward.stock == 2


def test_short_balance_shows_the_message_in_place_and_writes_nothing(
    client_as: Any, agent: Any, with_points: Customer
) -> None:
    client = client_as(agent)
    with translation.override("el"):
        response = client.post(
            reverse("loyalty:redeem", args=[with_points.pk]),
            {"points": "500", "reason": "Σαββατοκύριακο"},
            HTTP_ACCEPT_LANGUAGE="el",
            **HTMX,
        )
    assert response.status_code == 422  # htmx swaps 422 in place
    html = response.content.decode()
    assert "data-short" in html
    assert "120" in html
    assert "500" in html
    assert html.lstrip().startswith("<section") or 'id="loyalty-card"' in html
    plain = client.post(reverse("loyalty:redeem", args=[with_points.pk]), {"points": "500", "reason": "Χ"})
    assert plain.status_code == 409
    assert "Not enough points" in plain.content.decode() or "Δεν φτάνουν" in plain.content.decode()
    assert _entries(with_points) == [("adjust", 120)]


def test_redeem_without_points_or_reward_names_the_field(
    client_as: Any, agent: Any, with_points: Customer
) -> None:
    response = client_as(agent).post(
        reverse("loyalty:redeem", args=[with_points.pk]), {"reason": "Καφές"}, **HTMX
    )
    assert response.status_code == 422
    assert 'data-error-for="points"' in response.content.decode()
    missing_reason = client_as(agent).post(
        reverse("loyalty:redeem", args=[with_points.pk]), {"points": "5", "reason": " "}, **HTMX
    )
    assert missing_reason.status_code == 422
    assert 'data-error-for="reason"' in missing_reason.content.decode()
    assert _entries(with_points) == [("adjust", 120)]


def test_an_agent_cannot_adjust_a_manager_can(
    client_as: Any, agent: Any, manager: Any, with_points: Customer
) -> None:
    url = reverse("loyalty:adjust", args=[with_points.pk])
    assert client_as(agent).post(url, {"points": "50", "reason": "Λάθος"}).status_code == 403
    client = client_as(manager)
    assert "data-adjust-form" in _card(client, with_points)
    response = client.post(url, {"points": "-30", "reason": "Διόρθωση διπλής χρέωσης"}, **HTMX)
    assert response.status_code == 200
    assert 'data-balance="90"' in response.content.decode()
    too_much = client.post(url, {"points": "-500", "reason": "Διόρθωση"}, **HTMX)
    assert too_much.status_code == 422
    assert "data-short" in too_much.content.decode()
    assert _entries(with_points) == [("adjust", 120), ("adjust", -30)]
    assert balance_check(customer=with_points).ok


def test_tampered_ids_get_404(client_as: Any, manager: Any, with_points: Customer) -> None:
    client = client_as(manager)
    missing = with_points.pk + 1000
    for name in ("loyalty:redeem", "loyalty:adjust"):
        assert client.post(reverse(name, args=[missing]), {"points": "1", "reason": "x"}).status_code == 404
    assert client.get(reverse("loyalty:statement", args=[missing])).status_code == 404
    wrong_reward = client.post(reverse("loyalty:redeem", args=[with_points.pk]), {"reward": "999999"}, **HTMX)
    assert wrong_reward.status_code == 422
    assert 'data-error-for="reward"' in wrong_reward.content.decode()
    assert _entries(with_points) == [("adjust", 120)]


def test_the_card_needs_few_queries(
    client_as: Any, agent: Any, with_points: Customer, django_assert_max_num_queries: Any
) -> None:
    from django.test import RequestFactory

    from pelatis.loyalty.panels import customer_panel

    for n in range(30):
        points_adjust(customer=with_points, points=1, reason=f"Πόντος {n}", by=agent)
    request = RequestFactory().get("/")
    request.user = agent
    with django_assert_max_num_queries(15):
        html = customer_panel(request, with_points)
    assert html.count("data-entry=") == 8


def test_a_short_balance_is_said_in_greek_numbers_on_a_greek_page(
    client_as: Any, agent: Any, with_points: Customer
) -> None:
    from django.conf import settings

    points_adjust(customer=with_points, points=3269, reason="Μεταφορά από το παλιό σύστημα", by=None)
    client = client_as(agent)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "el"
    response = client.post(
        reverse("loyalty:redeem", args=[with_points.pk]), {"points": "999999", "reason": "Δοκιμή"}, **HTMX
    )
    assert response.status_code == 422
    html = response.content.decode()
    start = html.index("data-short>")
    message = html[start : html.index("</p>", start)]
    assert "3.389" in message  # the balance, grouped as Greek writes it
    assert "999.999" in message
    assert "3389" not in message
    assert "999999" not in message
    assert _entries(with_points) == [("adjust", 120), ("adjust", 3269)]
