"""The customer's own links: the preferences page (theirs only, in their language, a GET only shows),
the one-click unsubscribe (RFC 8058) and what a tampered link or a loop meets."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import signing
from django.core.cache import cache
from django.test import Client

from pelatis.customers.models import Customer
from pelatis.privacy.links import (
    list_unsubscribe_headers,
    preferences_path,
    preferences_url,
    unsubscribe_path,
)
from pelatis.privacy.models import ConsentRecord
from pelatis.privacy.queries import consent_allows
from pelatis.privacy.services import consent_record
from pelatis.privacy.texts import one_click_wording

pytestmark = pytest.mark.django_db

FORM = "application/x-www-form-urlencoded"


@pytest.fixture(autouse=True)
def _fresh(settings: Any) -> None:
    settings.PELATIS_BASE_URL = "https://shop.example.gr"
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "privacy"}
    }
    cache.clear()  # rate-limit and bad-link counters start at zero


def test_links_are_absolute_and_signed(papadopoulos: Customer) -> None:
    url = preferences_url(papadopoulos)
    assert url.startswith("https://shop.example.gr/privacy/preferences/")
    headers = list_unsubscribe_headers(papadopoulos)
    assert headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert headers["List-Unsubscribe"].startswith("<https://shop.example.gr/privacy/unsubscribe/")
    assert headers["List-Unsubscribe"].endswith("/>")


def test_preferences_page_shows_the_state_in_greek_and_a_get_changes_nothing(papadopoulos: Customer) -> None:
    consent_record(customer=papadopoulos, purpose="marketing", channel="sms", granted=True, source="form")
    page = Client().get(preferences_path(papadopoulos))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'lang="el"' in html
    assert 'name="marketing.sms" checked' in html
    assert 'name="marketing.email">' in html
    assert 'name="surveys.email" checked' in html  # surveys are allowed until withdrawn
    assert "service." not in html  # service messages are not a choice there
    assert page["X-Robots-Tag"] == "noindex, nofollow"
    assert ConsentRecord.objects.count() == 1


def test_preferences_post_records_each_change_with_the_wording_shown(papadopoulos: Customer) -> None:
    client = Client()
    path = preferences_path(papadopoulos)
    client.get(path)  # the CSRF cookie, as a browser has it
    token = client.cookies["csrftoken"].value
    data = {
        "csrfmiddlewaretoken": token,
        "marketing.email": "on",
        "surveys.email": "on",
        "surveys.phone": "on",
        "profiling.email": "on",
        "profiling.sms": "on",
        "profiling.phone": "on",
    }
    page = client.post(path, data)
    assert page.status_code == 200
    assert 'data-preferences-saved="2"' in page.content.decode()
    assert consent_allows(papadopoulos.pk, "marketing", "email") is True
    assert consent_allows(papadopoulos.pk, "surveys", "sms") is False
    records = {(r.purpose, r.channel): r for r in ConsentRecord.objects.filter(customer=papadopoulos)}
    assert set(records) == {("marketing", "email"), ("surveys", "sms")}
    assert all(r.source == "link" for r in records.values())
    assert records[("marketing", "email")].wording  # the sentence the page showed
    assert client.post(path, data).status_code == 200  # the same again adds nothing
    assert ConsentRecord.objects.count() == 2


def test_preferences_page_is_for_its_customer_only(papadopoulos: Customer, make_customer: Any) -> None:
    other = make_customer(first_name="Ελένη", last_name="Νικολάου", language="en")
    consent_record(customer=other, purpose="marketing", channel="email", granted=True, source="form")
    page = Client().get(preferences_path(other))
    html = page.content.decode()
    assert 'lang="en"' in html
    assert 'name="marketing.email" checked' in html
    assert (
        'name="marketing.email" checked' not in Client().get(preferences_path(papadopoulos)).content.decode()
    )


def test_one_click_unsubscribe_withdraws_marketing_email_at_once(papadopoulos: Customer) -> None:
    consent_record(customer=papadopoulos, purpose="marketing", channel="email", granted=True, source="form")
    path = unsubscribe_path(papadopoulos)
    client = Client(enforce_csrf_checks=True)  # as a mail client: no session, no CSRF token
    assert client.get(path).status_code == 200
    assert consent_allows(papadopoulos.pk, "marketing", "email") is True  # a GET only shows
    answer = client.post(path, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded")
    assert answer.status_code == 200
    assert consent_allows(papadopoulos.pk, "marketing", "email") is False
    latest = ConsentRecord.objects.filter(customer=papadopoulos).first()
    assert latest is not None
    assert (latest.source, latest.note) == ("link", "List-Unsubscribe=One-Click")
    assert latest.wording == one_click_wording(papadopoulos)  # in the customer's language
    client.post(path, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded")
    assert ConsentRecord.objects.filter(customer=papadopoulos).count() == 2  # a second POST adds nothing


@pytest.mark.parametrize("method", ["get", "post"])
def test_tampered_expired_or_foreign_tokens_change_nothing(papadopoulos: Customer, method: str) -> None:
    client = Client()
    good = unsubscribe_path(papadopoulos).rstrip("/").rsplit("/", 1)[1]
    other_salt = signing.dumps({"c": papadopoulos.pk}, salt="something.else")
    for token in (good[:-3] + "abc", "made-up", other_salt):
        answer = getattr(client, method)(f"/privacy/unsubscribe/{token}/")
        assert answer.status_code == 404
        assert (
            "This link does not work" in answer.content.decode()
            or "δεν λειτουργεί" in answer.content.decode()
        )
    # a preferences token is not an unsubscribe token
    pref = preferences_path(papadopoulos).rstrip("/").rsplit("/", 1)[1]
    assert getattr(client, method)(f"/privacy/unsubscribe/{pref}/").status_code == 404
    assert not ConsentRecord.objects.exists()


def test_expired_link(papadopoulos: Customer, settings: Any, monkeypatch: Any) -> None:
    import pelatis.privacy.links as links

    path = unsubscribe_path(papadopoulos)
    monkeypatch.setattr(links, "LINK_MAX_AGE", -1)
    assert Client().post(path).status_code == 404
    assert not ConsentRecord.objects.exists()


def test_preference_changes_are_limited_per_customer_not_per_address(
    papadopoulos: Customer, make_customer: Any, monkeypatch: Any
) -> None:
    import pelatis.privacy.views as views

    monkeypatch.setattr(views, "RATE_LIMIT", 2)
    client = Client()  # one address for everyone, as an office or a mail provider
    path = preferences_path(papadopoulos)
    assert [client.post(path).status_code for _ in range(3)] == [200, 200, 429]
    assert client.get(path).status_code == 200  # looking is not limited
    other = make_customer(first_name="Ελένη", last_name="Νικολάου", emails=["eleni@example.gr"])
    assert client.post(preferences_path(other)).status_code == 200  # another customer's link still works


def test_one_click_unsubscribe_is_never_refused_by_the_limit(
    papadopoulos: Customer, monkeypatch: Any
) -> None:
    import pelatis.privacy.views as views

    monkeypatch.setattr(views, "RATE_LIMIT", 1)
    consent_record(customer=papadopoulos, purpose="marketing", channel="email", granted=True, source="form")
    client = Client()
    path = unsubscribe_path(papadopoulos)
    statuses = [
        client.post(path, "List-Unsubscribe=One-Click", content_type=FORM).status_code for _ in range(5)
    ]
    assert statuses == [200] * 5
    assert consent_allows(papadopoulos.pk, "marketing", "email") is False
    assert ConsentRecord.objects.filter(customer=papadopoulos).count() == 2  # the repeats wrote nothing


def test_a_valid_unsubscribe_passes_from_an_address_the_bad_link_wall_blocks(
    papadopoulos: Customer, settings: Any
) -> None:
    """Mail providers post one-click unsubscribes from shared addresses: someone else's bad links from
    the same address must not cost our customer their unsubscribe."""
    settings.PELATIS_BAD_LINK_LIMIT = 3
    consent_record(customer=papadopoulos, purpose="marketing", channel="email", granted=True, source="form")
    client = Client(REMOTE_ADDR="198.51.100.7")
    good = unsubscribe_path(papadopoulos)
    bad = [f"/privacy/unsubscribe/{good.rstrip('/').rsplit('/', 1)[1][:-3]}x{n:02d}/" for n in range(4)]
    assert [client.post(path).status_code for path in bad] == [404, 404, 404, 429]  # the wall stands
    assert client.post(bad[0]).status_code == 429
    answer = client.post(good, "List-Unsubscribe=One-Click", content_type=FORM)
    assert answer.status_code == 200
    assert consent_allows(papadopoulos.pk, "marketing", "email") is False
    assert client.get(preferences_path(papadopoulos)).status_code == 200  # the customer's own page too


def test_a_signed_link_of_an_erased_customer_is_not_counted_as_a_guess(
    papadopoulos: Customer, settings: Any
) -> None:
    settings.PELATIS_BAD_LINK_LIMIT = 2
    client = Client()
    path = unsubscribe_path(papadopoulos)
    Customer.objects.filter(pk=papadopoulos.pk).delete()
    assert [client.post(path).status_code for _ in range(4)] == [404] * 4  # never the wall's 429


def test_a_merged_customers_old_link_speaks_for_the_customer_kept(
    papadopoulos: Customer, make_customer: Any, manager: Any
) -> None:
    from pelatis.customers.services import customer_merge

    twin = make_customer(first_name="Γιώργος", last_name="Παπαδόπουλος", emails=["gp@example.gr"])
    path = unsubscribe_path(twin)
    customer_merge(survivor=papadopoulos, merged=twin, by=manager)
    Client().post(path)
    assert ConsentRecord.objects.get().customer_id == papadopoulos.pk


def test_the_page_greets_the_customer_as_our_emails_do(papadopoulos: Customer) -> None:
    html = Client().get(preferences_path(papadopoulos)).content.decode()
    assert "Αγαπητέ κύριε Παπαδόπουλε," in html
