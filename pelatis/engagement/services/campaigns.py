"""Campaigns as staff run them: write a draft, launch it now or schedule it, cancel it. Launching moves
the campaign to "sending" with one conditional UPDATE, so however many people press the button and
however many workers find it due, it starts once; the sending itself is the worker's
(:mod:`pelatis.engagement.services.campaign_run`)."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import Campaign, MessageTemplate, Segment
from ..models.content import Channel
from .campaign_lease import run_lease_extend

log = logging.getLogger(__name__)

S = Campaign.Status
EDITABLE = (S.DRAFT, S.SCHEDULED)
LAUNCHABLE = (S.DRAFT, S.SCHEDULED)
CANCELLABLE = (S.DRAFT, S.SCHEDULED, S.SENDING)
MAX_HOLDOUT = 50
MAX_CONVERSION_DAYS = 365
DUE_BATCH = 100  # scheduled campaigns launched per periodic run


@dataclass(frozen=True)
class CampaignInput:
    name: str
    segment: Segment | None
    template: MessageTemplate | None
    channel: str = Channel.EMAIL
    scheduled_for: dt.datetime | None = None
    holdout_percent: int = 0
    conversion_days: int = 14


def _validate(data: CampaignInput, *, now: dt.datetime) -> tuple[Segment, MessageTemplate]:
    """Every problem at once, each under the field it concerns; the segment and template when none."""
    errors: dict[str, list[str]] = {}

    def add(name: str, message: str) -> None:
        errors.setdefault(name, []).append(message)

    name = data.name.strip()
    if not name:
        add("name", _("Give the campaign a name."))
    elif len(name) > 120:
        add("name", _("At most 120 characters."))
    if data.segment is None:
        add("segment", _("Choose who receives it (a segment)."))
    if data.channel not in Channel.values:
        add("channel", _("Choose email or SMS."))
    if data.template is None:
        add("template", _("Choose the message to send."))
    elif data.channel in Channel.values and data.template.channel != data.channel:
        add(
            "template",
            _(
                "This template is written for %(template)s, not %(channel)s: choose another or change the channel."
            )
            % {"template": Channel(data.template.channel).label, "channel": Channel(data.channel).label},
        )
    if not 0 <= data.holdout_percent <= MAX_HOLDOUT:
        add("holdout_percent", _("Between 0 and %(max)s %%.") % {"max": MAX_HOLDOUT})
    if not 1 <= data.conversion_days <= MAX_CONVERSION_DAYS:
        add("conversion_days", _("Between 1 and %(max)s days.") % {"max": MAX_CONVERSION_DAYS})
    if data.scheduled_for is not None and data.scheduled_for <= now:
        add("scheduled_for", _("Choose a moment in the future."))
    if errors or data.segment is None or data.template is None:
        raise ValidationError(errors)
    return data.segment, data.template


def _launch_check(campaign: Campaign) -> None:
    """What must hold before anything goes out: the template matches the channel and has a version."""
    errors: dict[str, list[str]] = {}
    if campaign.template.channel != campaign.channel:
        errors["template"] = [_("The template's channel does not match the campaign's: edit the campaign.")]
    elif not campaign.template.versions.exists():
        errors["template"] = [_("The template has no text yet: write at least one language version.")]
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def campaign_create(*, data: CampaignInput, by: Any = None, now: dt.datetime | None = None) -> Campaign:
    """A new draft campaign."""
    segment, template = _validate(data, now=now or timezone.now())
    return Campaign.objects.create(
        name=data.name.strip(),
        segment=segment,
        template=template,
        channel=data.channel,
        scheduled_for=data.scheduled_for,
        holdout_percent=data.holdout_percent,
        conversion_days=data.conversion_days,
        created_by=by if getattr(by, "pk", None) else None,
    )


@transaction.atomic
def campaign_update(*, campaign: Campaign, data: CampaignInput, now: dt.datetime | None = None) -> Campaign:
    """A draft's or a scheduled campaign's settings; a scheduled one left without a time goes back to draft."""
    locked = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if locked.status not in EDITABLE:
        raise ValidationError(_("This campaign has started: it can no longer be changed."))
    segment, template = _validate(data, now=now or timezone.now())
    locked.name = data.name.strip()
    locked.segment, locked.template, locked.channel = segment, template, data.channel
    locked.scheduled_for = data.scheduled_for
    locked.holdout_percent, locked.conversion_days = data.holdout_percent, data.conversion_days
    if locked.status == S.SCHEDULED and data.scheduled_for is None:
        locked.status = S.DRAFT
    locked.save()
    return locked


@transaction.atomic
def campaign_schedule(*, campaign: Campaign, now: dt.datetime | None = None) -> Campaign:
    """Draft → scheduled: the worker launches it at its "send at" time."""
    now = now or timezone.now()
    locked = Campaign.objects.select_for_update().select_related("template").get(pk=campaign.pk)
    if locked.status not in LAUNCHABLE:
        raise ValidationError(_("Only a draft can be scheduled."))
    if locked.scheduled_for is None:
        raise ValidationError({"scheduled_for": [_("Choose when to send it.")]})
    if locked.scheduled_for <= now:
        raise ValidationError({"scheduled_for": [_("Choose a moment in the future.")]})
    _launch_check(locked)
    locked.status = S.SCHEDULED
    locked.save(update_fields=["status"])
    return locked


def campaign_launch(*, campaign_id: int, now: dt.datetime | None = None) -> bool:
    """Start sending now: True for the one call that moved it from draft or scheduled to sending (the
    conditional UPDATE lets only one through); the worker's task is queued after that commits."""
    now = now or timezone.now()
    campaign = Campaign.objects.select_related("template").filter(pk=campaign_id).first()
    if campaign is None or campaign.status not in LAUNCHABLE:
        return False
    _launch_check(campaign)
    with transaction.atomic():
        moved = Campaign.objects.filter(pk=campaign_id, status__in=LAUNCHABLE).update(
            status=S.SENDING, started_at=now, finished_at=None
        )
        if moved:
            transaction.on_commit(lambda: _queue_run(campaign_id, now))
    return bool(moved)


def _queue_run(campaign_id: int, started_at: dt.datetime) -> None:
    from ..tasks import campaign_run_task

    run_lease_extend(
        campaign_id, started_at
    )  # held by this run: the periodic job does not queue a second one
    campaign_run_task.enqueue(campaign_id=campaign_id)


def campaign_cancel(*, campaign: Campaign) -> bool:
    """Draft, scheduled or sending → cancelled (a sending one stops before its next batch; what went out
    stays sent). False when it had already finished or was cancelled."""
    moved = Campaign.objects.filter(pk=campaign.pk, status__in=CANCELLABLE).update(
        status=S.CANCELLED, finished_at=timezone.now()
    )
    return bool(moved)


def campaigns_launch_due(*, now: dt.datetime | None = None) -> int:
    """Launch the scheduled campaigns whose time has come; how many this call launched."""
    now = now or timezone.now()
    ids = list(
        Campaign.objects.filter(status=S.SCHEDULED, scheduled_for__lte=now)
        .order_by("scheduled_for", "pk")
        .values_list("pk", flat=True)[:DUE_BATCH]
    )
    launched = 0
    for pk in ids:
        try:
            launched += campaign_launch(campaign_id=pk, now=now)
        except ValidationError as exc:  # its template lost its text since it was scheduled: it waits
            log.warning("campaign %s not launched: %s", pk, "; ".join(exc.messages))
    return launched
