"""The segment editor saves only when asked: its field and operator selects, its buttons and the Enter key
redraw the rules (a fragment with htmx, never a page inside the page) and write nothing; counts read as
the UI's language writes numbers; every field, group and operator label is in Greek on a Greek page."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import translation

from pelatis.core.segmentfields import operator_label
from pelatis.engagement import queries_segments
from pelatis.engagement.forms_segments import field_groups
from pelatis.engagement.models import Segment
from pelatis.engagement.segments import segment_fields
from pelatis.engagement.views import segments as segment_views

HX = {"HX-Request": "true"}
GREEK = {"op": "and", "rules": [{"field": "customer.language", "op": "eq", "value": "el"}]}
# the editor's inputs after the user changed the first rule's operator from "is" to "is not"
OPERATOR_CHANGED = {
    "name": "Ελληνόφωνοι",
    "description": "",
    "op": "and",
    "rules.0.field": "customer.language",
    "rules.0.op": "ne",
    "rules.0.value": "el",
}


@pytest.fixture
def manager_client(manager: Any) -> Client:
    client = Client()
    client.force_login(manager)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "el"  # the language switch's choice
    return client


def is_fragment(html: str) -> bool:
    return 'id="segment-editor"' in html and "<html" not in html and "sidebar" not in html


@pytest.mark.parametrize("action", [None, "redraw"])
def test_an_operator_change_redraws_the_rules_and_saves_nothing(
    manager_client: Client, action: str | None
) -> None:
    segment = Segment.objects.create(name="Ελληνόφωνοι", definition=GREEK)
    url = reverse("engagement:segment_edit", args=[segment.pk])
    data = OPERATOR_CHANGED | ({"action": action} if action else {})
    answer = manager_client.post(url, data, headers=HX)
    html = answer.content.decode()
    assert answer.status_code == 200
    assert is_fragment(html)
    assert '<option value="ne" selected>' in html
    segment.refresh_from_db()
    assert segment.definition == GREEK  # unchanged until Save


def test_an_incomplete_rule_redraws_without_errors_or_a_page(manager_client: Client) -> None:
    segment = Segment.objects.create(name="Ελληνόφωνοι", definition=GREEK)
    url = reverse("engagement:segment_edit", args=[segment.pk])
    half = {"op": "and", "rules.0.field": "orders.spend", "rules.0.op": "gt", "rules.0.value": ""}
    answer = manager_client.post(url, {**half, "action": "add-group:"}, headers=HX)
    html = answer.content.decode()
    assert answer.status_code == 200
    assert is_fragment(html)
    assert "data-error-for" not in html
    assert 'name="rules.1.group"' in html
    segment.refresh_from_db()
    assert segment.definition == GREEK


def test_a_new_segment_is_not_created_by_a_redraw(manager_client: Client) -> None:
    url = reverse("engagement:segment_new")
    for data in (OPERATOR_CHANGED, {**OPERATOR_CHANGED, "action": "redraw"}):
        answer = manager_client.post(url, data, headers=HX)
        assert answer.status_code == 200
        assert is_fragment(answer.content.decode())
    # without JavaScript (no htmx) a post without the Save button draws the page again, still unsaved
    whole = manager_client.post(url, OPERATOR_CHANGED)
    assert whole.status_code == 200
    assert whole.content.decode().count("<html") == 1
    assert not Segment.objects.exists()
    saved = manager_client.post(url, {**OPERATOR_CHANGED, "action": "save"})
    assert saved.status_code == 302
    assert Segment.objects.get().definition["rules"][0]["op"] == "ne"


def test_a_refused_save_draws_one_whole_page(manager_client: Client) -> None:
    answer = manager_client.post(
        reverse("engagement:segment_new"),
        {**OPERATOR_CHANGED, "rules.0.value": "", "rules.0.op": "eq", "action": "save"},
    )
    html = answer.content.decode()
    assert answer.status_code == 422
    assert html.count("<html") == 1
    assert html.count('class="sidebar"') == 1
    assert html.count('id="segment-editor"') == 1
    assert not Segment.objects.exists()


def test_the_selects_ask_for_a_redraw_and_enter_does_not_save(manager_client: Client) -> None:
    segment = Segment.objects.create(name="Ελληνόφωνοι", definition=GREEK)
    html = manager_client.get(reverse("engagement:segment_edit", args=[segment.pk])).content.decode()
    for name in ("rules.0.field", "rules.0.op"):
        tag = html.split(f'name="{name}"', 1)[1].split(">", 1)[0]
        assert """hx-vals='{"action": "redraw"}'""" in tag
    # Enter in a text box clicks the form's first submit button: a redraw, not Save nor a rule's ✕
    form = html.split('id="segment-form"', 1)[1]
    first_submit = form.split('type="submit"', 1)[1].split(">", 1)[0]
    assert 'value="redraw"' in first_submit


def test_counts_are_written_as_greek_writes_numbers(
    manager_client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    segment = Segment.objects.create(name="Ελληνόφωνοι", definition=GREEK)
    monkeypatch.setattr(queries_segments, "counts_of", lambda segments: {s.pk: 1035 for s in segments})
    monkeypatch.setattr(segment_views, "segment_count", lambda tree: 12345)
    listed = manager_client.get(reverse("engagement:segments"))
    assert f'data-segment="{segment.pk}"' in listed.content.decode()
    assert ">1.035<" in listed.content.decode()
    live = manager_client.post(reverse("engagement:segment_count"), OPERATOR_CHANGED, headers=HX)
    assert 'data-live-count="12345">12.345 ' in live.content.decode()
    manager_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = manager_client.post(reverse("engagement:segment_count"), OPERATOR_CHANGED, headers=HX)
    assert "12,345 customers match now" in english.content.decode()


def test_every_label_of_the_editor_is_translated() -> None:
    def labels(language: str) -> dict[str, str]:
        with translation.override(language):
            found = {f"group {g.fields[0][0]}": g.label for g in field_groups()}
            for key, item in segment_fields().items():
                found[key] = str(item.label)
                found[f"{key} help"] = str(item.help_text)
                found |= {f"{key} {op}": operator_label(item.kind, op) for op in item.ops()}
            return found

    greek, english = labels("el"), labels("en")
    same = {key for key, text in greek.items() if text and text == english[key]}
    assert not same, same
    assert greek["customer.kind"] == "Πρόσωπο ή εταιρεία"
    assert greek["customer.birthday_month"] == "Μήνας γενεθλίων"
