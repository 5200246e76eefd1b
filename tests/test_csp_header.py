"""The Content-Security-Policy is enforced on every page, and no page needs it relaxed: each HTML response of
the main staff and public pages carries `Content-Security-Policy` (not the report-only header) with scripts
and styles from our own origin only, and neither the pages nor any template served under the policy holds
an inline script, an event-handler attribute, a style attribute or a <style> element (the browser would
refuse them). Email templates are exempt: mail clients need inline styles and no browser applies our
policy to an email."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from pelatis.customers.models import Customer
from pelatis.helpdesk.models import Ticket

ROOT = Path(__file__).resolve().parents[1] / "pelatis"

INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.IGNORECASE)
STYLE_ATTRIBUTE = re.compile(r"\sstyle\s*=", re.IGNORECASE)
STYLE_ELEMENT = re.compile(r"<style\b", re.IGNORECASE)
HANDLER_ATTRIBUTE = re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.IGNORECASE)
JAVASCRIPT_URL = re.compile(r"""(?:href|src|action)\s*=\s*["']\s*javascript:""", re.IGNORECASE)


def inline_code(html: str) -> list[str]:
    """What the policy would block in a page or template: each finding with its line."""
    found = []
    for number, line in enumerate(html.splitlines(), start=1):
        for name, pattern in [
            ("inline <script>", INLINE_SCRIPT),
            ("style attribute", STYLE_ATTRIBUTE),
            ("<style> element", STYLE_ELEMENT),
            ("event-handler attribute", HANDLER_ATTRIBUTE),
            ("javascript: URL", JAVASCRIPT_URL),
        ]:
            if pattern.search(line):
                found.append(f"{number}: {name}: {line.strip()[:160]}")
    return found


def assert_enforced(response: Any, path: str) -> None:
    assert response.status_code == 200, f"{path}: {response.status_code}"
    assert response["Content-Type"].startswith("text/html"), path
    policy = response.get("Content-Security-Policy", "")
    assert policy, f"{path}: no Content-Security-Policy header"
    assert "Content-Security-Policy-Report-Only" not in response, f"{path}: report-only"
    directives = {d.split()[0]: d.split()[1:] for d in policy.split(";") if d.strip()}
    assert directives["default-src"] == ["'self'"], path
    assert directives["script-src"] == ["'self'"], path
    assert directives["style-src"] == ["'self'"], path
    assert directives["frame-ancestors"] == ["'none'"], path
    assert directives["object-src"] == ["'none'"], path
    body = response.content.decode()
    assert inline_code(body) == [], f"{path}: {inline_code(body)}"


def test_the_shipped_settings_enforce_the_policy() -> None:
    assert settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]["script-src"] == ["'self'"]
    assert getattr(settings, "CONTENT_SECURITY_POLICY_REPORT_ONLY", None) is None


def test_no_template_served_under_the_policy_holds_inline_script_or_style() -> None:
    templates = [
        p
        for p in ROOT.glob("*/templates/**/*.html")
        if "email" not in p.relative_to(ROOT).parts  # emails: mail clients need inline styles
    ]
    assert len(templates) > 100
    found = {
        str(p.relative_to(ROOT)): inline_code(p.read_text(encoding="utf-8"))
        for p in templates
        if inline_code(p.read_text(encoding="utf-8"))
    }
    assert found == {}


def test_inline_code_finds_what_the_browser_would_block() -> None:
    assert inline_code('<script src="/static/a.js"></script>') == []
    assert inline_code('<script id="d" type="application/json">{"a": 1}</script>') == []
    assert inline_code('<p class="x" data-style="y">') == []
    assert len(inline_code("<script>alert(1)</script>")) == 1
    assert len(inline_code('<p style="color:red">')) == 1
    assert len(inline_code("<style>p{}</style>")) == 1
    assert len(inline_code('<button onclick="go()">')) == 1
    assert len(inline_code('<a href="javascript:go()">')) == 1


@pytest.mark.django_db
def test_every_main_staff_page_carries_the_enforcing_policy(
    manager: Any, papadopoulos: Customer, open_ticket: Any
) -> None:
    # given: a manager, a customer and a ticket
    ticket: Ticket = open_ticket(papadopoulos)
    client = Client()
    client.force_login(manager)
    paths = [
        reverse("customers:list"),
        reverse("customers:list") + "?q=Παπαδόπουλος",
        reverse("customers:detail", args=[papadopoulos.pk]),
        reverse("customers:edit", args=[papadopoulos.pk]),
        reverse("customers:create"),
        reverse("customers:import"),
        reverse("helpdesk:inbox"),
        reverse("helpdesk:ticket", args=[ticket.pk]),
        reverse("helpdesk:profile"),
        reverse("analytics:dashboard"),
        reverse("feedback:reviews"),
        reverse("feedback:campaigns"),
        reverse("loyalty:programme"),
        reverse("engagement:home"),
        reverse("engagement:segments"),
        reverse("engagement:segment_new"),
        reverse("engagement:templates"),
        reverse("engagement:campaigns"),
        reverse("engagement:journeys"),
        reverse("engagement:product_pairs"),
        reverse("outbox:list"),
        reverse("account:profile"),
        reverse("account:tokens"),
        reverse("account:two_factor_setup"),
        reverse("privacy:audit"),
        reverse("privacy:requests"),
        reverse("privacy:request_new"),
        reverse("privacy:rights_erase", args=[papadopoulos.pk]),
    ]
    # when / then
    for path in paths:
        assert_enforced(client.get(path), path)


@pytest.mark.django_db
def test_public_pages_and_the_api_docs_carry_the_enforcing_policy(
    papadopoulos: Customer, open_ticket: Any
) -> None:
    from pelatis.channels.portal import portal_link
    from pelatis.privacy.links import preferences_path

    ticket: Ticket = open_ticket(papadopoulos)
    client = Client()
    for path in [
        reverse("support:form"),
        reverse("login"),
        portal_link(ticket),
        preferences_path(papadopoulos),
        reverse("privacy:portal_request"),
        "/api/v1/docs",
    ]:
        assert_enforced(client.get(path), path)
