"""The segment pages: list with live counts, the editor (and/or groups, live count, preview, save) and who may do what."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from pelatis.engagement.models import Segment

HX = {"HX-Request": "true"}
GREEK = {"op": "and", "rules": [{"field": "customer.language", "op": "eq", "value": "el"}]}


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def people(make_customer: Any) -> list[Any]:
    return [
        make_customer(first_name="Γιώργος", last_name="Παπαδόπουλος", tags=["VIP"]),
        make_customer(first_name="Ελένη", last_name="Γεωργίου", language="el"),
        make_customer(first_name="John", last_name="Smith", language="en", tags=["VIP"]),
    ]


def test_list_shows_live_counts_to_agents(agent: Any, people: Any) -> None:
    segment = Segment.objects.create(name="Ελληνόφωνοι", definition=GREEK)
    page = client_for(agent).get(reverse("engagement:segments"))
    assert page.status_code == 200
    html = page.content.decode()
    assert f'data-segment="{segment.pk}"' in html
    assert 'data-count="2"' in html
    assert "data-new-segment" not in html  # agents view, managers create


def test_read_only_and_outsiders_are_refused(reader: Any, outsider: Any) -> None:
    for user in (reader, outsider):
        assert client_for(user).get(reverse("engagement:segments")).status_code == 403
    assert Client().get(reverse("engagement:segments")).status_code == 302  # to the log-in


def test_agent_cannot_open_the_editor(agent: Any) -> None:
    segment = Segment.objects.create(name="Ελληνόφωνοι", definition=GREEK)
    client = client_for(agent)
    assert client.get(reverse("engagement:segment_new")).status_code == 403
    answer = client.post(reverse("engagement:segment_edit", args=[segment.pk]), {"name": "Άλλο", "op": "and"})
    assert answer.status_code == 403
    assert Segment.objects.get().name == "Ελληνόφωνοι"


def test_manager_builds_groups_and_saves(manager: Any, people: Any) -> None:
    client = client_for(manager)
    url = reverse("engagement:segment_new")
    assert client.get(url).status_code == 200
    # adding a group redraws only the editor, with the group's inputs named by their place
    base = {
        "name": "VIP Ελλάδα",
        "op": "and",
        "rules.0.field": "customer.language",
        "rules.0.op": "eq",
        "rules.0.value": "el",
    }
    drawn = client.post(url, {**base, "action": "add-group:"}, headers=HX)
    html = drawn.content.decode()
    assert drawn.status_code == 200
    assert 'id="segment-editor"' in html
    assert "<html" not in html
    assert 'name="rules.1.group"' in html
    assert 'name="rules.1.rules.0.field"' in html
    saved = client.post(
        url,
        {
            **base,
            "rules.1.group": "1",
            "rules.1.op": "or",
            "rules.1.rules.0.field": "customer.tags",
            "rules.1.rules.0.op": "any",
            "rules.1.rules.0.value": ["VIP"],
            "rules.1.rules.1.field": "customer.kind",
            "rules.1.rules.1.op": "eq",
            "rules.1.rules.1.value": "company",
            "action": "save",
        },
    )
    segment = Segment.objects.get()
    assert saved.status_code == 302
    assert saved.headers["Location"] == reverse("engagement:segment", args=[segment.pk])
    assert segment.definition == {
        "op": "and",
        "rules": [
            {"field": "customer.language", "op": "eq", "value": "el"},
            {
                "op": "or",
                "rules": [
                    {"field": "customer.tags", "op": "any", "value": ["VIP"]},
                    {"field": "customer.kind", "op": "eq", "value": "company"},
                ],
            },
        ],
    }
    detail = client.get(reverse("engagement:segment", args=[segment.pk])).content.decode()
    assert 'data-total="1"' in detail
    assert "Παπαδόπουλος" in detail
    assert "Smith" not in detail


def test_bad_rules_are_shown_where_they_are_and_nothing_is_saved(manager: Any) -> None:
    answer = client_for(manager).post(
        reverse("engagement:segment_new"),
        {
            "name": "Μεγάλοι πελάτες",
            "op": "and",
            "rules.0.field": "orders.spend",
            "rules.0.op": "gt",
            "rules.0.value": "πολλά",
            "rules.1.field": "",
            "action": "save",
        },
    )
    assert answer.status_code == 422
    html = answer.content.decode()
    assert 'data-error-for="rules.0.value"' in html
    assert 'data-error-for="rules.1.field"' in html
    assert "πολλά" in html  # the value typed stays in its input
    assert not Segment.objects.exists()


def test_removing_a_rule_closes_the_gap(manager: Any) -> None:
    drawn = (
        client_for(manager)
        .post(
            reverse("engagement:segment_new"),
            {
                "op": "and",
                "rules.0.field": "customer.language",
                "rules.0.op": "eq",
                "rules.0.value": "el",
                "rules.1.field": "customer.tags",
                "rules.1.op": "any",
                "rules.1.value": "VIP",
                "action": "remove:rules.0.",
            },
            headers=HX,
        )
        .content.decode()
    )
    assert 'name="rules.0.field"' in drawn
    assert 'name="rules.1.field"' not in drawn
    assert '<option value="customer.tags" selected>' in drawn


def test_live_count_and_preview_of_an_unsaved_filter(agent: Any, people: Any) -> None:
    client = client_for(agent)
    rule = {"op": "and", "rules.0.field": "customer.tags", "rules.0.op": "any", "rules.0.value": "VIP"}
    count = client.post(reverse("engagement:segment_count"), rule, headers=HX).content.decode()
    assert 'data-live-count="2"' in count
    incomplete = client.post(
        reverse("engagement:segment_count"), {"op": "and", "rules.0.field": ""}, headers=HX
    )
    assert 'data-live-count=""' in incomplete.content.decode()
    preview = client.post(reverse("engagement:segment_preview"), rule, headers=HX).content.decode()
    assert "Γιώργος Παπαδόπουλος" in preview
    assert "John Smith" in preview
    assert "Ελένη" not in preview


def test_preview_is_paged(agent: Any, make_customer: Any) -> None:
    for i in range(12):
        make_customer(first_name=f"Πελάτης{i:02d}", last_name="Θεσσαλονίκης")
    client = client_for(agent)
    rule = {"op": "and", "rules.0.field": "customer.language", "rules.0.op": "eq", "rules.0.value": "el"}
    first = client.post(reverse("engagement:segment_preview"), rule, headers=HX).content.decode()
    assert first.count("data-customer=") == 10
    assert 'value="2"' in first
    second = client.post(reverse("engagement:segment_preview"), {**rule, "preview_page": "2"}, headers=HX)
    assert second.content.decode().count("data-customer=") == 2


def test_manager_edits_in_one_step(manager: Any) -> None:
    segment = Segment.objects.create(name="Ελληνόφωνοι", definition=GREEK)
    other = Segment.objects.create(name="Αγγλόφωνοι", definition=GREEK)
    client = client_for(manager)
    url = reverse("engagement:segment_edit", args=[segment.pk])
    page = client.get(url).content.decode()
    assert '<option value="customer.language" selected>' in page
    # a taken name refuses the whole change: the rules are not saved either
    changed = {"op": "or", "rules.0.field": "customer.language", "rules.0.op": "eq", "rules.0.value": "en"}
    refused = client.post(url, {"name": other.name, **changed, "action": "save"})
    assert refused.status_code == 422
    segment.refresh_from_db()
    assert segment.definition == GREEK
    assert client.post(url, {"name": "Αγγλόφωνοι πελάτες", **changed, "action": "save"}).status_code == 302
    segment.refresh_from_db()
    assert segment.definition["rules"][0]["value"] == "en"
    assert segment.definition["op"] == "or"
