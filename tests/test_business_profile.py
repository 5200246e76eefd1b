"""The business's own details: set by an admin at /settings/business/, shown on the support form, the
portal, the staff header and every customer email, read through the cache."""

from __future__ import annotations

import email
import struct
import zlib
from collections.abc import Iterator
from email import policy
from email.header import decode_header, make_header
from typing import Any

import pytest
from django.core import mail
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.test import Client
from django.urls import reverse

from pelatis.channels.services import mail_ingest
from pelatis.channels.tests.test_ingest import mail as raw_mail
from pelatis.core.business import CACHE_KEY, business_brand, business_profile_save, sender_address
from pelatis.core.models import BusinessProfile
from pelatis.helpdesk.models import Ticket
from pelatis.helpdesk.services.tickets import reply_send

URL = "/settings/business/"


def png(width: int = 2, height: int = 1) -> bytes:
    """A real, tiny PNG (one red pixel row)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    rows = b"".join(b"\x00" + b"\xff\x00\x00" * width for _ in range(height))
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


AIGAIO = {
    "name": "Ξενοδοχείο Αιγαίο",
    "legal_name": "Αιγαίο Τουριστική Μ.Ι.Κ.Ε.",
    "address": "Λεωφόρος Ποσειδώνος 12\n17561 Παλαιό Φάληρο",
    "phone": "+30 210 987 6543",
    "email": "info@aigaio.example.gr",
    "website": "https://aigaio.example.gr",
    "primary_colour": "#1A7F5A",
}


@pytest.fixture(autouse=True)
def _fresh_cache(db: None) -> Iterator[None]:
    """The cache outlives a test's database: start and end without a kept profile."""
    cache.delete(CACHE_KEY)
    yield
    cache.delete(CACHE_KEY)


def _ticket_from_mail() -> Ticket:
    """The request a customer's email opens."""
    ingested = mail_ingest(raw_mail())
    assert ingested.ticket_id is not None
    return Ticket.objects.get(pk=ingested.ticket_id)


def _html(message: EmailMessage) -> str:
    """The HTML part of an email Pelatis sent."""
    assert isinstance(message, EmailMultiAlternatives)
    content = message.alternatives[0][0]
    assert isinstance(content, str)
    return content


def _client(user: Any, language: str = "el") -> Client:
    client = Client()
    client.force_login(user)
    client.cookies["django_language"] = language
    return client


def test_an_admin_saves_the_business_details_and_they_are_shown_back(admin_user_: Any) -> None:
    client = _client(admin_user_)
    response = client.post(URL, {**AIGAIO, "logo": SimpleUploadedFile("logo.png", png(), "image/png")})
    assert response.status_code == 302
    profile = BusinessProfile.objects.get()
    assert (profile.name, profile.primary_colour, profile.logo_type) == (
        "Ξενοδοχείο Αιγαίο",
        "#1a7f5a",
        "image/png",
    )
    assert bytes(profile.logo) == png()
    page = client.get(URL).content.decode()
    assert 'value="Ξενοδοχείο Αιγαίο"' in page
    assert "data-current-logo" in page
    assert 'data-business-name="Ξενοδοχείο Αιγαίο"' in page  # the staff header


@pytest.mark.parametrize("role", ["manager", "agent", "reader", "outsider"])
def test_only_admins_reach_the_business_page(role: str, request: pytest.FixtureRequest) -> None:
    user = request.getfixturevalue(role)
    client = _client(user)
    assert client.get(URL).status_code == 403
    assert client.post(URL, AIGAIO).status_code == 403
    assert not BusinessProfile.objects.exists()


def test_the_page_asks_for_a_log_in_first(db: None) -> None:
    response = Client().get(URL)
    assert response.status_code == 302
    assert "/login/" in response["Location"]


def test_the_page_is_named_for_links(db: None) -> None:
    assert reverse("web:business") == URL


