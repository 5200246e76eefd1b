from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from pelatis.core.forms import ServiceErrorsMixin
from pelatis.customers.models import Tag

from .models import NpsCampaign
from .nps_audiences import audience_groups, audience_offered
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
    audience = forms.ChoiceField(
        label=_("Saved segment"),
        required=False,
        help_text=_("Only for “Customers of a saved segment”: its customers at each run."),
        error_messages={"invalid_choice": _("Unknown saved segment “%(value)s”: choose one of the list.")},
    )
    interval_days = forms.IntegerField(
        label=_("Ask each customer at most every (days)"),
        initial=90,
        help_text=_("Across all campaigns: a customer asked by any campaign rests this long."),
    )
    active = forms.BooleanField(
        label=_("Active: the worker sends it on schedule"), required=False, initial=True
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        audience = cast(forms.ChoiceField, self.fields["audience"])
        segment = cast(forms.ChoiceField, self.fields["segment"])
        if audience_offered():
            # Grouped under what offers them ("Customers in a segment"): each saved segment by name.
            audience.choices = [("", "—"), *audience_groups()]
        else:  # no app offers audiences: the choice is not shown at all
            del self.fields["audience"]
            segment.choices = [c for c in NpsCampaign.Segment.choices if c[0] != NpsCampaign.Segment.AUDIENCE]

    @classmethod
    def initial_for(cls, campaign: NpsCampaign) -> dict[str, Any]:
        return {
            "name": campaign.name,
            "segment": campaign.segment,
            "tag": campaign.tag_id,
            "order_days": campaign.order_days,
            "audience": campaign.audience,
            "interval_days": campaign.interval_days,
            "active": campaign.active,
        }
