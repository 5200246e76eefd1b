"""Templates rendered for one customer: the form of address in the vocative, points, last purchase,
name day, business, extra values; the fallback version; nothing but placeholders accepted."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from pelatis.customers.inputs import CustomerInput, OrderInput, OrderLineInput
from pelatis.customers.models import Customer
from pelatis.customers.services import customer_create, order_create
from pelatis.loyalty.services.ledger import points_adjust

from ..models import MessageTemplate
from ..rendering import NoVersion, RenderError, form_of_address, html_from_text, render_for
from ..services.content import VersionInput, template_save

pytestmark = pytest.mark.django_db


_numbers = itertools.count(1)


def person(**fields: Any) -> Customer:
    fields.setdefault("emails", [f"pelatis{next(_numbers)}@example.gr"])
    return customer_create(data=CustomerInput(**fields))


def template(
    *versions: tuple[str, str, str], fallback: str = "el", channel: str = "email"
) -> MessageTemplate:
    return template_save(
        name=f"t-{len(MessageTemplate.objects.all())}",
        channel=channel,
        purpose="marketing",
        fallback_language=fallback,
        versions=[
            VersionInput(language=lang, subject=subject, body=body) for lang, subject, body in versions
        ],
    )


def test_formal_greek_man_is_addressed_in_the_vocative_of_his_surname() -> None:
    giorgos = person(first_name="Γιώργος", last_name="Παπαδόπουλος", title="κ.", formal=True)
    assert form_of_address(giorgos, language="el") == "κύριε Παπαδόπουλε"


def test_formal_greek_woman_keeps_her_surname() -> None:
    maria = person(first_name="Μαρία", last_name="Παπαδοπούλου", title="κα", formal=True)
    assert form_of_address(maria, language="el") == "κυρία Παπαδοπούλου"


def test_informal_greek_uses_the_first_name_in_the_vocative() -> None:
    giorgos = person(first_name="Γιώργος", last_name="Παπαδόπουλος", title="κ.", formal=False)
    assert form_of_address(giorgos, language="el") == "Γιώργο"


def test_english_forms_of_address() -> None:
    formal = person(first_name="George", last_name="Papadopoulos", title="Mr", language="en")
    informal = person(first_name="George", last_name="Smith", formal=False, language="en")
    assert form_of_address(formal, language="en") == "Mr Papadopoulos"
    assert form_of_address(informal, language="en") == "George"


def test_greek_version_filled_with_points_last_purchase_and_business() -> None:
    giorgos = person(first_name="Γιώργος", last_name="Παπαδόπουλος", title="κ.", language="el")
    points_adjust(customer=giorgos, points=1250, reason="Καλωσόρισμα", by=None)
    order_create(
        customer=giorgos,
        data=OrderInput(
            reference="A-1",
            placed_at=dt.datetime(2026, 4, 12, 9, 0, tzinfo=dt.UTC),
            lines=[OrderLineInput(name="Ποδήλατο Trek", unit_price=Decimal("450"))],
        ),
    )
    chosen = template(
        (
            "el",
            "Για εσάς, {{ address }}",
            "Αγαπητέ {{ address }},\nέχετε {{ points }} πόντους.\nΤελευταία αγορά: {{ last_purchase }}.",
        ),
        ("en", "For you", "Dear {{ address }}"),
    )

    rendered = render_for(giorgos, chosen)

    assert rendered.language == "el"
    assert not rendered.fallback
    assert rendered.subject == "Για εσάς, κύριε Παπαδόπουλε"
    assert "έχετε 1.250 πόντους." in rendered.text
    assert "Τελευταία αγορά: Ποδήλατο Trek (12 Απριλίου 2026)." in rendered.text


def test_a_language_without_a_version_gets_the_fallback_and_says_so() -> None:
    hans = person(first_name="Hans", last_name="Müller", title="Herr", language="de")
    chosen = template(
        ("el", "Γεια", "Γεια σας {{ first_name }}"), ("en", "Hi", "Hello {{ address }}"), fallback="en"
    )

    rendered = render_for(hans, chosen)

    assert rendered.language == "en"
    assert rendered.fallback
    assert rendered.text == "Hello Mr Müller"


def test_no_version_in_the_language_nor_the_fallback_is_no_version() -> None:
    chosen = template(("el", "Γεια", "Γεια"))
    chosen.fallback_language = "fr"
    with pytest.raises(NoVersion):
        render_for(person(first_name="Anna", language="en"), chosen)


def test_extra_values_fill_recommendations_and_lists_become_bullets() -> None:
    chosen = template(("el", "Προτάσεις", "Για το ποδήλατό σας:\n{{ recommendations }}"))
    rendered = render_for(person(first_name="Νίκος"), chosen, extra={"recommendations": ["Κράνος", "Φανάρι"]})
    assert rendered.text == "Για το ποδήλατό σας:\n• Κράνος\n• Φανάρι"


def test_saving_names_the_unknown_placeholder_and_rejects_tags() -> None:
    with pytest.raises(ValidationError) as unknown:
        template(("el", "Γεια", "Γεια σας {{ frist_name }}"))
    assert "versions.0.body" in unknown.value.message_dict
    assert "{{ frist_name }}" in unknown.value.message_dict["versions.0.body"][0]

    with pytest.raises(ValidationError) as tag:
        template(("el", "Γεια", "{% load static %}Γεια"))
    assert "versions.0.body" in tag.value.message_dict

    with pytest.raises(ValidationError) as filtered:
        template(("el", "{{ first_name|upper }}", "Γεια"))
    assert "versions.0.subject" in filtered.value.message_dict

    with pytest.raises(ValidationError) as open_brace:
        template(("el", "Γεια", "Γεια σας {{ first_name"))
    assert "versions.0.body" in open_brace.value.message_dict


def test_an_unknown_placeholder_written_past_the_checks_never_renders() -> None:
    chosen = template(("el", "Γεια", "Γεια σας {{ first_name }}"))
    chosen.versions.update(body="Γεια σας {{ secret_key }}")  # e.g. an older row, or a bulk edit
    with pytest.raises(RenderError):
        render_for(person(first_name="Ελένη"), chosen)


def test_html_part_escapes_values_and_makes_links_clickable() -> None:
    mallory = person(first_name="<script>alert(1)</script>", last_name="X", formal=False)
    chosen = template(("el", "Θέμα", "Γεια {{ first_name }}\n\nΔείτε https://shop.example.gr/prosfores."))

    rendered = render_for(mallory, chosen)

    assert "<script>" in rendered.text  # the text part is plain text
    assert "<script>" not in rendered.html
    assert "&lt;script&gt;" in rendered.html
    assert (
        '<a href="https://shop.example.gr/prosfores">https://shop.example.gr/prosfores</a>.' in rendered.html
    )


def test_links_take_the_given_href() -> None:
    html = html_from_text(
        "Δείτε https://a.example/x?y=1&z=2", link=lambda url: f"https://t.example/c?u={url}"
    )
    assert 'href="https://t.example/c?u=https://a.example/x?y=1&amp;z=2"' in html
    assert ">https://a.example/x?y=1&amp;z=2</a>" in html


def test_tier_and_name_day_render_empty_when_unknown() -> None:
    chosen = template(("el", "Θέμα", "Επίπεδο: [{{ tier }}] Γιορτή: [{{ name_day }}]"))
    rendered = render_for(person(first_name="Xyzzy"), chosen)
    assert rendered.text == "Επίπεδο: [] Γιορτή: []"


def test_name_day_is_the_next_date_in_greek() -> None:
    chosen = template(("el", "Θέμα", "Γιορτάζετε {{ name_day }}"))
    rendered = render_for(person(first_name="Γιώργος"), chosen)
    assert rendered.text.startswith("Γιορτάζετε ")
    assert any(month in rendered.text for month in ("Απριλίου", "Μαΐου"))  # Αγίου Γεωργίου, or after Easter
