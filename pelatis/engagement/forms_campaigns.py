"""The campaign form: it only parses what was typed; the services check it and each of their errors lands
on its field."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from pelatis.core.forms import ServiceErrorsMixin

from .models import Campaign, MessageTemplate, Segment
from .models.content import Channel
from .services.campaigns import CampaignInput

LOCAL_INPUT = "%Y-%m-%dT%H:%M"  # what <input type="datetime-local"> sends


class CampaignForm(ServiceErrorsMixin, forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120, strip=True)
    segment = forms.ModelChoiceField(
        label=_("Audience (segment)"),
        queryset=Segment.objects.order_by("name"),
        empty_label=_("Choose a segment"),
    )
    template = forms.ModelChoiceField(
        label=_("Message template"),
        queryset=MessageTemplate.objects.order_by("name"),
        empty_label=_("Choose a template"),
    )
    channel = forms.ChoiceField(label=_("Channel"), choices=Channel.choices, initial=Channel.EMAIL)
    scheduled_for = forms.DateTimeField(
        label=_("Send at"),
        required=False,
        input_formats=[LOCAL_INPUT, "%Y-%m-%d %H:%M", "%d/%m/%Y %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=LOCAL_INPUT),
    )
    holdout_percent = forms.IntegerField(
        label=_("Hold-out group (%)"),
        initial=10,
        help_text=_(
            "This share of the audience receives nothing, so the results can show what the message changed (0–50)."
        ),
    )
    conversion_days = forms.IntegerField(
        label=_("Orders counted for (days)"),
        initial=14,
        help_text=_("Orders placed this many days after the message count as its result."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["scheduled_for"].help_text = _(
            "In the business's time zone (%(zone)s). Leave it empty to launch the campaign by hand."
        ) % {"zone": settings.TIME_ZONE}

    @classmethod
    def initial_for(cls, campaign: Campaign) -> dict[str, Any]:
        return {
            "name": campaign.name,
            "segment": campaign.segment_id,
            "template": campaign.template_id,
            "channel": campaign.channel,
            "scheduled_for": campaign.scheduled_for,
            "holdout_percent": campaign.holdout_percent,
            "conversion_days": campaign.conversion_days,
        }

    def as_input(self) -> CampaignInput:
        data = self.cleaned_data
        return CampaignInput(
            name=data["name"],
            segment=data["segment"],
            template=data["template"],
            channel=data["channel"],
            scheduled_for=data.get("scheduled_for"),
            holdout_percent=data["holdout_percent"],
            conversion_days=data["conversion_days"],
        )
