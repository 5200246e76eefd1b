"""Results pages (login): a campaign's and a journey's (each step a row), and their CSV download in the
reader's locale (Greek Excel: ``;``, decimal comma, UTF-8 with a BOM, Greek headers and labels)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.decorators.http import require_GET

from pelatis.core import tabular
from pelatis.core.formatting import format_money

from .. import queries_campaigns as queries
from ..models import Campaign, Journey, Send
from ..results import Money, Results, campaign_results, journey_results

# ---------------------------------------------------------------- values as people read them


def percent(share: float | None) -> str:
    """0.1234 → "12,3 %" in Greek, "12.3 %" in English; "—" when there is nothing to divide by."""
    return "—" if share is None else f"{number_format(share * 100, 1)} %"


def points(value: float | None) -> str:
    """A difference of rates in percentage points, signed: "+3,2", "−1,0"."""
    if value is None:
        return "—"
    sign = "+" if value > 0 else "−" if value < 0 else ""
    return f"{sign}{number_format(abs(value), 1)}"


def money_list(amounts: Sequence[Money]) -> str:
    return " · ".join(format_money(m.amount, m.currency) for m in amounts) or format_money(0)


def skip_label(reason: str) -> str:
    """A skip reason's label; an unknown one is named as such, never shown as a raw key."""
    try:
        return str(Send.Skip(reason).label)
    except ValueError:
        return _("Other reason")


def verdict(results: Results) -> str:
    """A plain-words reading of the uplift, only as far as the two-proportion test allows."""
    if results.holdout.size == 0:
        return _("No hold-out group: there is nothing to compare with.")
    test = results.significance
    if test is None:
        return _("Too few customers (or conversions) in a group to tell whether the difference is real.")
    p = number_format(test.p_value, 3)
    if test.significant:
        return _("The difference is unlikely to be chance (two-proportion test, p = %(p)s).") % {"p": p}
    return _("The difference could well be chance (two-proportion test, p = %(p)s).") % {"p": p}


@dataclass(frozen=True)
class View:
    """A Results object with its figures as text, for the templates."""

    r: Results

    @property
    def skip_reasons(self) -> list[tuple[str, int]]:
        return [(skip_label(reason), n) for reason, n in self.r.skip_reasons]

    @property
    def bounced_rate(self) -> str:
        return percent(self.r.rate(self.r.bounced))

    @property
    def opened_rate(self) -> str:
        return percent(self.r.rate(self.r.opened))

    @property
    def clicked_rate(self) -> str:
        return percent(self.r.rate(self.r.clicked))

    @property
    def unsubscribed_rate(self) -> str:
        return percent(self.r.rate(self.r.unsubscribed))

    @property
    def treated_rate(self) -> str:
        return percent(self.r.treated.rate)

    @property
    def holdout_rate(self) -> str:
        return percent(self.r.holdout.rate)

    @property
    def treated_revenue(self) -> str:
        return money_list(self.r.treated.revenue)

    @property
    def holdout_revenue(self) -> str:
        return money_list(self.r.holdout.revenue)

    @property
    def uplift(self) -> str:
        return points(self.r.uplift)

    @property
    def verdict(self) -> str:
        return verdict(self.r)


# ---------------------------------------------------------------- pages


