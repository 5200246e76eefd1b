"""`pelatis demo`: only into an empty database, never in production, reserved example domains only."""

from __future__ import annotations

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings

from pelatis.customers.models import ContactPoint, Customer, Order
from pelatis.feedback.models import Review
from pelatis.helpdesk.models import Ticket

RESERVED = ("example.com", "example.org", "example.net")  # and *.example (RFC 2606)


def demo(*args: str) -> str:
    out = io.StringIO()
    call_command("demo", *args, stdout=out)
    return out.getvalue()


def reserved(email: str) -> bool:
    domain = email.rpartition("@")[2].lower()
    return (
        domain in RESERVED or domain.endswith(tuple(f".{d}" for d in RESERVED)) or domain.endswith(".example")
    )


def test_demo_loads_a_customer_book_an_inbox_and_prints_the_logins_it_created(db: None) -> None:
    out = demo("--customers", "80")
    assert Customer.objects.filter(last_name="Παπαδόπουλος", first_name="Γιώργος").exists()
    assert Customer.objects.count() >= 80
    assert Order.objects.exists()
    assert Ticket.objects.count() >= 5
    assert get_user_model().objects.get(username="admin").check_password("pelatis-demo")
    assert "admin / pelatis-demo" in out


def test_every_demo_email_is_on_a_reserved_example_domain(db: None) -> None:
    demo("--customers", "300")
    emails = list(ContactPoint.objects.filter(kind="email").values_list("value", flat=True))
    emails += [e for e in get_user_model().objects.values_list("email", flat=True) if e]
    emails += [e for e in Review.objects.values_list("author_email", flat=True) if e]
    assert len(emails) > 300
    assert [e for e in emails if not reserved(e)] == []


def test_demo_if_empty_on_a_database_in_use_changes_nothing_and_prints_no_login(db: None) -> None:
    # given a live install: its own admin, who has since changed the demo password
    admin = get_user_model().objects.create_superuser("admin", "owner@example.com", "owner-secret")
    hash_before = admin.password
    # when make run's first-run step runs again
    out = demo("--if-empty")
    # then nothing is created or reset, and no demo login is offered
    admin.refresh_from_db()
    assert admin.password == hash_before
    assert admin.check_password("owner-secret")
    assert list(get_user_model().objects.values_list("username", flat=True)) == ["admin"]
    assert not Customer.objects.exists()
    assert "pelatis-demo" not in out
    assert "demo not loaded" in out


def test_demo_refuses_a_database_with_users_and_does_not_touch_them(db: None) -> None:
    owner = get_user_model().objects.create_user("maria", "maria@example.com", "her-password")
    hash_before = owner.password
    with pytest.raises(CommandError, match="already has data"):
        demo("--customers", "50")
    owner.refresh_from_db()
    assert owner.password == hash_before
    assert not get_user_model().objects.filter(username__in=["admin", "manager", "agent"]).exists()
    assert not Customer.objects.exists()


def test_demo_refuses_a_database_with_customers_but_no_users(db: None) -> None:
    demo("--customers", "40")
    get_user_model().objects.all().delete()  # e.g. staff are managed elsewhere, customers are real
    before = Customer.objects.count()
    with pytest.raises(CommandError, match="already has data"):
        demo("--customers", "40")
    assert not get_user_model().objects.exists()
    assert Customer.objects.count() == before
    assert "pelatis-demo" not in demo("--if-empty")
    assert not get_user_model().objects.exists()


def test_demo_is_refused_in_production_mode(db: None) -> None:
    with override_settings(PRODUCTION=True), pytest.raises(CommandError, match="production"):
        demo("--customers", "40")
    with override_settings(PRODUCTION=True), pytest.raises(CommandError, match="production"):
        demo("--if-empty")
    assert not get_user_model().objects.exists()
    assert not Customer.objects.exists()


def _greek_first_name_gender() -> dict[str, str]:
    from faker.providers.person.el_GR import Provider

    male, female = set(Provider.first_names_male), set(Provider.first_names_female)
    return {**dict.fromkeys(male - female, "m"), **dict.fromkeys(female - male, "f")}


def test_every_demo_persons_surname_agrees_with_the_first_names_gender(db: None) -> None:
    from pelatis.lang import fold, is_greek

    demo("--customers", "300")
    gender_of = _greek_first_name_gender()
    people = Customer.objects.filter(kind="person", category="external").values_list(
        "first_name", "last_name", "title"
    )
    checked, wrong = 0, []
    for first, last, title in people:
        gender = gender_of.get(first) or {"κ.": "m", "κα": "f"}.get(title)
        if not is_greek(last) or gender is None:
            continue
        checked += 1
        ending = fold(last)
        # A man's surname ends in -ς (Παυλίδης) or is the invariant -ου (Νικολάου); a woman's never in -ς (Παυλίδου).
        if (gender == "m" and not ending.endswith(("σ", "ου"))) or (gender == "f" and ending.endswith("σ")):
            wrong.append(f"{first} {last}")
        if gender_of.get(first) and title in ("κ.", "κα"):
            assert {"κ.": "m", "κα": "f"}[title] == gender_of[first], (first, title)
    assert checked > 150
    assert wrong == []


def test_demo_tags_are_greek_and_fit_the_customer(db: None) -> None:
    from pelatis.customers.models import Tag
    from pelatis.lang import is_greek

    demo("--customers", "200")
    names = set(Tag.objects.values_list("name", flat=True))
    assert names
    assert {n for n in names if not is_greek(n)} <= {"VIP"}  # a word Greek shops write as it is
    tourists = Customer.objects.filter(tags__name="Τουρίστας")
    assert tourists.exists()
    assert not tourists.filter(language="el").exists()  # guests from abroad only


def test_demo_addresses_and_phones_belong_to_the_customers_country(db: None) -> None:
    import phonenumbers

    from pelatis.customers.models import Address

    demo("--customers", "200")
    addresses = list(Address.objects.select_related("customer").filter(customer__category="external"))
    assert len(addresses) > 150
    country_of_language = {"el": "GR", "de": "DE", "it": "IT", "en": "GB", "fr": "FR"}
    for address in addresses:
        assert address.line1
        assert address.city
        assert address.postcode
        assert address.country == country_of_language[address.customer.language], address
        if address.country == "GR":
            assert len(address.postcode.replace(" ", "")) == 5
            assert address.postcode.replace(" ", "").isdigit()
    phones = ContactPoint.objects.filter(kind="phone", customer__addresses__is_primary=True).values_list(
        "value", "customer__addresses__country"
    )
    assert phones
    for value, country in phones:
        number = phonenumbers.parse(value)
        assert phonenumbers.is_valid_number(number), value
        assert phonenumbers.region_code_for_number(number) == country, (value, country)
