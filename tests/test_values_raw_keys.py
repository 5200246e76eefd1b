"""No raw keys on the pages staff and customers read: every coded value (channels, platforms, sales
channels, statuses, types, segments, metric names) is shown by its name in the reader's language.

The pages are rendered in Greek over the demo book (real services wrote it: orders by several sales
channels, tickets from every channel, reviews from Google, Tripadvisor and Facebook, scored customers),
and their visible text is searched for the codes of every choice list the UI uses.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.apps import apps
from django.core.cache import cache
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from tests.visible_text import visible_text

pytestmark = pytest.mark.django_db

APPS = (
    "customers",
    "helpdesk",
    "channels",
    "feedback",
    "analytics",
    "accounts",
    "web",
    "loyalty",
    "privacy",
    "engagement",
)
# Metric names as the code calls them; pages say «Πιθανότητα να παραμένει ενεργός», «Επίλυση με την πρώτη επαφή».
METRIC_CODES = ("P(alive)", "p_alive", "FCR", "fcr_pct", "clv", "aov", "first_response_minutes")
_PLACEHOLDER = re.compile(r"\{\{\s*[a-z_]+\s*\}\}")
_GREEK = re.compile(r"[\u0370-\u03ff\u1f00-\u1fff]")
_TOKEN = re.compile(r"(?<![\w@./#-])[a-z][a-z0-9_.]*[a-z0-9](?![\w@/-])")


def choice_codes() -> dict[str, str]:
    """code → where it comes from, for every choice of every model field of the apps. The pages are Greek:
    a code in small Latin letters there ("in_person", "champions", "email") is a code shown raw, while its
    name is Greek or capitalised («Δια ζώσης», «Πρωταθλητές», "Email")."""
    codes: dict[str, str] = {}
    for label in APPS:
        for model in apps.get_app_config(label).get_models():
            for field in model._meta.get_fields():
                for value, _name in getattr(field, "flatchoices", None) or ():
                    if isinstance(value, str) and re.fullmatch(r"[a-z][a-z_]+", value):
                        codes.setdefault(value, f"{model.__name__}.{field.name}")
    return codes


def raw_keys_in(text: str, codes: set[str]) -> list[str]:
    """The codes that stand as words in the page's text, line by line. In a line with Greek in it every
    code counts («Κριτική στο google»); in a line without Greek, a code with an underscore counts, and the
    others only when the line is nothing but codes ("google", "web · phone"): other Latin lines are
    someone's words (an English review, a name), where "new" or "paid" are plain words."""
    found = []
    for line in text.splitlines():
        line = _PLACEHOLDER.sub(
            " ", line
        ).strip()  # a template's {{ points }} is meant to be shown as written
        tokens = _TOKEN.findall(line)
        words = re.findall(r"[^\W\d]+(?:[_.][^\W\d]+)*", line)
        if not line:
            continue
        if not (_GREEK.search(line) or (words and all(w in codes for w in words))):
            # a code with an underscore is never someone's word: it counts anywhere
            found += [f"{token!r} in {line!r}" for token in tokens if token in codes and "_" in token]
            continue
        found += [f"{token!r} in {line!r}" for token in tokens if token in codes]
        found += [f"{code!r} in {line!r}" for code in METRIC_CODES if not code.islower() and code in line]
    return found


@pytest.fixture
def book(db: None) -> Iterator[dict[str, Any]]:
    """A small demo book, as `make run` loads it, with its dashboard computed."""
    from pelatis.customers.models import Customer, Order
    from pelatis.engagement.models import Journey, MessageTemplate, Segment
    from pelatis.feedback.models import Review
    from pelatis.helpdesk.models import Ticket

    cache.clear()
    call_command("demo", "--customers", "80", stdout=io.StringIO())
    customer = (
        Customer.objects.filter(orders__channel__gt="")
        .exclude(orders__channel="online")
        .order_by("id")
        .first()
    )
    yield {
        "customer": customer,
        "tickets": list(Ticket.objects.order_by("id").values_list("pk", "channel")),
        "review": Review.objects.order_by("id").first(),
        "platforms": set(Review.objects.values_list("platform", flat=True)),
        "sales_channels": set(Order.objects.exclude(channel="").values_list("channel", flat=True)),
        "segments": list(Segment.objects.values_list("pk", flat=True)),
        "templates": list(MessageTemplate.objects.values_list("pk", flat=True)),
        "journeys": list(Journey.objects.values_list("pk", flat=True)),
    }
    cache.clear()


