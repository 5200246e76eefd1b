from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from pelatis.core.forms import ServiceErrorsMixin
from pelatis.customers.models import Tag

from .models import NpsCampaign
from .services.reviews import MAX_ANSWER


class ReviewAnswerForm(ServiceErrorsMixin, forms.Form):
    answer = forms.CharField(
        label=_("Our answer"), max_length=MAX_ANSWER, strip=True, widget=forms.Textarea(attrs={"rows": 8})
    )


class ReviewFilterForm(forms.Form):
    platform = forms.CharField(required=False)
    unanswered = forms.BooleanField(required=False)
    negative = forms.BooleanField(required=False)


class NpsCampaignForm(ServiceErrorsMixin, forms.Form):
    """An NPS campaign as staff set it up; the services check it (each error lands on its field)."""

    name = forms.CharField(label=_("Name"), max_length=120, strip=True)
    segment = forms.ChoiceField(
        label=_("Who is asked"),
        choices=NpsCampaign.Segment.choices,
        initial=NpsCampaign.Segment.ALL,
        widget=forms.RadioSelect,
    )
    tag = forms.ModelChoiceField(
        label=_("Tag"),
        queryset=Tag.objects.order_by("name"),
        required=False,
        help_text=_("Only for “Customers with a tag”."),
    )
    order_days = forms.IntegerField(
        label=_("Ordered in the last (days)"),
        required=False,
        help_text=_("Only for “Customers with an order in the last N days”."),
    )
    interval_days = forms.IntegerField(
        label=_("Ask each customer at most every (days)"),
        initial=90,
        help_text=_("Across all campaigns: a customer asked by any campaign rests this long."),
    )
    active = forms.BooleanField(
        label=_("Active: the worker sends it on schedule"), required=False, initial=True
    )

    @classmethod
    def initial_for(cls, campaign: NpsCampaign) -> dict[str, Any]:
        return {
            "name": campaign.name,
            "segment": campaign.segment,
            "tag": campaign.tag_id,
            "order_days": campaign.order_days,
            "interval_days": campaign.interval_days,
            "active": campaign.active,
        }
