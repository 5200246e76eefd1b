"""Every main page under the enforced Content-Security-Policy, in a real Chromium: staff pages as a manager,
the public pages (support form, portal, preferences, surveys) as a customer, and the API docs. The page
reports each `securitypolicyviolation` it sees to the test (a listener added before any of the page's own
script runs, so violations during loading count too), Chromium's console errors about the policy are
collected as well, and every document must carry an enforcing `Content-Security-Policy` header (not the
report-only one). A page that shows nothing, or a violation anywhere, fails with the page and the
blocked thing named."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.urls import reverse

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DEMO_PASSWORD = "pelatis-demo"  # noqa: S105 — the demo's published manager log-in (`pelatis demo`)

# Runs in every document (and frame) before the page's own scripts: forwards each violation to the test.
LISTENER = """
document.addEventListener("securitypolicyviolation", (e) => {
  window.__cspViolation({
    page: document.location.href,
    directive: e.effectiveDirective || e.violatedDirective,
    blocked: e.blockedURI,
    source: e.sourceFile + ":" + e.lineNumber,
    sample: e.sample,
    disposition: e.disposition,
  });
}, true);
"""


def _staff_paths() -> list[str]:
    """The main staff pages, on the demo's data."""
    from pelatis.customers.models import Customer
    from pelatis.engagement.models import Campaign, Journey, MessageTemplate, Segment
    from pelatis.feedback.models import NpsCampaign, Review
    from pelatis.helpdesk.models import Ticket

    customer = Customer.objects.filter(merged_into__isnull=True, tickets__isnull=False).order_by("pk").first()
    assert customer is not None
    ticket = Ticket.objects.order_by("pk").first()
    review = Review.objects.order_by("pk").first()
    segment = Segment.objects.order_by("pk").first()
    template = MessageTemplate.objects.filter(channel="email").order_by("pk").first()
    campaign = Campaign.objects.order_by("pk").first()
    journey = Journey.objects.order_by("pk").first()
    nps = NpsCampaign.objects.order_by("pk").first()
    assert None not in (ticket, review, segment, template, journey), "the demo has a row of each"
    paths = [
        reverse("customers:list"),
        reverse("customers:list") + "?q=Παπαδόπουλος",
        reverse("customers:detail", args=[customer.pk]),
        reverse("customers:edit", args=[customer.pk]),
        reverse("customers:create"),
        reverse("customers:import"),
        reverse("helpdesk:inbox"),
        reverse("helpdesk:inbox") + "?status=open",
        reverse("helpdesk:ticket", args=[ticket.pk]),  # type: ignore[union-attr]  # asserted above
        reverse("helpdesk:profile"),
        reverse("account:profile"),
        reverse("account:password"),
        reverse("account:tokens"),
        reverse("account:two_factor_setup"),  # the QR code to scan
        reverse("analytics:dashboard"),
        reverse("feedback:reviews"),
        reverse("feedback:review", args=[review.pk]),  # type: ignore[union-attr]  # asserted above
        reverse("feedback:campaigns"),
        reverse("feedback:campaign_new"),
        reverse("loyalty:programme"),
        reverse("engagement:home"),
        reverse("engagement:segments"),
        reverse("engagement:segment", args=[segment.pk]),  # type: ignore[union-attr]  # asserted above
        reverse("engagement:segment_edit", args=[segment.pk]),  # type: ignore[union-attr]  # asserted above
        reverse("engagement:segment_new"),
        reverse("engagement:templates"),
        reverse("engagement:template", args=[template.pk]),  # type: ignore[union-attr]  # asserted above
        reverse("engagement:template_edit", args=[template.pk]),  # type: ignore[union-attr]  # asserted above
        reverse("engagement:campaigns"),
        reverse("engagement:campaign_new"),
        reverse("engagement:journeys"),
        reverse("engagement:journey", args=[journey.pk]),  # type: ignore[union-attr]  # asserted above
        reverse("engagement:journey_results", args=[journey.pk]),  # type: ignore[union-attr]  # asserted above
        reverse("engagement:product_pairs"),
        reverse("outbox:list"),
    ]
    if nps is not None:
        paths.append(reverse("feedback:campaign", args=[nps.pk]))
    if campaign is not None:
        paths += [
            reverse("engagement:campaign", args=[campaign.pk]),
            reverse("engagement:campaign_results", args=[campaign.pk]),
        ]
    return paths


