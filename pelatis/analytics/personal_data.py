"""Analytics' part in a data-subject export and erasure (``PERSONAL_DATA`` in hooks.py).

The customer's scores are profiling, so the person has the right to see them: the export holds their
purchase summary, RFM scores and segment, and the predicted value.

Erasure keeps every number (the dashboards stay equal) and removes the text copies of the person: the
kept dashboards list the top customers by name, so that name becomes the placeholder in each kept
dashboard, and any other string there that quotes them is scrubbed. Kept dashboards are a cache of one
row per set of filters (pruned after a week), so looking through all of them is cheap.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pelatis.core.personaldata import ErasureContext, ErasureReport, PersonalDataParticipant, Section
from pelatis.core.personaltext import identifying_terms, iso, json_scrub, label, labelled, money

from .models import CustomerValue, MetricSnapshot, Segment


def _money(name: str, value: float | None, language: str) -> dict[str, Any]:
    amount = None if value is None else Decimal(str(round(value, 2)))
    return money(name, amount, settings.PELATIS_DEFAULT_CURRENCY, language)


# The CSV's column labels (short; ``fields`` documents each column in a sentence).
_LABELS = {
    "customer_value": {
        "orders": gettext_lazy("orders"),
        "historical_value": gettext_lazy("historical value"),
        "first_order": gettext_lazy("first order"),
        "last_order": gettext_lazy("last order"),
        "recency_score": gettext_lazy("recency score"),
        "frequency_score": gettext_lazy("frequency score"),
        "monetary_score": gettext_lazy("monetary score"),
        "segment": gettext_lazy("segment"),
        "probability_still_active": gettext_lazy("probability still active"),
        "expected_purchases_12_months": gettext_lazy("expected purchases (12 months)"),
        "predicted_value_12_months": gettext_lazy("predicted value (12 months)"),
        "scored_at": gettext_lazy("scored on"),
    },
}


def analytics_export(customer_id: int, language: str) -> list[Section]:
    """The customer's purchase summary, RFM scores and segment, and predicted value."""
    value = CustomerValue.objects.filter(customer_id=customer_id).first()
    with translation.override(language):
        rows = []
        if value is not None:
            rows.append(
                {
                    "orders": value.orders,
                    **_money("historical_value", value.revenue, language),
                    "first_order": iso(value.first_order),
                    "last_order": iso(value.last_order),
                    "recency_score": value.recency_score,
                    "frequency_score": value.frequency_score,
                    "monetary_score": value.monetary_score,
                    "segment": label(Segment, value.segment),
                    "segment_code": value.segment,
                    "probability_still_active": value.p_alive,
                    "expected_purchases_12_months": value.expected_purchases,
                    **_money("predicted_value_12_months", value.clv, language),
                    "scored_at": iso(value.computed_at),
                }
            )
        fields = {
            "orders": _("How many orders you placed."),
            "historical_value": _("What your orders came to, with the currency."),
            "historical_value_amount": _("The same amount as a number, for programs."),
            "first_order": _("The day of your first order."),
            "last_order": _("The day of your last order."),
            "recency_score": _("1 to 5: how recently you ordered, compared with our other customers."),
            "frequency_score": _("1 to 5: how often you order, compared with our other customers."),
            "monetary_score": _("1 to 5: how much you spend, compared with our other customers."),
            "segment": _("The group these scores place you in (e.g. loyal, at risk)."),
            "segment_code": _("The segment as a code, for programs."),
            "probability_still_active": _("The model's estimate (0 to 1) that you still buy from us."),
            "expected_purchases_12_months": _(
                "The model's estimate of your purchases in the next 12 months."
            ),
            "predicted_value_12_months": _(
                "The model's estimate of what you will spend in the next 12 months."
            ),
            "predicted_value_12_months_amount": _("The same amount as a number, for programs."),
            "currency": _("The currency of the amounts."),
            "scored_at": _("When these scores were computed."),
        }
        return labelled(
            [Section(key="customer_value", title=_("Customer value and segment"), rows=rows, fields=fields)],
            _LABELS,
        )


def _named_out(data: Any, customer_id: int, placeholder: str) -> Any:
    """A kept dashboard with this customer's name in the top customers replaced."""
    value = data.get("value") if isinstance(data, dict) else None
    if not isinstance(value, dict) or not isinstance(value.get("top"), list):
        return data
    top: list[Any] = value["top"]
    named = [
        {**row, "name": placeholder} if isinstance(row, dict) and row.get("id") == customer_id else row
        for row in top
    ]
    return {**data, "value": {**value, "top": named}}


def analytics_erase(context: ErasureContext) -> ErasureReport:
    """Keep the customer's scores; take their name out of the kept dashboards (and, from any other string
    there, what names this one person on its own: an agent who shares a first name keeps theirs)."""
    quoted = identifying_terms(context.terms)
    changed = 0
    for pk, data in MetricSnapshot.objects.values_list("pk", "data").iterator():
        new = json_scrub(
            _named_out(data, context.customer_id, context.placeholder), quoted, context.placeholder
        )
        if new != data:
            MetricSnapshot.objects.filter(pk=pk).update(data=new)
            changed += 1
    return ErasureReport(
        counts={
            "dashboards": changed,
        }
    )


PARTICIPANT = PersonalDataParticipant(app="analytics", export=analytics_export, erase=analytics_erase)