@pytest.mark.parametrize("colour", ["red", "#12345", "#ggg000", "rgb(1,2,3)", "#1234567"])
def test_a_bad_colour_is_refused_on_its_field_and_nothing_is_saved(admin_user_: Any, colour: str) -> None:
    response = _client(admin_user_, "en").post(URL, {**AIGAIO, "primary_colour": colour})
    assert response.status_code == 422
    assert response.context["form"].errors["primary_colour"] == [
        "Give the colour as a hex code such as #1a7f5a."
    ]
    assert 'data-error-for="primary_colour"' in response.content.decode()
    assert not BusinessProfile.objects.exists()


def test_a_short_colour_is_written_out(admin_user_: Any) -> None:
    _client(admin_user_).post(URL, {**AIGAIO, "primary_colour": "#0a5"})
    assert BusinessProfile.objects.get().primary_colour == "#00aa55"


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        (
            "logo.svg",
            b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
            "The logo must be a PNG or JPEG image.",
        ),
        ("logo.png", b"GIF89a" + b"\x00" * 20, "The logo must be a PNG or JPEG image."),
        (
            "logo.png",
            b"\x89PNG\r\n\x1a\n" + b"\x00" * 10,
            "The logo must be a PNG or JPEG image.",
        ),  # only the signature
        ("logo.png", png() + b"\x00" * (600 * 1024), "The logo is 601 KB; the largest allowed is 512 KB."),
    ],
)
def test_a_bad_logo_is_refused_on_its_field_and_nothing_is_saved(
    admin_user_: Any, name: str, data: bytes, message: str
) -> None:
    response = _client(admin_user_, "en").post(URL, {**AIGAIO, "logo": SimpleUploadedFile(name, data)})
    assert response.status_code == 422
    assert response.context["form"].errors["logo"] == [message]
    assert not BusinessProfile.objects.exists()


def test_a_missing_name_is_refused(admin_user_: Any) -> None:
    response = _client(admin_user_, "en").post(URL, {**AIGAIO, "name": "  "})
    assert response.status_code == 422
    assert response.context["form"].errors["name"] == ["Give the business's name."]


def test_the_logo_is_served_to_anyone_and_can_be_removed(admin_user_: Any) -> None:
    business_profile_save(fields=AIGAIO, logo=png())
    brand = business_brand()
    response = Client().get(reverse("web:business-logo", args=[brand.logo_version]))
    assert (response.status_code, response["Content-Type"], response.content) == (200, "image/png", png())
    assert "immutable" in response["Cache-Control"]
    _client(admin_user_).post(URL, {**AIGAIO, "remove_logo": "on"})
    assert not business_brand().has_logo
    assert Client().get(reverse("web:business-logo", args=[brand.logo_version])).status_code == 404


def test_the_details_are_read_from_the_cache_and_a_save_refreshes_them(
    db: None, django_assert_num_queries: Any
) -> None:
    business_profile_save(fields=AIGAIO)
    business_brand()  # fills the cache
    from django.conf import settings

    # the cache read alone: one query with the database cache, none with Redis
    reads = 1 if settings.CACHES["default"]["BACKEND"] == "pelatis.core.cache.DatabaseCache" else 0
    with django_assert_num_queries(reads):
        assert business_brand().name == "Ξενοδοχείο Αιγαίο"
    business_profile_save(fields={**AIGAIO, "name": "Αιγαίο Suites"})
    assert business_brand().name == "Αιγαίο Suites"


def test_the_support_form_and_the_portal_carry_the_business_brand(db: None, client: Client) -> None:
    business_profile_save(fields=AIGAIO, logo=png())
    page = client.get("/support/").content.decode()
    assert 'data-business-name="Ξενοδοχείο Αιγαίο"' in page
    assert "--primary: #1a7f5a" in page
    assert f'src="{reverse("web:business-logo", args=[business_brand().logo_version])}"' in page
    assert "Λεωφόρος Ποσειδώνος 12, 17561 Παλαιό Φάληρο" in page
    assert "+30 210 987 6543" in page
    assert "<title>" in page
    assert "· Ξενοδοχείο Αιγαίο</title>" in page


