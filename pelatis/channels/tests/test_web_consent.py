"""The support form's agreement lands in the consent history: service messages by email, source form,
with the exact sentence the visitor ticked in the page's language; a second request adds nothing."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client

from pelatis.channels.forms import SupportForm
from pelatis.privacy.models import ConsentRecord

from .test_web import FORM, form_data

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_rate_limit() -> Any:
    cache.clear()
    yield
    cache.clear()


def test_the_forms_agreement_is_recorded_with_its_wording(settings: Any) -> None:
    settings.LANGUAGE_CODE = "el"
    client = Client()
    assert client.post(FORM, form_data()).status_code == 302
    record = ConsentRecord.objects.get()
    assert (record.purpose, record.channel, record.granted, record.source) == (
        "service",
        "email",
        True,
        "form",
    )
    assert record.wording == str(SupportForm().fields["consent"].label)
    assert record.note.endswith(str(record.customer.tickets.get().pk))
    assert client.post(FORM, form_data(subject="Δεύτερο αίτημα")).status_code == 302
    assert ConsentRecord.objects.count() == 1  # the same agreement again adds nothing


def test_a_refused_form_records_nothing() -> None:
    assert Client().post(FORM, form_data(consent="")).status_code == 422
    assert not ConsentRecord.objects.exists()
