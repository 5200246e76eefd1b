"""Work starts on the customer's page: orders logged from it, "customer since", and the form's address, named
lists and duplicate warning. (Tickets, emails and the links to other apps' pages: tests/test_customer_page_panels.py.)"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from pelatis.customers.models import Address, Customer, Order
from pelatis.customers.services import interaction_record

pytestmark = pytest.mark.django_db


def _detail(client: Any, customer: Customer) -> str:
    response = client.get(reverse("customers:detail", args=[customer.pk]))
    assert response.status_code == 200
    html: str = response.content.decode()
    return html


def test_an_order_logged_with_a_greek_total_is_recorded_and_linked_from_the_timeline(
    client_as: Any, agent: Any, papadopoulos: Customer, settings: Any
) -> None:
    settings.LANGUAGE_CODE = "el"  # the business's language: "1.234,50" is how a Greek user types it
    client = client_as(agent)
    response = client.post(
        reverse("customers:order_new", args=[papadopoulos.pk]),
        {
            "reference": "ΤΗΛ-2001",
            "placed_on": "2026-03-14",
            "currency": "EUR",
            "total": "1.234,50",
            "description": "Κράτηση τηλεφωνικά",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    order = Order.objects.get(reference="ΤΗΛ-2001")
    assert str(order.total) == "1234.50"
    assert order.lines.get().name == "Κράτηση τηλεφωνικά"
    page = _detail(client, papadopoulos)
    assert f'href="/customers/{papadopoulos.pk}/orders/{order.pk}/"' in page
    assert (
        "ΤΗΛ-2001"
        in client.get(reverse("customers:order", args=[papadopoulos.pk, order.pk])).content.decode()
    )


def test_an_order_needs_lines_or_a_total(client_as: Any, agent: Any, papadopoulos: Customer) -> None:
    response = client_as(agent).post(
        reverse("customers:order_new", args=[papadopoulos.pk]),
        {"reference": "X-1", "placed_on": "2026-03-14", "currency": "EUR"},
    )
    assert response.status_code == 422
    assert "total" in response.context["order_form"].errors
    assert not Order.objects.exists()


def test_customer_since_is_the_earliest_of_creation_first_order_and_first_contact(
    client_as: Any, agent: Any, papadopoulos: Customer, make_order: Any
) -> None:
    with translation.override("en"):
        assert "data-customer-since>" + timezone.localtime().strftime("%b %Y") in _detail(
            client_as(agent), papadopoulos
        )
    make_order(papadopoulos, "OLD-1", when=dt.datetime(2019, 6, 3, 10, 0, tzinfo=dt.UTC))
    interaction_record(
        customer=papadopoulos,
        channel="phone",
        direction="in",
        summary="Πρώτο τηλεφώνημα",
        occurred_at=dt.datetime(2018, 11, 20, 9, 0, tzinfo=dt.UTC),
    )
    with translation.override("en"):
        page = _detail(client_as(agent), papadopoulos)
    assert "data-customer-since>Nov 2018<" in page


def test_customer_since_with_only_an_old_order(make_customer: Any, make_order: Any) -> None:
    from pelatis.customers.queries import customer_since_of

    customer = make_customer(first_name="Νίκος", last_name="Αλεξίου")
    make_order(customer, "OLD-2", when=dt.datetime(2017, 1, 5, 12, 0, tzinfo=dt.UTC))
    since = customer_since_of(customer.pk)
    assert since is not None
    assert since.year == 2017
    assert since.month == 1


def test_the_form_saves_the_address_and_reads_it_back(client_as: Any, agent: Any) -> None:
    client = client_as(agent)
    response = client.post(
        reverse("customers:create"),
        {
            "kind": "person",
            "category": "external",
            "first_name": "Ελένη",
            "last_name": "Κωνσταντίνου",
            "preferred_channel": "email",
            "formal": "on",
            "language": "de",
            "time_zone": "Europe/Berlin",
            "street": "Ερμού",
            "street_number": "25",
            "postcode": "105 63",
            "city": "Αθήνα",
            "region": "Αττική",
            "country": "GR",
        },
    )
    assert response.status_code == 302
    customer = Customer.objects.get(last_name="Κωνσταντίνου")
    address = Address.objects.get(customer=customer)
    assert (
        address.line1,
        address.postcode,
        address.city,
        address.region,
        address.country,
        address.is_primary,
    ) == ("Ερμού 25", "105 63", "Αθήνα", "Αττική", "GR", True)
    assert (customer.language, customer.time_zone) == ("de", "Europe/Berlin")
    form = client.get(reverse("customers:edit", args=[customer.pk])).context["form"]
    assert (form.initial["street"], form.initial["street_number"]) == ("Ερμού", "25")


def test_the_address_needs_a_street_when_other_parts_are_given(client_as: Any, agent: Any) -> None:
    response = client_as(agent).post(
        reverse("customers:create"),
        {
            "kind": "person",
            "category": "external",
            "last_name": "Κωνσταντίνου",
            "preferred_channel": "email",
            "city": "Αθήνα",
            "country": "GR",
        },
    )
    assert response.status_code == 422
    assert "street" in response.context["form"].errors
    assert not Customer.objects.exists()


def test_language_and_time_zone_are_chosen_by_name(client_as: Any, agent: Any, settings: Any) -> None:
    settings.LANGUAGE_CODE = "el"
    page = client_as(agent).get(reverse("customers:create")).content.decode()
    assert re.search(r'<select name="language"[^>]*>', page)
    assert re.search(r'<option value="de"[^>]*>Deutsch \(Γερμανικά\)</option>', page)
    assert re.search(r'<option value="el"[^>]*selected[^>]*>Ελληνικά</option>', page)
    assert re.search(r'<select name="time_zone"[^>]*>', page)
    assert re.search(r'<optgroup label="Ευρώπη">', page)
    assert re.search(
        r'<option value="Europe/Athens"[^>]*selected[^>]*>Αθήνα \(GMT\+0[23]:00\)</option>', page
    )
    assert re.search(r'<option value="GR"[^>]*selected[^>]*>Ελλάδα</option>', page)


def test_the_duplicate_check_names_the_other_customer_in_one_query(
    client_as: Any, agent: Any, papadopoulos: Customer, make_customer: Any
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    other = make_customer(
        first_name="Μαρία", last_name="Νικολάου", emails=["maria@example.gr"], phones=["6944000111"]
    )
    client = client_as(agent)
    url = reverse("customers:contact_check")
    client.get(url, {"emails": "warm@example.gr"})  # the session's first request records its start
    with CaptureQueriesContext(connection) as one:
        client.get(url, {"emails": "nobody@example.gr"})
    with CaptureQueriesContext(connection) as three:
        response = client.get(url, {"emails": "G.Papadopoulos@example.gr\nmaria@example.gr\nnew@example.gr"})
    assert len(three) == len(one)  # one look-up however many addresses and owners
    html = response.content.decode()
    assert response.status_code == 200
    assert f'href="/customers/{papadopoulos.pk}/"' in html
    assert "Γιώργος Παπαδόπουλος" in html
    assert f'href="/customers/{other.pk}/"' in html
    assert "new@example.gr" not in html
    phone = client.get(url, {"phones": "694 400 0111"}).content.decode()
    assert "Μαρία Νικολάου" in phone
    # editing the customer who has the email: no warning about themselves
    own = client.get(url, {"emails": "maria@example.gr", "exclude": str(other.pk)}).content.decode()
    assert "Νικολάου" not in own


def test_the_duplicate_check_is_for_staff_only(
    client: Any, client_as: Any, outsider: Any, papadopoulos: Customer
) -> None:
    url = reverse("customers:contact_check") + "?emails=g.papadopoulos@example.gr"
    assert client.get(url).status_code == 302  # to the login page
    assert client_as(outsider).get(url).status_code == 403


def test_the_form_asks_while_typing(client_as: Any, agent: Any, papadopoulos: Customer) -> None:
    page = client_as(agent).get(reverse("customers:edit", args=[papadopoulos.pk])).content.decode()
    assert f'hx-get="/customers/contact-check/?exclude={papadopoulos.pk}"' in page
    assert 'id="emails-owners"' in page
    assert 'id="phones-owners"' in page
