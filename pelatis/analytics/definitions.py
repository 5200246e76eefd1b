"""The dashboard's metrics by name: what each is called in the reader's language and a one-line definition
(shown on hover and read by screen readers). docs/metrics.md has the full definitions and examples."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

METRICS: dict[str, tuple[Promise, Promise]] = {
    "csat": (
        _("Satisfaction (CSAT)"),
        _("Share of satisfaction ratings of 4 or 5 out of 5, from surveys answered in the period."),
    ),
    "csat_rate": (
        _("CSAT response rate"),
        _("Share of the period's satisfaction surveys that the customer answered."),
    ),
    "nps": (
        _("Net Promoter Score (NPS)"),
        _("Promoters (9–10) minus detractors (0–6) as a share of all answers: from −100 to +100."),
    ),
    "nps_rate": (_("NPS response rate"), _("Share of the period's NPS surveys that the customer answered.")),
    "reviews": (_("Reviews"), _("Reviews and mentions published on outside platforms in the period.")),
    "rating": (
        _("Average review rating"),
        _("The mean star rating of the period's rated reviews, out of 5."),
    ),
    "negative": (
        _("Negative reviews"),
        _("Share of reviews rated 1 or 2 stars, or unrated with a negative tone."),
    ),
    "answered": (_("Reviews answered"), _("Share of the period's reviews that we answered in public.")),
    "orders": (_("Orders"), _("Orders placed in the period, cancelled and refunded ones left out.")),
    "revenue": (_("Revenue"), _("The total of the period's sold orders.")),
    "aov": (_("Average order value"), _("Revenue divided by the number of orders.")),
    "frequency": (_("Purchase frequency"), _("Orders per buying customer in the period.")),
    "repeat": (_("Repeat-purchase rate"), _("Share of the period's buyers who ordered twice or more in it.")),
    "retention": (
        _("Retention"),
        _("Customers at the end of the period less the new ones, as a share of those at its start."),
    ),
    "churn": (
        _("Churn"),
        _("Share of the customers at the start of the period who did not stay: 100 % − retention."),
    ),
    "historical_clv": (
        _("Historical value per customer"),
        _("What a scored customer has spent with us so far, on average."),
    ),
    "predicted_clv": (
        _("Predicted 12-month value per customer"),
        _(
            "Customer lifetime value (CLV): what a customer is expected to spend in the next "
            "12 months, on average (BG/NBD and Gamma-Gamma models)."
        ),
    ),
    "p_alive": (
        _("Probability still active"),
        _(
            "The chance that the customer still buys from us, judged from how often and how lately "
            "they bought."
        ),
    ),
    "first_response": (
        _("First response (business hours)"),
        _("Average time from a request to our first answer, counting business hours only."),
    ),
    "resolution": (
        _("Resolution (business hours)"),
        _("Average time from a request to its resolution, counting business hours only."),
    ),
    "fcr": (
        _("First-contact resolution"),
        _("Share of resolved requests solved with a single answer of ours and never reopened."),
    ),
    "sla": (_("SLA compliance"), _("Share of requests answered and resolved within their agreed targets.")),
    "reopen": (_("Reopen rate"), _("Share of resolved requests that the customer reopened.")),
    "backlog": (_("Backlog"), _("Requests not yet resolved or closed, now.")),
}


def metric_label(key: str) -> str:
    return str(METRICS[key][0])


def metric_definition(key: str) -> str:
    return str(METRICS[key][1])