def _email_preview_path() -> str:
    """A message template's page showing the email as a customer with an email address would receive it."""
    from pelatis.customers.models import ContactPoint
    from pelatis.engagement.models import MessageTemplate

    template = MessageTemplate.objects.filter(channel="email").order_by("pk").first()
    assert template is not None
    languages = list(template.versions.values_list("language", flat=True))
    point = (
        ContactPoint.objects.filter(
            kind="email", customer__merged_into__isnull=True, customer__language__in=languages
        )
        .order_by("customer_id")
        .first()
    )
    assert point is not None
    return reverse("engagement:template", args=[template.pk]) + f"?customer={point.customer_id}"


def _privacy_paths() -> list[str]:
    """The privacy area's staff pages: the audit log, the request log with a request, a new request, the
    retention runs, and a customer's erasure page."""
    from pelatis.customers.models import Customer
    from pelatis.privacy.dsr.services import request_file

    customer = Customer.objects.filter(merged_into__isnull=True).order_by("pk").first()
    assert customer is not None
    request = request_file(
        customer_id=customer.pk, kind="access", channel="email", details="Τι κρατάτε για μένα;"
    )
    return [
        reverse("privacy:audit"),
        reverse("privacy:requests"),
        reverse("privacy:request", args=[request.pk]),
        reverse("privacy:request_new"),
        reverse("privacy:retention"),
        reverse("privacy:rights_erase", args=[customer.pk]),
    ]


def _public_paths() -> list[str]:
    """The pages a customer opens: the support form, a ticket's portal page, a signed preferences page, the
    CSAT and NPS survey pages (a click on a score the survey has not recorded yet shows the page that posts
    it back at once), the data-request page and the API docs."""
    from pelatis.channels.portal import portal_link
    from pelatis.customers.models import Customer
    from pelatis.feedback.models import CsatSurvey, NpsResponse
    from pelatis.feedback.services.csat import csat_token
    from pelatis.feedback.services.nps import nps_token
    from pelatis.helpdesk.models import Ticket
    from pelatis.privacy.links import preferences_path

    ticket = Ticket.objects.exclude(customer=None).order_by("pk").first()
    survey = CsatSurvey.objects.order_by("pk").first()
    nps = NpsResponse.objects.order_by("pk").first()
    customer = Customer.objects.filter(merged_into__isnull=True).order_by("pk").first()
    assert ticket is not None
    assert survey is not None
    assert nps is not None
    assert customer is not None
    csat_score = 3 if survey.score != 3 else 4
    nps_score = 7 if nps.score != 7 else 8
    return [
        reverse("support:form"),
        portal_link(ticket),
        preferences_path(customer),
        reverse("feedback:rate", args=[csat_token(survey, csat_score)]),
        reverse("feedback:nps", args=[nps_token(nps, nps_score)]),
        reverse("privacy:portal_request"),
        reverse("login"),
        "/api/v1/docs",
    ]


def _admin_session(context: Any, base_url: str) -> None:
    """Signs the demo's admin in to the browser context: a session made by Django's test client, with a
    confirmed TOTP device marked as verified (admins log in with a second factor; the log-in flow itself
    is another test's subject)."""
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django_otp.plugins.otp_totp.models import TOTPDevice

    admin = get_user_model().objects.get(username="admin")
    device = TOTPDevice.objects.create(user=admin, name="csp-walk", confirmed=True)
    client = Client()
    client.force_login(admin)
    session = client.session
    session["otp_device_id"] = device.persistent_id
    session.save()
    host = base_url.split("//", 1)[1].split(":", 1)[0]
    context.add_cookies([{"name": "sessionid", "value": session.session_key, "domain": host, "path": "/"}])


class Walk:
    """Violations, console errors and missing headers seen while walking pages."""

    def __init__(self, page: Any, base_url: str) -> None:
        self.page, self.base_url = page, base_url
        self.violations: list[dict[str, str]] = []
        self.console: list[str] = []
        self.headers: list[str] = []
        self.walked: list[str] = []
        page.expose_function("__cspViolation", self._violation)
        page.add_init_script(LISTENER)
        page.on("console", self._console)
        page.on("response", self._response)

    def _violation(self, violation: dict[str, str]) -> None:
        self.violations.append(violation)

    def _console(self, message: Any) -> None:
        if message.type == "error" and "Content Security Policy" in message.text:
            self.console.append(f"{self.page.url}: {message.text}")

    def _response(self, response: Any) -> None:
        if response.request.resource_type != "document" or not response.url.startswith(self.base_url):
            return
        if response.status >= 300:
            return  # a redirect's target is checked in its turn
        headers = response.headers
        if "content-security-policy" not in headers:
            self.headers.append(f"{response.url}: no Content-Security-Policy header")
            return
        policy = headers["content-security-policy"]
        directives = {d.split()[0]: d.split()[1:] for d in policy.split(";") if d.strip()}
        # A framed document (an email's own HTML in the outbox) may have its own, stricter policy: sandboxed,
        # nothing loaded but its images, no script at all.
        framed = response.frame.parent_frame is not None
        sandboxed = "sandbox" in directives and directives.get("default-src") == ["'none'"]
        if directives.get("script-src") != ["'self'"] and not (
            framed and sandboxed and "script-src" not in directives
        ):
            self.headers.append(f"{response.url}: a weaker policy: {policy}")
        if "content-security-policy-report-only" in headers:
            self.headers.append(f"{response.url}: still report-only")

    def visit(self, path: str) -> None:
        response = self.page.goto(f"{self.base_url}{path}")
        assert response is not None, path
        assert response.status == 200, f"{path}: {response.status}"
        self.page.wait_for_load_state("networkidle")
        assert self.page.locator("body").inner_text().strip(), f"{path} shows nothing"
        self.walked.append(path)


