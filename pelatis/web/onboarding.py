"""Getting started: the checklist an admin sees after logging in to a new install (business details,
mailbox, outgoing mail, business hours, staff, customers), and where each role lands after log-in."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_POST

from pelatis.channels.models import Mailbox, SiteFlag
from pelatis.channels.outbox import mail_mode
from pelatis.customers.models import ImportJob
from pelatis.helpdesk.default_data import CALENDAR_HOLIDAY_COUNTRY, HIGH_SEASON, WEEKDAYS

from .status import is_admin

DISMISSED = "getting_started_dismissed"


@dataclass(frozen=True)
class Step:
    key: str
    title: str
    help: str
    url: str
    done: bool


def _url(*names: str) -> str:
    """The first of these URL names that exists now (the business page may come later than this module)."""
    for name in names:
        try:
            return reverse(name)
        except NoReverseMatch:
            continue
    return reverse("admin:index")


def _business_done() -> bool:
    try:
        profile = apps.get_model("core", "BusinessProfile")
    except LookupError:
        return False
    return bool(profile.objects.exclude(name="").exists())


def _hours_done() -> bool:
    """Done when the business hours are not the shipped calendar any more (edited, or another one added)."""
    calendar = apps.get_model("helpdesk", "Calendar")
    rows = list(calendar.objects.values("name", "weekly", "seasons", "closures", "holiday_country"))
    if len(rows) != 1:
        return len(rows) > 1
    row = rows[0]
    return not (
        row["weekly"] == WEEKDAYS
        and row["seasons"] == HIGH_SEASON
        and not row["closures"]
        and row["holiday_country"] == CALENDAR_HOLIDAY_COUNTRY
    )


def _staff_done() -> bool:
    return get_user_model().objects.filter(is_active=True).count() > 1


def _imported() -> bool:
    return ImportJob.objects.filter(
        kind="customers", status__in=[ImportJob.Status.DONE, ImportJob.Status.PARTIAL]
    ).exists()


def checklist() -> list[Step]:
    """The getting-started steps, each ticked when its data exists."""
    return [
        Step(
            "business",
            str(_("Business details")),
            str(
                _(
                    "Your name, logo, address and colours, shown on the support form, the portal and every email."
                )
            ),
            _url("web:business", "business"),
            _business_done(),
        ),
        Step(
            "mailbox",
            str(_("Mailbox")),
            str(_("The IMAP mailbox customers write to: their emails become tickets.")),
            _url("admin:channels_mailbox_add"),
            Mailbox.objects.exists(),
        ),
        Step(
            "mail",
            str(_("Outgoing mail")),
            str(
                _(
                    "Until a mail server is set (PELATIS_EMAIL_HOST), replies stay in the outbox and reach no one."
                )
            ),
            reverse("status") + "#mail",
            mail_mode() == "smtp",
        ),
        Step(
            "hours",
            str(_("Business hours")),
            str(
                _(
                    "Opening hours, seasons and holidays: SLA clocks and the acknowledgement's promised time use them."
                )
            ),
            _url("admin:helpdesk_calendar_changelist"),
            _hours_done(),
        ),
        Step(
            "staff",
            str(_("Staff")),
            str(_("Accounts for your agents and managers, each with a role.")),
            _url("admin:auth_user_add"),
            _staff_done(),
        ),
        Step(
            "import",
            str(_("Import customers")),
            str(
                _("Bring your customers from a spreadsheet or another system (Shopify, WooCommerce, Odoo…).")
            ),
            _url("customers:import"),
            _imported(),
        ),
    ]


def checklist_dismissed() -> bool:
    return SiteFlag.objects.filter(name=DISMISSED).exists()


def checklist_dismiss(*, by: Any) -> None:
    """Hide the checklist for every admin (recorded once, with who did it)."""
    try:
        with transaction.atomic():
            SiteFlag.objects.get_or_create(name=DISMISSED, defaults={"set_by": by})
    except IntegrityError:  # two admins at once: it is dismissed either way
        pass


def landing_url(user: Any) -> str:
    """Where a user starts after log-in: admins on the checklist until it is done or dismissed, managers
    on the dashboard, agents on their inbox."""
    groups = {g.name for g in user.groups.all()}
    if is_admin(user) and not checklist_dismissed() and not all(step.done for step in checklist()):
        return reverse("getting_started")
    if (is_admin(user) or "manager" in groups) and user.has_perm("analytics.view_metricsnapshot"):
        return reverse("analytics:dashboard")
    if user.has_perm("helpdesk.view_ticket") and "read-only" not in groups:
        return reverse("helpdesk:inbox")
    if user.has_perm("analytics.view_metricsnapshot"):
        return reverse("analytics:dashboard")
    return reverse("customers:list")


@require_GET
@login_required
def landing_view(request: HttpRequest) -> HttpResponse:
    return redirect(landing_url(request.user))


@require_GET
@login_required
def getting_started_view(request: HttpRequest) -> HttpResponse:
    if not is_admin(request.user):
        raise PermissionDenied
    steps = checklist()
    return render(
        request,
        "web/onboarding.html",
        {"steps": steps, "done_count": sum(step.done for step in steps), "dismissed": checklist_dismissed()},
    )


@require_POST
@login_required
def getting_started_dismiss_view(request: HttpRequest) -> HttpResponse:
    if not is_admin(request.user):
        raise PermissionDenied
    checklist_dismiss(by=request.user)
    return redirect(landing_url(request.user))
