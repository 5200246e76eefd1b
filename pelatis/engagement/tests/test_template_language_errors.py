"""A template's errors name languages as people call them, never by their codes."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from pelatis.engagement.services.content import VersionInput, template_save

pytestmark = pytest.mark.django_db


def _errors(**kwargs: object) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as caught:
        template_save(name="Ευχές", channel="email", purpose="marketing", **kwargs)  # type: ignore[arg-type]  # the test passes the rest by keyword
    return caught.value.message_dict


def test_a_second_version_in_one_language_is_named_by_the_language() -> None:
    versions = [VersionInput("el", "Θέμα", "Κείμενο"), VersionInput("el", "Θέμα 2", "Κείμενο 2")]
    with translation.override("en"):
        errors = _errors(fallback_language="el", versions=versions)
    assert errors["versions.1.language"] == ["There is already a version in Greek."]


def test_a_fallback_without_a_version_is_named_by_the_language() -> None:
    with translation.override("el"):
        errors = _errors(fallback_language="en", versions=[VersionInput("el", "Θέμα", "Κείμενο")])
    assert "Αγγλικά" in errors["fallback_language"][0]
    assert "“en”" not in errors["fallback_language"][0]
