from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from pelatis.customers.models import Tag

from .models import NpsCampaign
from .services.reviews import MAX_ANSWER


class ReviewAnswerForm(forms.Form):
    answer = forms.CharField(
        label=_("Our answer"), max_length=MAX_ANSWER, strip=True, widget=forms.Textarea(attrs={"rows": 8})
    )

    def add_service_errors(self, exc: ValidationError) -> None:
        """A service's ValidationError shown next to the field it names."""
        for field, messages in exc.message_dict.items():
            for message in messages:
                self.add_error(field if field in self.fields else None, message)


class ReviewFilterForm(forms.Form):
    platform = forms.CharField(required=False)
    unanswered = forms.BooleanField(required=False)
    negative = forms.BooleanField(required=False)


class NpsCampaignForm(forms.Form):
    """An NPS campaign as staff set it up: the same rules as ``nps_campaign_create``, each error on its field."""

    name = forms.CharField(label=_("Name"), max_length=120, strip=True)
    segment = forms.ChoiceField(
        label=_("Who is asked"), choices=NpsCampaign.Segment.choices, initial=NpsCampaign.Segment.ALL,
        widget=forms.RadioSelect,
    )
    tag = forms.ModelChoiceField(
        label=_("Tag"), queryset=Tag.objects.order_by("name"), required=False,
        help_text=_("Only for “Customers with a tag”."),
    )
    order_days = forms.IntegerField(
        label=_("Ordered in the last (days)"), required=False,
        help_text=_("Only for “Customers with an order in the last N days”."),
    )
    interval_days = forms.IntegerField(
        label=_("Ask each customer at most every (days)"), initial=90,
        help_text=_("Across all campaigns: a customer asked by any campaign rests this long."),
    )
    active = forms.BooleanField(label=_("Active: the worker sends it on schedule"), required=False, initial=True)

    def clean_interval_days(self) -> int:
        days: int = self.cleaned_data["interval_days"]
        if days < 1:
            raise ValidationError(_("The interval is at least one day."))
        return days

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        segment = data.get("segment")
        if segment == NpsCampaign.Segment.TAG and data.get("tag") is None and "tag" not in self.errors:
            self.add_error("tag", _("Choose the tag of the customers to ask."))
        days = data.get("order_days")
        if segment == NpsCampaign.Segment.RECENT_ORDER and not (days and days >= 1) and "order_days" not in self.errors:
            self.add_error("order_days", _("Give the number of days (1 or more)."))
        return data

    def add_service_errors(self, exc: ValidationError) -> None:
        """A service's ValidationError shown next to the field it names."""
        for field, messages in exc.message_dict.items():
            for message in messages:
                self.add_error(field if field in self.fields else None, message)

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
