"""Campaign services without the mail server: what a draft accepts, when it may be scheduled or launched,
and what a launch that cannot go ahead says (and leaves unchanged)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from pelatis.engagement.models import Campaign, MessageTemplate, Segment, TemplateVersion
from pelatis.engagement.services.campaigns import (
    CampaignInput,
    campaign_cancel,
    campaign_create,
    campaign_launch,
    campaign_schedule,
    campaign_update,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def segment() -> Segment:
    return Segment.objects.create(name="Όλοι", definition={"op": "and", "rules": []})


def _template(name: str = "Νέα", *, channel: str = "email", text: bool = True) -> MessageTemplate:
    template = MessageTemplate.objects.create(name=name, channel=channel)
    if text:
        TemplateVersion.objects.create(template=template, language="el", subject="Νέα", body="Γεια σας")
    return template


def _draft(segment: Segment, template: MessageTemplate, **fields: object) -> Campaign:
    return campaign_create(data=CampaignInput(name="Δοκιμή", segment=segment, template=template, **fields))  # type: ignore[arg-type]  # fields of CampaignInput


def test_every_problem_is_named_under_its_field(segment: Segment) -> None:
    sms = _template(channel="sms")
    with pytest.raises(ValidationError) as caught:
        campaign_create(
            data=CampaignInput(
                name="  ",
                segment=None,
                template=sms,
                channel="email",
                holdout_percent=51,
                conversion_days=400,
                scheduled_for=timezone.now() - dt.timedelta(minutes=1),
            )
        )
    assert set(caught.value.message_dict) == {
        "name",
        "segment",
        "template",
        "holdout_percent",
        "conversion_days",
        "scheduled_for",
    }
    assert not Campaign.objects.exists()


def test_a_template_without_text_cannot_be_launched_or_scheduled(segment: Segment) -> None:
    campaign = _draft(segment, _template(text=False), scheduled_for=timezone.now() + dt.timedelta(days=1))
    with pytest.raises(ValidationError) as launched:
        campaign_launch(campaign_id=campaign.pk)
    assert "template" in launched.value.message_dict
    with pytest.raises(ValidationError):
        campaign_schedule(campaign=campaign)
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.DRAFT
    assert campaign.started_at is None


def test_scheduling_needs_a_future_time(segment: Segment) -> None:
    campaign = _draft(segment, _template())
    with pytest.raises(ValidationError) as caught:
        campaign_schedule(campaign=campaign)
    assert "scheduled_for" in caught.value.message_dict
    Campaign.objects.filter(pk=campaign.pk).update(scheduled_for=timezone.now() - dt.timedelta(minutes=1))
    with pytest.raises(ValidationError):
        campaign_schedule(campaign=campaign)
    assert Campaign.objects.get(pk=campaign.pk).status == Campaign.Status.DRAFT


def test_clearing_the_time_of_a_scheduled_campaign_makes_it_a_draft_again(segment: Segment) -> None:
    template = _template()
    campaign = _draft(segment, template, scheduled_for=timezone.now() + dt.timedelta(days=1))
    campaign = campaign_schedule(campaign=campaign)
    assert campaign.status == Campaign.Status.SCHEDULED
    updated = campaign_update(
        campaign=campaign, data=CampaignInput(name="Δοκιμή 2", segment=segment, template=template)
    )
    assert (updated.status, updated.name, updated.scheduled_for) == (Campaign.Status.DRAFT, "Δοκιμή 2", None)


def test_finished_or_cancelled_campaigns_stay_as_they_are(segment: Segment) -> None:
    template = _template()
    campaign = _draft(segment, template)
    Campaign.objects.filter(pk=campaign.pk).update(status=Campaign.Status.DONE)
    assert not campaign_cancel(campaign=campaign)
    assert not campaign_launch(campaign_id=campaign.pk)
    with pytest.raises(ValidationError):
        campaign_update(
            campaign=campaign, data=CampaignInput(name="Άλλο", segment=segment, template=template)
        )
    assert Campaign.objects.get(pk=campaign.pk).status == Campaign.Status.DONE
