"""The message-template pages: managers create and edit templates with a version per language, agents
see them and preview them for a customer; errors name the field and the placeholder."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from ..models import MessageTemplate
from ..services.content import VersionInput, template_save
from .test_send import customer

pytestmark = pytest.mark.django_db


def form_data(**overrides: Any) -> dict[str, Any]:
    data = {
        "name": "Γιορτή",
        "channel": "email",
        "purpose": "marketing",
        "fallback_language": "el",
        "rows": "3",
        "v0-language": "el",
        "v0-subject": "Χρόνια πολλά, {{ address }}",
        "v0-body": "Αγαπητέ {{ address }},\nχρόνια πολλά!",
        "v1-language": "en",
        "v1-subject": "Happy name day",
        "v1-body": "Dear {{ address }}, happy name day!",
        "v2-language": "",
        "v2-subject": "",
        "v2-body": "",
    }
    data.update(overrides)
    return data


@pytest.fixture
def greeting() -> MessageTemplate:
    return template_save(
        name="Ευχές",
        channel="email",
        purpose="marketing",
        fallback_language="en",
        versions=[
            VersionInput(language="el", subject="Ευχές, {{ address }}", body="Χρόνια πολλά, {{ address }}!"),
            VersionInput(language="en", subject="Best wishes", body="Happy name day, {{ address }}!"),
        ],
    )


def test_manager_creates_a_template_with_two_languages(client_as: Any, manager: Any) -> None:
    client = client_as(manager)

    response = client.post(reverse("engagement:template_new"), form_data())

    template = MessageTemplate.objects.get(name="Γιορτή")
    assert response.status_code == 302
    assert response["Location"] == reverse("engagement:template", args=[template.pk])
    assert sorted(template.versions.values_list("language", flat=True)) == ["el", "en"]
    assert template.created_by == manager


def test_an_unknown_placeholder_is_named_next_to_its_row_and_nothing_is_saved(
    client_as: Any, manager: Any
) -> None:
    client = client_as(manager)

    response = client.post(
        reverse("engagement:template_new"), form_data(**{"v1-body": "Dear {{ frist_name }}"})
    )

    assert response.status_code == 422
    page = response.content.decode()
    assert 'data-error-for="body"' in page
    assert "{{ frist_name }}" in page
    assert not MessageTemplate.objects.exists()


def test_a_template_tag_is_refused(client_as: Any, manager: Any) -> None:
    response = client_as(manager).post(
        reverse("engagement:template_new"), form_data(**{"v0-body": "{% include 'x.html' %}"})
    )
    assert response.status_code == 422
    assert not MessageTemplate.objects.exists()


def test_editing_removes_a_language_left_empty(
    client_as: Any, manager: Any, greeting: MessageTemplate
) -> None:
    client = client_as(manager)
    page = client.get(reverse("engagement:template_edit", args=[greeting.pk]))
    assert "Χρόνια πολλά, {{ address }}!" in page.content.decode()

    response = client.post(
        reverse("engagement:template_edit", args=[greeting.pk]),
        form_data(name="Ευχές", fallback_language="el", **{"v1-subject": "", "v1-body": ""}),
    )

    assert response.status_code == 302
    assert list(greeting.versions.values_list("language", flat=True)) == ["el"]


def test_the_fallback_language_must_have_a_version(client_as: Any, manager: Any) -> None:
    response = client_as(manager).post(reverse("engagement:template_new"), form_data(fallback_language="de"))
    assert response.status_code == 422
    assert 'data-error-for="fallback_language"' in response.content.decode()


def test_agent_sees_and_previews_but_cannot_edit(
    client_as: Any, agent: Any, greeting: MessageTemplate
) -> None:
    client = client_as(agent)
    hans = customer(first_name="Hans", last_name="Müller", title="Herr", language="de")

    listing = client.get(reverse("engagement:templates"))
    preview = client.get(reverse("engagement:template", args=[greeting.pk]), {"customer": hans.pk})
    edit = client.get(reverse("engagement:template_edit", args=[greeting.pk]))
    post = client.post(reverse("engagement:template_new"), form_data())

    assert listing.status_code == 200
    assert "Ευχές" in listing.content.decode()
    page = preview.content.decode()
    assert 'data-version-used="en"' in page
    assert "Happy name day, Mr Müller!" in page
    assert "data-no-consent" in page  # marketing is opt-in: it would not be sent
    assert edit.status_code == 403
    assert post.status_code == 403
    assert MessageTemplate.objects.count() == 1


def test_preview_in_greek_uses_the_vocative(client_as: Any, agent: Any, greeting: MessageTemplate) -> None:
    giorgos = customer()
    response = client_as(agent).get(
        reverse("engagement:template", args=[greeting.pk]), {"customer": giorgos.pk}
    )
    page = response.content.decode()
    assert 'data-version-used="el"' in page
    assert "Χρόνια πολλά, κύριε Παπαδόπουλε!" in page


def test_the_search_box_finds_customers_to_preview(
    client_as: Any, agent: Any, greeting: MessageTemplate
) -> None:
    giorgos = customer()
    response = client_as(agent).get(
        reverse("engagement:template_customers", args=[greeting.pk]), {"q": "papadopoulos"}
    )
    assert f'data-preview-customer="{giorgos.pk}"' in response.content.decode()


def test_a_long_greek_sms_is_warned_about(client_as: Any, manager: Any) -> None:
    response = client_as(manager).post(
        reverse("engagement:template_new"),
        form_data(
            channel="sms", **{"v0-subject": "", "v0-body": "α" * 300, "v1-subject": "", "v1-body": "Hi"}
        ),
        follow=True,
    )
    page = response.content.decode()
    assert "data-warning" in page
    assert "UCS-2" in page


def test_outsider_and_anonymous_are_kept_out(
    client_as: Any, outsider: Any, greeting: MessageTemplate
) -> None:
    anonymous = Client().get(reverse("engagement:templates"))
    assert anonymous.status_code == 302
    assert client_as(outsider).get(reverse("engagement:templates")).status_code == 403
    assert client_as(outsider).get(reverse("engagement:template", args=[greeting.pk])).status_code == 403


def test_the_empty_list_explains_templates(client_as: Any, agent: Any) -> None:
    response = client_as(agent).get(reverse("engagement:templates"))
    assert response.status_code == 200
    assert "{{ address }}" in response.content.decode()


def _greek(client: Client) -> Client:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "el"
    return client


def _visible(response: Any) -> str:
    """The page as read: no tags, scripts, styles or attribute values."""
    body = re.sub(r"<(script|style|head)\b.*?</\1>", " ", response.content.decode(), flags=re.S)
    return re.sub(r"<[^>]+>", " ", body)


def test_greek_template_page_names_languages_never_codes(
    client_as: Any, agent: Any, greeting: MessageTemplate
) -> None:
    client = _greek(client_as(agent))

    page = _visible(client.get(reverse("engagement:template", args=[greeting.pk])))
    listed = _visible(client.get(reverse("engagement:templates")))

    words = set(re.findall(r"\w+", page))
    assert "Ελληνικά" in page
    assert "Αγγλικά" in page
    assert "εναλλακτική" in page  # the fallback badge, in Greek
    assert not {"el", "en", "fallback"} & words
    assert "Ελληνικά" in listed
    assert not {"el", "en"} & set(re.findall(r"\w+", listed))


def test_the_preview_search_names_the_customers_language(
    client_as: Any, agent: Any, greeting: MessageTemplate
) -> None:
    giorgos = customer(language="el")
    client = _greek(client_as(agent))

    found = client.get(reverse("engagement:template_customers", args=[greeting.pk]), {"q": "papadopoulos"})
    full = client.get(reverse("engagement:template", args=[greeting.pk]), {"q": "papadopoulos"})

    for response in (found, full):
        text = _visible(response)
        assert f'data-preview-customer="{giorgos.pk}"' in response.content.decode()
        assert "Ελληνικά" in text
        assert " el " not in text


def test_the_form_offers_languages_by_name(client_as: Any, manager: Any, greeting: MessageTemplate) -> None:
    client = _greek(client_as(manager))

    page = client.get(reverse("engagement:template_edit", args=[greeting.pk])).content.decode()

    # the fallback and each version's language are a choice of named languages, not a box for a code
    assert re.search(r'<select name="fallback_language"[^>]*>', page)
    assert re.search(r'<select name="v0-language"[^>]*>', page)
    assert re.search(r'<option value="de"[^>]*>Deutsch \(Γερμανικά\)</option>', page)
    assert re.search(r'<option value="en" selected>English \(Αγγλικά\)</option>', page)  # the fallback
    assert 'type="text" name="fallback_language"' not in page
    assert "Άλλες γλώσσες" in page or "Other languages" in page
    assert "(el)" not in page


def test_a_version_in_another_language_is_chosen_from_the_list(client_as: Any, manager: Any) -> None:
    data = form_data(**{"v2-language": "uk", "v2-subject": "Вітаємо", "v2-body": "Вітаємо, {{ address }}!"})

    response = client_as(manager).post(reverse("engagement:template_new"), data)

    assert response.status_code == 302
    template = MessageTemplate.objects.get(name="Γιορτή")
    assert sorted(template.versions.values_list("language", flat=True)) == ["el", "en", "uk"]


def test_a_language_not_offered_is_refused_on_its_field(client_as: Any, manager: Any) -> None:
    response = client_as(manager).post(reverse("engagement:template_new"), form_data(fallback_language="zz"))

    assert response.status_code == 422
    assert 'data-error-for="fallback_language"' in response.content.decode()
    assert not MessageTemplate.objects.filter(name="Γιορτή").exists()
