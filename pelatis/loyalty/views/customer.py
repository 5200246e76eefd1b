"""The 360 card's forms (redeem at the counter, adjust) and the customer's statement (HTML and PDF)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from pelatis.core.http import is_htmx, request_user
from pelatis.customers.models import Customer
from pelatis.customers.queries import customer_for

from .. import queries
from ..forms import AdjustForm, RedeemForm, StatementPeriodForm
from ..panels import active_rewards, card_context
from ..services.ledger import InsufficientPoints, points_adjust, points_redeem
from ..services.rewards import reward_redeem
from ..statement import FontMissing, statement_of, statement_pdf
from ..templatetags.loyalty_ui import points as points_text
from ..templatetags.loyalty_ui import points_signed


def _customer(request: HttpRequest, pk: int, permission: str) -> Customer:
    customer = customer_for(request.user, pk)
    if not request.user.has_perm(permission) or customer.is_merged:
        raise PermissionDenied
    return customer


def short_message(exc: InsufficientPoints) -> str:
    """The 409's message, in the reader's language with its number format («3.389» in Greek)."""
    return _("Not enough points: the balance is %(balance)s points, %(wanted)s were asked for.") % {
        "balance": points_text(exc.balance),
        "wanted": points_text(exc.wanted),
    }


def _answer(
    request: HttpRequest, customer: Customer, *, done: str = "", status: int = 200, **forms: object
) -> HttpResponse:
    """The card again (htmx: in place, with the message or the errors); without JS, back to the customer."""
    if is_htmx(request):
        ctx = card_context(request, customer, done=done, **forms)  # type: ignore[arg-type]  # bound forms by name
        # htmx swaps 422 in place (web/base.html); a short balance is a 409 to anything else.
        return render(request, "loyalty/_customer_card.html", ctx, status=422 if status >= 400 else status)
    if status >= 400:
        ctx = card_context(request, customer, **forms)  # type: ignore[arg-type]  # bound forms by name
        return render(request, "loyalty/card_page.html", ctx, status=status)
    messages.success(request, done)
    return redirect(reverse("customers:detail", args=[customer.pk]) + "#loyalty-card")


@require_POST
@login_required
def redeem_view(request: HttpRequest, pk: int) -> HttpResponse:
    customer = _customer(request, pk, queries.REDEEM_PERMISSION)
    form = RedeemForm(request.POST, rewards=active_rewards())
    if not form.is_valid():
        return _answer(request, customer, redeem_form=form, status=422)
    data = form.cleaned_data
    try:
        if data["reward"] is not None:
            entry = reward_redeem(customer_id=customer.pk, reward_id=data["reward"], by=request_user(request))
        else:
            entry = points_redeem(
                customer=customer, points=data["points"], reason=data["reason"], by=request_user(request)
            )
    except InsufficientPoints as exc:
        form.add_error(None, short_message(exc))
        return _answer(request, customer, redeem_form=form, status=409)
    except ValidationError as exc:
        form.add_service_errors(exc)
        return _answer(request, customer, redeem_form=form, status=422)
    done = _("Redeemed %(points)s points: %(reason)s.") % {
        "points": points_text(-entry.points),
        "reason": entry.reason,
    }
    return _answer(request, customer, done=done)


@require_POST
@login_required
def adjust_view(request: HttpRequest, pk: int) -> HttpResponse:
    customer = _customer(request, pk, queries.ADJUST_PERMISSION)
    form = AdjustForm(request.POST)
    if not form.is_valid():
        return _answer(request, customer, adjust_form=form, status=422)
    try:
        entry = points_adjust(
            customer=customer,
            points=form.cleaned_data["points"],
            reason=form.cleaned_data["reason"],
            by=request_user(request),
        )
    except InsufficientPoints as exc:
        form.add_error(None, short_message(exc))
        return _answer(request, customer, adjust_form=form, status=409)
    except ValidationError as exc:
        form.add_service_errors(exc)
        return _answer(request, customer, adjust_form=form, status=422)
    done = _("Adjusted by %(points)s points: %(reason)s.") % {
        "points": points_signed(entry.points),
        "reason": entry.reason,
    }
    return _answer(request, customer, done=done)


def _period(request: HttpRequest) -> tuple[StatementPeriodForm, bool]:
    form = StatementPeriodForm(request.GET or None)
    return form, form.is_bound and not form.is_valid()


@require_GET
@login_required
def statement_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The statement on screen, in the customer's language, with the period to choose."""
    customer = _customer(request, pk, queries.VIEW_PERMISSION)
    form, invalid = _period(request)
    data = form.cleaned_data if form.is_bound and not invalid else {}
    statement = statement_of(customer, start=data.get("start"), end=data.get("end"))
    return render(
        request,
        "loyalty/statement.html",
        {"c": customer, "s": statement, "form": form, "query": request.GET.urlencode()},
        status=422 if invalid else 200,
    )


@require_GET
@login_required
def statement_pdf_view(request: HttpRequest, pk: int) -> HttpResponse:
    customer = _customer(request, pk, queries.VIEW_PERMISSION)
    form, invalid = _period(request)
    if invalid:
        return render(request, "loyalty/statement.html", {"c": customer, "s": None, "form": form}, status=422)
    data = form.cleaned_data if form.is_bound else {}
    statement = statement_of(customer, start=data.get("start"), end=data.get("end"))
    try:
        pdf = statement_pdf(statement)
    except FontMissing as exc:
        return render(
            request,
            "loyalty/statement.html",
            {"c": customer, "s": statement, "form": form, "error": str(exc)},
            status=503,
        )
    response = HttpResponse(pdf, content_type="application/pdf")
    name = f"statement-{customer.pk}-{statement.start:%Y%m%d}-{statement.end:%Y%m%d}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
