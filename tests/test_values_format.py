"""Values in the reader's language: money with its currency, business durations, months, time zones, platform
and sales-channel names; the dashboard and the customer page use them."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.template import Context, Template
from django.utils import translation

from pelatis.core.formatting import (
    format_duration,
    format_money,
    format_month,
    platform_name,
    sales_channel_name,
)

NBSP = "\u00a0"


@pytest.mark.parametrize(
    ("language", "amount", "currency", "shown"),
    [
        ("el", Decimal("2668.40"), "EUR", f"2.668,40{NBSP}€"),
        ("en", Decimal("2668.40"), "EUR", "€2,668.40"),
        ("el", "1234567.5", "USD", f"1.234.567,50{NBSP}$"),
        ("en", "1234567.5", "USD", "$1,234,567.50"),
        ("el", 12, "GBP", f"12,00{NBSP}£"),
        ("en", 12, "GBP", "£12.00"),
        ("el", 0.5, "CHF", f"0,50{NBSP}CHF"),
        ("el", "-3.999", "eur", f"-4,00{NBSP}€"),
    ],
)
def test_money_has_its_currency_in_the_readers_format(
    language: str, amount: Any, currency: str, shown: str
) -> None:
    with translation.override(language):
        assert format_money(amount, currency) == shown
        assert (
            Template("{% load pelatis_ui %}{{ a|money:c }}").render(Context({"a": amount, "c": currency}))
            == shown
        )


def test_money_without_a_currency_is_in_the_business_currency(settings: Any) -> None:
    settings.PELATIS_DEFAULT_CURRENCY = "EUR"
    with translation.override("el"):
        assert (
            Template("{% load pelatis_ui %}{{ a|money }}").render(Context({"a": 409196.5}))
            == f"409.196,50{NBSP}€"
        )
        assert format_money(None) == ""


@pytest.mark.parametrize(
    ("minutes", "greek", "english"),
    [
        (569, "9 ώρ. 29 λ.", "9 h 29 min"),
        (3060, "2 ημ. 3 ώρ.", "2 d 3 h"),
        (2880, "2 ημ.", "2 d"),
        (120, "2 ώρ.", "2 h"),
        (45.4, "45 λ.", "45 min"),
        (0, "0 λ.", "0 min"),
        (None, "—", "—"),
    ],
)
def test_business_durations_read_as_hours_and_days(minutes: Any, greek: str, english: str) -> None:
    with translation.override("en"):
        assert format_duration(minutes) == english
    with translation.override("el"):  # Greek needs the catalogue with this part's strings
        assert format_duration(minutes) == greek


@pytest.mark.parametrize(
    ("value", "greek", "english"),
    [
        ("2025-12", "Δεκ 2025", "Dec 2025"),
        (dt.date(2026, 5, 17), "Μάι 2026", "May 2026"),
        ("2026-01-31", "Ιαν 2026", "Jan 2026"),
        ("not a month", "not a month", "not a month"),
    ],
)
def test_months_are_named(value: Any, greek: str, english: str) -> None:
    with translation.override("el"):
        assert format_month(value) == greek
    with translation.override("en"):
        assert format_month(value) == english


def test_time_zones_platforms_and_sales_channels_are_named() -> None:
    template = Template(
        "{% load pelatis_ui %}{{ z|zone_label }}|{{ p|platform_label }}|{{ s|sales_channel_label }}"
    )
    with translation.override("el"):
        assert (
            template.render(Context({"z": "Europe/Athens", "p": "tripadvisor", "s": "reception"}))
            == "Αθήνα|Tripadvisor|Ρεσεψιόν"
        )
        assert sales_channel_name("online") == "Ηλεκτρονικό κατάστημα"
    with translation.override("en"):
        assert (
            template.render(Context({"z": "America/New_York", "p": "booking", "s": "online"}))
            == "New York|Booking.com|Online shop"
        )
    assert (platform_name("google"), platform_name("my_site")) == ("Google", "My site")
    assert sales_channel_name("Περίπτερο Πλάκας") == "Περίπτερο Πλάκας"  # the business's own words stay


def test_the_dashboard_shows_money_durations_months_and_metric_definitions(
    client: Any, manager: Any, make_customer: Any, make_order: Any
) -> None:
    from django.utils import timezone

    from pelatis.analytics.definitions import metric_definition

    customer = make_customer(first_name="Ελένη", last_name="Κωνσταντίνου", emails=["eleni@example.gr"])
    make_order(customer, "A-1", total="2668.40", when=timezone.now() - dt.timedelta(days=3))
    client.force_login(manager)
    client.cookies["django_language"] = "en"
    page = client.get("/dashboard/").content.decode()
    assert '<div class="label">Revenue</div><div class="value">€2,668.40</div>' in page
    assert f'title="{metric_definition("fcr")}"' in page  # on hover, and read out:
    assert f'<p class="visually-hidden">{metric_definition("fcr")}</p>' in page
    assert ">First-contact resolution<" in page
    assert ">Probability still active<" in page
    assert "P(alive)" not in page
    assert f'"month_label": "{timezone.localdate():%b %Y}"' in page  # the charts' months, named
