"""Sending a launched campaign, batch by batch, so that a run can stop anywhere (a worker killed, a
deploy) and the next one carries on without sending anything twice.

Each customer of the audience gets one decision, keyed ``campaign:<id>:customer:<id>``: the hold-out
group (chosen by :mod:`pelatis.engagement.holdout`, so a restart picks the same people) is recorded
with ``message_hold_out``; the others get ``message_send``, which claims the key before sending, so a
second run finds the claim and sends nothing. A customer inside their quiet hours is left for a later
run (the periodic job comes back when the earliest quiet hours end); when every customer of the
audience has a decision the campaign is done.

Never call these inside a transaction: ``message_send`` commits its claim, then talks to the mail
server or the SMS gateway.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone

from pelatis.channels.outbound import sending_lease
from pelatis.customers.models import Customer
from pelatis.privacy.queries import consent_q

from ..holdout import campaign_scope, is_held_out
from ..models import Campaign, Send
from ..segments import segment_customers
from .sending import message_hold_out, message_send, quiet_hours_end

BATCH = 200  # customers read and decided at a time
MAX_BATCHES = 25  # per task run: a larger audience continues in a fresh task


@dataclass
class RunResult:
    sent: int = 0  # handed to message_send (it may still skip them: consent, address, cap)
    held_out: int = 0
    deferred: int = 0  # in their quiet hours: a later run sends
    more: bool = False  # batches used up before the end of the audience: run again now
    done: bool = False  # every customer has a decision: the campaign is finished
    stopped: bool = False  # not sending (cancelled, finished, unknown): nothing done
    retry_at: dt.datetime | None = None  # when the earliest deferred customer's quiet hours end
    started_at: dt.datetime | None = None  # the campaign's launch (its run's lease is keyed on it)
    last_pk: int = 0  # the last customer decided or deferred: where a continuing run starts


def customer_key(campaign_id: int, customer_id: int) -> str:
    return f"campaign:{campaign_id}:customer:{customer_id}"


def campaign_audience(campaign: Campaign) -> QuerySet[Customer]:
    """The campaign's customers: its segment now, less those whose consent does not allow this message
    (so the hold-out group is drawn from the same people as those sent to) and those who joined after
    the launch."""
    audience = segment_customers(campaign.segment.definition).filter(
        consent_q(campaign.template.purpose, campaign.channel)
    )
    if campaign.started_at is not None:
        audience = audience.filter(created_at__lte=campaign.started_at)
    return audience


def campaign_pending(campaign: Campaign) -> QuerySet[Customer]:
    """The audience still without a decision, in id order."""
    decided = Send.objects.filter(campaign_id=campaign.pk, customer_id=OuterRef("pk"))
    return campaign_audience(campaign).exclude(Exists(decided)).order_by("pk")  # an anti-join, not NOT IN


def _retry_interrupted(campaign: Campaign, *, batch: int) -> int:
    """Messages claimed but never recorded (their worker died mid-send) once the sending lease is over:
    ``message_send`` takes the claim over and tries again under the same key; how many were retried."""
    stale = Send.objects.filter(
        campaign_id=campaign.pk,
        status=Send.Status.CLAIMED,
        claimed_at__lt=timezone.now() - sending_lease(),
    ).values_list("key", "customer_id")[:batch]
    for key, customer_id in stale:
        message_send(
            key=key,
            customer_id=customer_id,
            template=campaign.template,
            channel=campaign.channel,
            campaign=campaign,
        )
    return len(stale)


def _sending(campaign_id: int) -> bool:
    return Campaign.objects.filter(pk=campaign_id, status=Campaign.Status.SENDING).exists()


def campaign_run(
    *,
    campaign_id: int,
    now: dt.datetime | None = None,
    after: int = 0,
    batches: int | None = None,
    batch: int | None = None,
) -> RunResult:
    """Decide up to ``batches`` × ``batch`` pending customers of a sending campaign with ids above
    ``after`` (a run that used up its batches says where the next one starts, so customers deferred
    for their quiet hours never hold the rest back); finishes the campaign when none is left. Safe to
    run twice at once or again after a crash: every decision is keyed."""
    batches = MAX_BATCHES if batches is None else batches
    batch = BATCH if batch is None else batch
    result = RunResult()
    campaign = Campaign.objects.select_related("segment", "template").filter(pk=campaign_id).first()
    if campaign is None or campaign.status != Campaign.Status.SENDING:
        result.stopped = True
        return result
    result.started_at = campaign.started_at
    scope = campaign_scope(campaign.pk)
    pending = campaign_pending(campaign)
    for _ in range(batches):
        if not _sending(campaign.pk):  # cancelled meanwhile: stop before the next batch
            result.stopped = True
            return result
        customers = list(pending.filter(pk__gt=after)[:batch])
        if not customers:
            break
        ended = len(customers) < batch  # the audience ends within this batch
        moment = now or timezone.now()
        for customer in customers:
            key = customer_key(campaign.pk, customer.pk)
            if is_held_out(scope, customer.pk, campaign.holdout_percent):
                message_hold_out(key=key, customer_id=customer.pk, campaign=campaign)
                result.held_out += 1
                continue
            quiet_end = quiet_hours_end(customer, moment)
            if quiet_end is not None:
                result.deferred += 1
                result.retry_at = min(result.retry_at or quiet_end, quiet_end)
                continue
            message_send(
                key=key,
                customer_id=customer.pk,
                template=campaign.template,
                channel=campaign.channel,
                campaign=campaign,
            )
            result.sent += 1
        after = result.last_pk = customers[-1].pk
        if ended:
            break
    else:
        result.more = True
        return result
    result.sent += _retry_interrupted(campaign, batch=batch)
    unfinished = Send.objects.filter(campaign_id=campaign.pk, status=Send.Status.CLAIMED).exists()
    if result.deferred == 0 and not unfinished and not campaign_pending(campaign).exists():
        result.done = bool(
            Campaign.objects.filter(pk=campaign.pk, status=Campaign.Status.SENDING).update(
                status=Campaign.Status.DONE, finished_at=timezone.now()
            )
        )
    return result
