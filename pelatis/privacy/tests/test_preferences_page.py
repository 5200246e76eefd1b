"""The customer's preferences page as a browser meets it: its form can be posted back under the page's own
referrer policy, offers are asked as a yes, and what we do unless the customer objects is worded (and
recorded) as an objection, never as a consent they gave."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import translation

from pelatis.customers.models import Customer
from pelatis.privacy.links import preferences_path
from pelatis.privacy.models import ConsentRecord, Purpose
from pelatis.privacy.queries import consent_allows
from pelatis.privacy.texts import HOW_TO_CHOOSE, choice_statement

pytestmark = pytest.mark.django_db

ORIGIN = "http://testserver"


@pytest.fixture(autouse=True)
def _fresh(settings: Any) -> None:
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "privacy-page"}
    }
    cache.clear()


def origin_chromium_sends(referrer_policy: str) -> str:
    """The Origin header Chromium puts on a same-origin form POST from a page served with this policy
    (Fetch, "append a request Origin header": a no-referrer page posts "Origin: null")."""
    return "null" if referrer_policy.strip().lower() == "no-referrer" else ORIGIN


def test_the_form_posts_back_as_chromium_posts_it(papadopoulos: Customer) -> None:
    client = Client(enforce_csrf_checks=True)
    path = preferences_path(papadopoulos)
    page = client.get(path)
    policy = page["Referrer-Policy"]
    assert policy != "no-referrer"  # Chromium would post "Origin: null" and Django's CSRF check refuses it
    assert policy in {
        "same-origin",
        "strict-origin",
        "strict-origin-when-cross-origin",
    }  # the token stays home
    data = {"csrfmiddlewaretoken": client.cookies["csrftoken"].value, "marketing.email": "on"}
    answer = client.post(path, data, HTTP_ORIGIN=origin_chromium_sends(policy))
    assert answer.status_code == 200
    assert consent_allows(papadopoulos.pk, "marketing", "email") is True
    # What the header was guarding against: a null Origin fails, whatever the token.
    assert client.post(path, data, HTTP_ORIGIN="null").status_code == 403


def test_offers_need_a_yes_and_surveys_are_worded_as_an_objection(papadopoulos: Customer) -> None:
    html = Client().get(preferences_path(papadopoulos)).content.decode()
    assert 'data-purpose="marketing" data-basis="opt-in"' in html
    assert 'data-purpose="surveys" data-basis="unless-objected"' in html
    assert 'data-purpose="profiling" data-basis="unless-objected"' in html
    assert 'name="marketing.email">' in html  # never pre-ticked without their yes
    assert 'name="surveys.email" checked' in html  # we do send them, until they object
    with translation.override("el"):
        assert str(HOW_TO_CHOOSE[Purpose.SURVEYS]) in html
        assert str(HOW_TO_CHOOSE[Purpose.MARKETING]) in html
    legend = html.split("<legend>", 1)[1].split("</legend>", 1)[0]
    assert legend == "Προσφορές και νέα"  # the description sits under the legend, not in it


def test_what_is_recorded_says_what_the_customer_stated(papadopoulos: Customer) -> None:
    client = Client()
    path = preferences_path(papadopoulos)
    kept = ["surveys.sms", "surveys.phone", "profiling.email", "profiling.sms", "profiling.phone"]
    client.post(path, {"marketing.email": "on", **dict.fromkeys(kept, "on")})  # unticks surveys by email
    records = {(r.purpose, r.channel): r for r in ConsentRecord.objects.filter(customer=papadopoulos)}
    assert set(records) == {("marketing", "email"), ("surveys", "email")}
    assert records[("marketing", "email")].granted is True
    with translation.override("el"):  # the customer's language
        said = {granted: choice_statement("surveys", "email", granted) for granted in (True, False)}
        assert records[("marketing", "email")].wording.endswith(choice_statement("marketing", "email", True))
    objection = records[("surveys", "email")]
    assert objection.granted is False
    assert objection.wording.endswith(said[False])
    assert said[False] != said[True]
    client.post(path, {"marketing.email": "on", "surveys.email": "on", **dict.fromkeys(kept, "on")})
    back = ConsentRecord.objects.filter(customer=papadopoulos, purpose="surveys").first()
    assert back is not None
    assert back.granted is True
    assert back.wording.endswith(said[True])