def test_the_portal_of_a_request_carries_the_business_brand(db: None, client: Client) -> None:
    from urllib.parse import urlsplit

    from pelatis.channels.web import portal_url

    business_profile_save(fields=AIGAIO)
    ticket = _ticket_from_mail()
    response = client.get(urlsplit(portal_url(ticket)).path)
    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-business-name="Ξενοδοχείο Αιγαίο"' in page
    assert "--primary: #1a7f5a" in page
    assert "data-business-footer" in page


def test_a_light_colour_gets_dark_button_text(db: None, client: Client) -> None:
    business_profile_save(fields={**AIGAIO, "primary_colour": "#ffd84d"})
    assert "--on-primary: #1b2236" in client.get("/support/").content.decode()


def test_a_reply_email_is_branded_and_sent_under_the_business_name(
    db: None, agent: Any, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    # given the business's details and a customer's email
    settings.PELATIS_BASE_URL = "https://support.aigaio.example.gr"
    settings.DEFAULT_FROM_EMAIL = "Pelatis <desk@aigaio.example.gr>"
    business_profile_save(fields=AIGAIO, logo=png())
    ticket = _ticket_from_mail()
    mail.outbox.clear()
    # when an agent replies and the outbox sends it
    with django_capture_on_commit_callbacks(execute=True):
        reply_send(ticket=ticket, body_text="Καλησπέρα σας, ναι, έχουμε διαθέσιμο δίκλινο.", by=agent)
    # then the email names the business and carries its address, phone and logo
    [sent] = [m for m in mail.outbox if "δίκλινο" in m.body]
    html = _html(sent)
    assert (
        "Αιγαίο Τουριστική Μ.Ι.Κ.Ε.\nΛεωφόρος Ποσειδώνος 12\n17561 Παλαιό Φάληρο\n+30 210 987 6543"
        in sent.body
    )
    assert "Αιγαίο Τουριστική Μ.Ι.Κ.Ε.</strong><br>Λεωφόρος Ποσειδώνος 12<br>17561 Παλαιό Φάληρο" in html
    logo = reverse("web:business-logo", args=[business_brand().logo_version])
    assert f'src="https://support.aigaio.example.gr{logo}"' in html
    # the From line: the business's name on the configured mailbox, as Django writes it into the email
    assert sender_address() == "Ξενοδοχείο Αιγαίο <desk@aigaio.example.gr>"
    header = EmailMessage(from_email=sender_address(), to=["a@example.gr"]).message()["From"]
    assert str(make_header(decode_header(header))) == "Ξενοδοχείο Αιγαίο <desk@aigaio.example.gr>"


def test_a_business_name_with_a_comma_is_quoted_in_the_from_line(db: None, settings: Any) -> None:
    settings.DEFAULT_FROM_EMAIL = "desk@aigaio.example.gr"
    business_profile_save(fields={**AIGAIO, "name": 'Αιγαίο, "Suites"'})
    assert sender_address() == '"Αιγαίο, \\"Suites\\"" <desk@aigaio.example.gr>'
    sent = email.message_from_bytes(
        EmailMessage(from_email=sender_address(), to=["a@example.gr"]).message().as_bytes(),
        policy=policy.default,
    )
    [address] = sent["From"].addresses
    assert (address.display_name, address.addr_spec) == ('Αιγαίο, "Suites"', "desk@aigaio.example.gr")


def test_an_email_without_business_details_has_no_empty_footer(
    db: None, agent: Any, django_capture_on_commit_callbacks: Any
) -> None:
    ticket = _ticket_from_mail()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        reply_send(ticket=ticket, body_text="Ναι, έχουμε.", by=agent)
    [sent] = [m for m in mail.outbox if "Ναι, έχουμε." in m.body]
    assert "data-business-footer" not in _html(sent)
    assert sender_address() == "Pelatis <pelatis@localhost>"