def test_every_main_page_loads_under_the_policy_without_a_violation(
    live_server: Any, page_for: Any, log_in: Any, settings: Any
) -> None:
    from playwright.sync_api import expect

    from pelatis.channels.models import OutboxMessage
    from pelatis.channels.outbox import OUTBOX_BACKEND

    # given: the demo's data and its manager
    cache.clear()  # fresh rate-limit and bad-link counters
    call_command("demo", "--customers", "60", stdout=StringIO())
    settings.EMAIL_BACKEND = OUTBOX_BACKEND  # no mail server: emails are kept in the outbox, shown as sent
    staff = Walk(page_for("el-GR"), live_server.url)
    log_in(staff.page, live_server.url, "manager", password=DEMO_PASSWORD)

    # when: a manager walks every main page, and the dynamic parts run (search as you type, the charts)
    for path in _staff_paths():
        staff.visit(path)
    staff.visit(_email_preview_path())
    expect(staff.page.locator("[data-preview-html]")).to_be_visible()
    staff.visit(reverse("customers:list"))
    staff.page.locator("input[name=q]").first.press_sequentially("Παπ", delay=20)
    staff.page.wait_for_load_state("networkidle")
    # the results came in by htmx, and their tags still wear their own colours (set through the CSSOM)
    expect(staff.page.locator("#results .tag[data-tag-colour]").first).to_be_visible()
    painted = staff.page.locator("#results .tag[data-tag-colour]").evaluate_all(
        "tags => tags.map(t => [t.dataset.tagColour, getComputedStyle(t).getPropertyValue('--tag').trim()])"
    )
    assert all(colour.lower() == got.lower() for colour, got in painted), painted
    staff.visit(reverse("analytics:dashboard"))
    expect(staff.page.locator("canvas").first).to_be_visible()

    # and an admin opens the admin pages
    admin = Walk(page_for("el-GR"), live_server.url)
    _admin_session(admin.page.context, live_server.url)
    for path in [reverse("web:business"), reverse("status"), reverse("getting_started"), *_privacy_paths()]:
        admin.visit(path)

    # and a customer, logged out, opens the public pages
    public = Walk(page_for("el-GR"), live_server.url)
    for path in _public_paths():
        public.visit(path)
    expect(public.page.locator("#swagger-ui .opblock").first).to_be_visible()
    # and sends the support form: its request page, and the acknowledgement the outbox shows as sent
    public.visit(reverse("support:form"))
    form = public.page.locator("#support-form")
    form.locator("input[name=type]").first.check()
    public.page.fill("#id_name", "Ελένη Κωνσταντίνου")
    public.page.fill("#id_email", "eleni.k@example.gr")
    public.page.fill("#id_subject", "Διπλή χρέωση")
    public.page.fill("#id_message", "Το πρωινό χρεώθηκε δύο φορές.")
    public.page.check("#id_consent")
    form.locator("button[type=submit]").click()
    public.page.wait_for_url(f"{live_server.url}/support/t/**")
    public.page.wait_for_load_state("networkidle")
    acknowledgement = OutboxMessage.objects.order_by("-pk").first()
    assert acknowledgement is not None
    assert acknowledgement.to == ["eleni.k@example.gr"]
    staff.visit(reverse("outbox:message", args=[acknowledgement.pk]))
    expect(staff.page.locator("[data-email-html]")).to_be_visible()

    # then: nothing was blocked, and every document carried the enforcing header
    assert len(staff.walked) >= 30
    assert len(public.walked) == 9
    walks = [staff, admin, public]
    violations = [v for walk in walks for v in walk.violations]
    assert violations == [], "\n".join(str(v) for v in violations)
    console = [c for walk in walks for c in walk.console]
    assert console == [], "\n".join(console)
    headers = [h for walk in walks for h in walk.headers]
    assert headers == [], "\n".join(headers)
