"""Loyalty's part in a data-subject export and erasure (``PERSONAL_DATA`` in hooks.py).

Export: the customer's account (balance, tier), every ledger entry, the tier changes and the expiry
warnings sent to them.

Erasure keeps the account and every ledger entry as it is (points, kinds, dates, orders: the balance and
the programme's figures stay equal; the ledger is append-only), and scrubs the person's names, emails and
phones from the free text that may quote them: a ledger entry's reason (typed by staff or an API), a tier
change's reason, an expiry warning's error (a mail server's refusal names the address).
"""

from __future__ import annotations

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pelatis.core.personaldata import ErasureContext, ErasureReport, PersonalDataParticipant, Section
from pelatis.core.personaltext import iso, label, labelled, rows_scrub, staff_name

from .models import ExpiryWarning, LedgerEntry, LoyaltyAccount, TierChange


def _account_rows(customer_id: int, language: str) -> list[dict[str, object]]:
    account = LoyaltyAccount.objects.filter(customer_id=customer_id).select_related("tier").first()
    if account is None:
        return []
    return [
        {
            "balance": account.balance,
            "tier": account.tier.label(language) if account.tier else "",
            "tier_since": iso(account.tier_since),
            "downgrade_pending_until": iso(account.grace_until),
            "opened_at": iso(account.created_at),
        }
    ]


# The CSV's column labels (short; ``fields`` documents each column in a sentence).
_LABELS = {
    "loyalty_account": {
        "balance": gettext_lazy("points balance"),
        "tier": gettext_lazy("tier"),
        "tier_since": gettext_lazy("in this tier since"),
        "downgrade_pending_until": gettext_lazy("keeps the tier until"),
        "opened_at": gettext_lazy("opened"),
    },
    "loyalty_ledger": {
        "when": gettext_lazy("when"),
        "kind": gettext_lazy("kind"),
        "points": gettext_lazy("points"),
        "bonus_for": gettext_lazy("bonus for"),
        "order_reference": gettext_lazy("order"),
        "reward": gettext_lazy("reward"),
        "reason": gettext_lazy("reason"),
        "expires_at": gettext_lazy("expires"),
        "by": gettext_lazy("recorded by"),
    },
    "loyalty_tier_changes": {
        "when": gettext_lazy("when"),
        "direction": gettext_lazy("direction"),
        "from_tier": gettext_lazy("previous tier"),
        "to_tier": gettext_lazy("new tier"),
        "reason": gettext_lazy("reason"),
    },
    "loyalty_expiry_warnings": {
        "points_expire_on": gettext_lazy("points expire on"),
        "points": gettext_lazy("points"),
        "status": gettext_lazy("status"),
        "sent_at": gettext_lazy("sent on"),
    },
}


def loyalty_export(customer_id: int, language: str) -> list[Section]:
    """The customer's loyalty account, ledger, tier changes and expiry warnings."""
    with translation.override(language):
        entries = (
            LedgerEntry.objects.filter(account__customer_id=customer_id)
            .select_related("by", "reward")
            .order_by("created_at", "pk")
        )
        ledger = [
            {
                "when": iso(e.created_at),
                "kind": label(LedgerEntry.Kind, e.kind),
                "kind_code": e.kind,
                "points": e.points,
                "bonus_for": label(LedgerEntry.BonusKind, e.bonus_kind),
                "bonus_for_code": e.bonus_kind,
                "order_reference": e.order_reference,
                "reward": e.reward.name if e.reward else "",
                "reason": e.reason,
                "expires_at": iso(e.expires_at),
                "by": staff_name(e.by),
            }
            for e in entries
        ]
        changes = [
            {
                "when": iso(c.at),
                "direction": label(TierChange.Direction, c.direction),
                "direction_code": c.direction,
                "from_tier": c.from_name,
                "to_tier": c.to_name,
                "reason": c.reason,
            }
            for c in TierChange.objects.filter(account__customer_id=customer_id).order_by("at", "pk")
        ]
        warnings = [
            {
                "points_expire_on": iso(w.expires_on),
                "points": w.points,
                "status": label(ExpiryWarning.Status, w.status),
                "status_code": w.status,
                "sent_at": iso(w.sent_at),
            }
            for w in ExpiryWarning.objects.filter(account__customer_id=customer_id).order_by(
                "expires_on", "pk"
            )
        ]
        return labelled(
            [
                Section(
                    key="loyalty_account",
                    title=_("Loyalty account"),
                    rows=_account_rows(customer_id, language),
                    fields={
                        "balance": _("Your points balance."),
                        "tier": _("Your tier in the programme, if any."),
                        "tier_since": _("Since when you are in this tier."),
                        "downgrade_pending_until": _(
                            "If set: you keep your tier until then unless you reach it again."
                        ),
                        "opened_at": _("When your account was opened."),
                    },
                ),
                Section(
                    key="loyalty_ledger",
                    title=_("Loyalty points history"),
                    rows=ledger,
                    fields={
                        "when": _("When the points moved."),
                        "kind": _("Earned, redeemed, expired, adjusted, reversed, bonus or service credit."),
                        "kind_code": _("The kind as a code, for programs."),
                        "points": _("Points added (positive) or taken (negative)."),
                        "bonus_for": _(
                            "What a bonus was for (first purchase, birthday, name day, survey, compliment)."
                        ),
                        "bonus_for_code": _("The bonus as a code, for programs."),
                        "order_reference": _("The order that earned or returned the points, if any."),
                        "reward": _("The reward taken for the points, if any."),
                        "reason": _("Why, as recorded."),
                        "expires_at": _("When these points expire, if they do."),
                        "by": _("The staff member who recorded it, if any."),
                    },
                ),
                Section(
                    key="loyalty_tier_changes",
                    title=_("Tier changes"),
                    rows=changes,
                    fields={
                        "when": _("When your tier changed."),
                        "direction": _("Upgrade or downgrade."),
                        "direction_code": _("The direction as a code, for programs."),
                        "from_tier": _("The tier before."),
                        "to_tier": _("The tier after."),
                        "reason": _("Why, as recorded."),
                    },
                ),
                Section(
                    key="loyalty_expiry_warnings",
                    title=_("Points expiry warnings"),
                    rows=warnings,
                    fields={
                        "points_expire_on": _("The day the points were due to expire."),
                        "points": _("How many points were about to expire."),
                        "status": _("Whether the warning was sent."),
                        "status_code": _("The status as a code, for programs."),
                        "sent_at": _("When it was sent to you."),
                    },
                ),
            ],
            _LABELS,
        )


def loyalty_erase(context: ErasureContext) -> ErasureReport:
    """Scrub the person from the loyalty texts that may quote them; keep every point, kind and date."""
    cid, terms, ph = context.customer_id, context.terms, context.placeholder
    entries = LedgerEntry.objects.filter(account__customer_id=cid)
    return ErasureReport(
        counts={
            "ledger_reasons": rows_scrub(entries, ["reason", "order_reference"], terms, ph),
            "tier_change_reasons": rows_scrub(
                TierChange.objects.filter(account__customer_id=cid), ["reason"], terms, ph
            ),
            "expiry_warning_errors": rows_scrub(
                ExpiryWarning.objects.filter(account__customer_id=cid), ["error"], terms, ph
            ),
        }
    )


PARTICIPANT = PersonalDataParticipant(app="loyalty", export=loyalty_export, erase=loyalty_erase)
