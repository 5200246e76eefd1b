"""What loyalty shows on other apps' pages: the 360 card, the portal's card and the ticket's credit card."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils import timezone, translation

from pelatis.customers.models import Customer
from pelatis.helpdesk.models import Ticket

from . import queries
from .forms import AdjustForm, CreditForm, RedeemForm
from .models import LedgerEntry, LoyaltyAccount, Reward

ENTRIES_SHOWN = 8
CREDIT_PERMISSIONS = ("helpdesk.change_ticket", queries.VIEW_PERMISSION)


def active_rewards() -> list[Reward]:
    """The catalogue an agent chooses from: active rewards with stock left."""
    return [r for r in Reward.objects.filter(active=True) if r.stock is None or r.stock > 0]


def card_context(
    request: HttpRequest,
    customer: Customer,
    *,
    redeem_form: RedeemForm | None = None,
    adjust_form: AdjustForm | None = None,
    done: str = "",
) -> dict[str, Any]:
    """What the 360 card shows; a bound form (with its errors) replaces the empty one."""
    user = request.user
    can_redeem = user.has_perm(queries.REDEEM_PERMISSION) and not customer.is_merged
    can_adjust = user.has_perm(queries.ADJUST_PERMISSION) and not customer.is_merged
    rewards = active_rewards() if can_redeem else []
    entries = list(queries.ledger_of(customer).select_related("by", "reward")[:ENTRIES_SHOWN])
    return {
        "c": customer,
        "balance": queries.balance_of(customer),
        "tier": queries.tier_status(customer.pk),
        "expiring": queries.expiring_soon(customer, now=timezone.now()),
        "entries": entries,
        "can_redeem": can_redeem,
        "can_adjust": can_adjust,
        "redeem_form": redeem_form or (RedeemForm(rewards=rewards) if can_redeem else None),
        "adjust_form": adjust_form or (AdjustForm() if can_adjust else None),
        "done": done,
    }


def customer_panel(request: HttpRequest, customer: Customer) -> str:
    """The 360 card: balance, tier, what expires soon, the latest entries, redeem (agents), adjust (managers)."""
    if not request.user.has_perm(queries.VIEW_PERMISSION) or customer.is_merged:
        return ""
    return render_to_string("loyalty/_customer_card.html", card_context(request, customer), request=request)


def portal_panel(ticket: Ticket) -> str:
    """The customer's request page: their balance and tier, nothing else (in their language: the page's)."""
    customer_id = ticket.customer.merged_into_id or ticket.customer_id
    account = LoyaltyAccount.objects.filter(customer_id=customer_id).only("balance").first()
    if account is None:
        return ""
    status = queries.tier_status(customer_id, language=translation.get_language())
    return render_to_string(
        "loyalty/_portal_card.html",
        {"balance": account.balance, "tier": status.tier if status is not None else None},
    )


def ticket_context(request: HttpRequest, ticket: Ticket, *, form: CreditForm | None = None) -> dict[str, Any]:
    can_credit = (
        all(request.user.has_perm(p) for p in CREDIT_PERMISSIONS)
        and ticket.type == Ticket.Type.COMPLAINT
        and not ticket.merged_into_id
    )
    return {
        "t": ticket,
        "credits": list(
            LedgerEntry.objects.filter(ticket_id=ticket.pk, kind=LedgerEntry.Kind.CREDIT)
            .select_related("by")
            .order_by("created_at", "id")
        ),
        "can_credit": can_credit,
        "form": form or (CreditForm() if can_credit else None),
    }


def ticket_panel(request: HttpRequest, ticket: Ticket) -> str:
    """Beside a complaint: the service-recovery credits given on it, and the form to give one."""
    if not request.user.has_perm(queries.VIEW_PERMISSION):
        return ""
    ctx = ticket_context(request, ticket)
    if not ctx["credits"] and not ctx["can_credit"]:
        return ""
    return render_to_string("loyalty/_ticket_card.html", ctx, request=request)