def pages(book: dict[str, Any]) -> list[str]:
    from urllib.parse import urlsplit

    from pelatis.channels.web import portal_url
    from pelatis.helpdesk.models import Ticket

    one_per_channel = {channel: pk for pk, channel in book["tickets"]}
    return [
        reverse("customers:list"),
        reverse("customers:detail", args=[book["customer"].pk]),
        reverse("helpdesk:inbox"),
        reverse("helpdesk:inbox") + "?view=all",
        *[reverse("helpdesk:ticket", args=[pk]) for pk in one_per_channel.values()],
        reverse("feedback:reviews"),
        reverse("feedback:review", args=[book["review"].pk]),
        reverse("analytics:dashboard"),
        reverse("loyalty:programme"),
        reverse("loyalty:statement", args=[book["customer"].pk]),
        reverse("engagement:home"),
        reverse("engagement:segments"),
        *[reverse("engagement:segment", args=[pk]) for pk in book["segments"]],
        reverse("engagement:templates"),
        *[reverse("engagement:template", args=[pk]) for pk in book["templates"]],
        reverse("engagement:campaigns"),
        reverse("engagement:campaign_new"),
        reverse("engagement:journeys"),
        *[reverse("engagement:journey", args=[pk]) for pk in book["journeys"]],
        *[reverse("engagement:journey_results", args=[pk]) for pk in book["journeys"]],
        reverse("engagement:product_pairs"),
        reverse("privacy:requests"),
        reverse("privacy:audit"),
        reverse("privacy:retention"),
        reverse("account:profile"),
        reverse("account:tokens"),
        "/support/",
        urlsplit(portal_url(Ticket.objects.get(pk=book["tickets"][0][0]))).path,
    ]


def test_the_pages_show_no_raw_keys_in_greek(book: dict[str, Any]) -> None:
    from django.contrib.auth import get_user_model

    codes = (
        set(choice_codes())
        | book["platforms"]
        | book["sales_channels"]
        | {c for c in METRIC_CODES if c.islower()}
    )
    codes -= {"online", "email"}  # Greek words too: «παρακολουθείτε online», «σας απαντά με email»
    # The demo's users are called admin, manager and agent: the audit log rightly shows user names (roles
    # are shown by their labels, checked on the same pages through the header's role line).
    codes -= {"admin", "manager", "agent"}
    assert {"in_person", "social", "at_risk", "champions", "google", "tripadvisor", "reception"} <= codes
    client = Client()
    client.force_login(get_user_model().objects.get(username="admin"))
    client.cookies["django_language"] = "el"
    problems = []
    for path in pages(book):
        response = client.get(path)
        assert response.status_code == 200, path
        problems += [f"{path}: {p}" for p in raw_keys_in(visible_text(response.content.decode()), codes)]
    assert problems == [], "\n".join(problems)


def test_the_check_passes_a_template_placeholder_but_not_a_bare_key() -> None:
    codes = {"points", "name_day"}
    assert raw_keys_in("Έχετε {{ points }} πόντους, γιορτή: {{name_day}}", codes) == []
    assert raw_keys_in("Βάση: points", codes) == ["'points' in 'Βάση: points'"]


def test_the_check_finds_a_raw_key() -> None:
    codes = {"in_person", "google", "at_risk"}
    text = visible_text(
        "<ul><li>Κανάλι: in_person</li><li><span>google</span></li>"
        "<li title='at_risk'>Σε κίνδυνο</li><li>We loved it, google it and stay</li>"
        "<li>Mention on facebook by at_risk</li>"
        "<li>g.papadopoulos@google.example</li><li><script>var x = 'at_risk';</script></li></ul>"
    )
    assert raw_keys_in(text, codes) == [
        "'in_person' in 'Κανάλι: in_person'",
        "'google' in 'google'",
        "'at_risk' in 'at_risk'",
        "'at_risk' in 'Mention on facebook by at_risk'",
    ]
    assert raw_keys_in(visible_text("<td>P(alive)</td><td>Πιθανότητα P(alive)</td>"), set()) == [
        "'P(alive)' in 'Πιθανότητα P(alive)'"
    ]