@require_GET
@login_required
def campaign_results_view(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = queries.campaign_for(request.user, pk)
    return render(
        request,
        "engagement/results_campaign.html",
        {"campaign": campaign, "v": View(campaign_results(campaign))},
    )


@require_GET
@login_required
def journey_results_view(request: HttpRequest, pk: int) -> HttpResponse:
    journey = queries.journey_for_results(request.user, pk)
    rows, whole = journey_results(journey)
    return render(
        request,
        "engagement/results_journey.html",
        {"journey": journey, "rows": [(step, View(r)) for step, r in rows], "whole": View(whole)},
    )


# ---------------------------------------------------------------- CSV


def _table(
    named: Sequence[tuple[str, Results]],
) -> tuple[list[tabular.Column], list[list[Any]]]:
    """One row per campaign or step: counts as numbers, rates in % (one decimal), revenue per currency."""
    results = [r for _name, r in named]
    reasons = sorted({reason for r in results for reason, _n in r.skip_reasons})
    currencies = sorted({m.currency for r in results for m in (*r.treated.revenue, *r.holdout.revenue)})
    L = gettext_lazy
    columns = [
        tabular.Column("name", L("Campaign or step")),
        tabular.Column("audience", L("Audience"), "int"),
        tabular.Column("sent", pgettext_lazy("messages counted", "Sent"), "int"),
        tabular.Column("failed", pgettext_lazy("messages counted", "Failed"), "int"),
        tabular.Column("bounced", L("Bounced"), "int"),
        tabular.Column("skipped", L("Not sent"), "int"),
        *[tabular.Column(f"skipped_{reason}", skip_label(reason), "int") for reason in reasons],
        tabular.Column("opened", L("Opened (where measurable)"), "int"),
        tabular.Column("clicked", L("Clicked"), "int"),
        tabular.Column("unsubscribed", L("Unsubscribed"), "int"),
        tabular.Column("converted", L("Ordered"), "int"),
        tabular.Column("conversion_pct", L("Conversion rate (%)"), "decimal", decimals=1),
        tabular.Column("orders", L("Orders"), "int"),
        *[
            tabular.Column(f"revenue_{c}", _("Revenue (%(currency)s)") % {"currency": c}, "money")
            for c in currencies
        ],
        tabular.Column("holdout", L("Hold-out group"), "int"),
        tabular.Column("holdout_converted", L("Hold-out group: ordered"), "int"),
        tabular.Column(
            "holdout_conversion_pct", L("Hold-out group: conversion rate (%)"), "decimal", decimals=1
        ),
        tabular.Column("holdout_orders", L("Hold-out group: orders"), "int"),
        *[
            tabular.Column(
                f"holdout_revenue_{c}", _("Hold-out group: revenue (%(currency)s)") % {"currency": c}, "money"
            )
            for c in currencies
        ],
        tabular.Column("uplift_points", L("Uplift (percentage points)"), "decimal", decimals=1),
        tabular.Column("p_value", L("p-value (two-proportion test)"), "decimal", decimals=4),
    ]

    def pct(share: float | None) -> float | None:
        return None if share is None else share * 100

    rows = []
    for name, r in named:
        by_reason = dict(r.skip_reasons)
        treated = {m.currency: m.amount for m in r.treated.revenue}
        held = {m.currency: m.amount for m in r.holdout.revenue}
        test = r.significance
        rows.append(
            [
                name,
                r.audience,
                r.sent,
                r.failed,
                r.bounced,
                r.skipped,
                *[by_reason.get(reason, 0) for reason in reasons],
                r.opened,
                r.clicked,
                r.unsubscribed,
                r.treated.converted,
                pct(r.treated.rate),
                r.treated.orders,
                *[treated.get(c, 0) for c in currencies],
                r.holdout.size,
                r.holdout.converted,
                pct(r.holdout.rate),
                r.holdout.orders,
                *[held.get(c, 0) for c in currencies],
                r.uplift,
                test.p_value if test is not None else None,
            ]
        )
    return columns, rows


def _download(
    request: HttpRequest, named: Sequence[tuple[str, Results]], *, name: str, ascii_name: str
) -> HttpResponseBase:
    layout = tabular.layout_from_request(request)
    columns, rows = _table(named)
    return tabular.csv_response(columns, rows, layout, name=name, ascii_name=ascii_name, stream=False)


@require_GET
@login_required
def campaign_results_csv_view(request: HttpRequest, pk: int) -> HttpResponseBase:
    campaign: Campaign = queries.campaign_for(request.user, pk)
    return _download(
        request,
        [(campaign.name, campaign_results(campaign))],
        name=f"{_('results')} {campaign.name}",
        ascii_name=f"pelatis-campaign-{campaign.pk}-results",
    )


@require_GET
@login_required
def journey_results_csv_view(request: HttpRequest, pk: int) -> HttpResponseBase:
    journey: Journey = queries.journey_for_results(request.user, pk)
    rows, whole = journey_results(journey)
    named = [
        (
            _("Step %(position)s: %(template)s")
            % {"position": step.position, "template": step.template.name},
            r,
        )
        for step, r in rows
    ]
    named.append((_("Whole journey"), whole))
    return _download(
        request,
        named,
        name=f"{_('results')} {journey.name}",
        ascii_name=f"pelatis-journey-{journey.pk}-results",
    )
