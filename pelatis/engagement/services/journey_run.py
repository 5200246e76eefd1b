"""The journeys' runner: enrol what the triggers find, then carry due enrolments one step forward.

Each due enrolment is taken with a conditional UPDATE (a lease on ``next_due_at`` for the step it is
on), so two workers never work the same step; the message goes through ``message_send`` with a key
naming the journey, the enrolment and the step, outside any transaction, so a crash at any point and a
rerun send it once; then the enrolment moves on with a second conditional UPDATE on ``next_position``.
In the customer's quiet hours the step waits until they end. Customers in the hold-out group go through
the same steps, recorded and never sent to.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db.models import Q
from django.utils import timezone

from pelatis.channels.outbound import sending_lease
from pelatis.loyalty.services.bonuses import points_bonus
from pelatis.privacy.models import Purpose
from pelatis.privacy.queries import consent_allows

from ..models import Enrollment, Journey, JourneyStep, Send
from ..recommend import recommendations_text
from .enrol import journey_enrol
from .sending import message_hold_out, message_send, quiet_hours_end

log = logging.getLogger(__name__)

BATCH = 200  # enrolments read and worked per round
MAX_BATCHES = 10  # rounds per run: a run works at most BATCH × MAX_BATCHES steps, the next run the rest
LEASE_SECONDS = 15 * 60  # a worker that died mid-step leaves it to another after this (or the setting)
ENROL_EVERY = dt.timedelta(minutes=10)  # triggers are scanned at most this often per journey
GREETINGS = {Journey.Trigger.BIRTHDAY: "birthday", Journey.Trigger.NAME_DAY: "name_day"}


@dataclass
class RunSummary:
    enrolled: int = 0
    sent: int = 0
    held_out: int = 0
    skipped: int = 0
    deferred: int = 0
    in_flight: int = 0
    finished: int = 0
    by_status: dict[str, int] = field(default_factory=lambda: defaultdict(int))

    def __str__(self) -> str:
        return (
            f"{self.enrolled} enrolled, {self.sent} sent, {self.skipped} not sent, "
            f"{self.held_out} held out, {self.deferred} deferred to after quiet hours, "
            f"{self.in_flight} still in flight, {self.finished} finished"
        )


def step_key(journey_id: int, enrollment_id: int, position: int) -> str:
    """The idempotency key of one step of one enrolment (one message, ever)."""
    return f"journey:{journey_id}:enrol:{enrollment_id}:step:{position}"


def journeys_enrol(*, now: dt.datetime, journey_id: int | None = None, force: bool = False) -> int:
    """Enrol customers into every active journey (or one); each journey's triggers are scanned at most
    every ENROL_EVERY unless ``force``. How many entered."""
    journeys = Journey.objects.filter(active=True)
    if journey_id is not None:
        journeys = journeys.filter(pk=journey_id)
    entered = 0
    for journey in journeys.select_related("audience"):
        # cache.add is atomic in the shared cache: one worker scans a journey per interval.
        if not force and not cache.add(
            f"engagement:journey:{journey.pk}:scanned", 1, ENROL_EVERY.total_seconds()
        ):
            continue
        entered += journey_enrol(journey=journey, now=now)
    return entered


def _due(now: dt.datetime, journey_id: int | None) -> list[Enrollment]:
    due = Enrollment.objects.filter(
        status__in=[Enrollment.Status.ACTIVE, Enrollment.Status.HELD_OUT],
        next_due_at__lte=now,
        journey__active=True,
    )
    if journey_id is not None:
        due = due.filter(journey_id=journey_id)
    return list(due.select_related("journey", "customer").order_by("next_due_at", "pk")[:BATCH])


def _steps_of(journey_ids: set[int]) -> dict[int, dict[int, JourneyStep]]:
    steps: dict[int, dict[int, JourneyStep]] = defaultdict(dict)
    chosen = JourneyStep.objects.filter(journey_id__in=journey_ids).select_related("template")
    for step in chosen.prefetch_related("template__versions"):
        steps[step.journey_id][step.position] = step
    return steps


def _lease() -> dt.timedelta:
    return dt.timedelta(seconds=int(getattr(settings, "PELATIS_JOURNEY_LEASE_SECONDS", LEASE_SECONDS)))


def _take(enrollment: Enrollment, now: dt.datetime) -> bool:
    """Lease the enrolment's current step; False when another worker has it or moved it on."""
    taken = Enrollment.objects.filter(
        pk=enrollment.pk,
        next_position=enrollment.next_position,
        next_due_at=enrollment.next_due_at,
        status=enrollment.status,
    ).update(next_due_at=now + _lease())
    return bool(taken)


def _move_on(enrollment: Enrollment, steps: dict[int, JourneyStep], now: dt.datetime) -> bool:
    """Point the enrolment at its next step, or finish it; True when it finished."""
    position = enrollment.next_position
    following = sorted(p for p in steps if p > position)
    same_step = Enrollment.objects.filter(pk=enrollment.pk, next_position=position)
    if not following:
        done = Q(status=Enrollment.Status.HELD_OUT)
        same_step.filter(done).update(next_position=position + 1, next_due_at=None)
        same_step.filter(~done).update(
            next_position=position + 1, next_due_at=None, status=Enrollment.Status.DONE
        )
        return True
    nxt = steps[following[0]]
    # On time from the trigger, but never closer to this step than the journey spaces them (a step
    # that went late, after quiet hours or a pause, does not pull the next one along with it).
    current = steps.get(position)
    gap = nxt.delay_days - (current.delay_days if current is not None else 0)
    due = max(enrollment.anchor_at + dt.timedelta(days=nxt.delay_days), now + dt.timedelta(days=max(gap, 0)))
    same_step.update(next_position=nxt.position, next_due_at=due)
    return False


def _greeting_bonus(enrollment: Enrollment, journey: Journey) -> None:
    kind = GREETINGS.get(Journey.Trigger(journey.trigger))
    if kind is None or not journey.bonus_points:
        return
    points_bonus(
        customer_id=enrollment.customer_id,
        kind=kind,
        key=f"journey:{journey.pk}:enrol:{enrollment.pk}",
        points=journey.bonus_points,
        reason=journey.name,
    )


def _uses_recommendations(step: JourneyStep) -> bool:
    return any("recommendations" in f"{v.subject} {v.body}" for v in step.template.versions.all())


def _work(enrollment: Enrollment, step: JourneyStep, first: int, summary: RunSummary) -> bool:
    """Send (or record as held out) the step; False when its message is still being sent by someone
    else, or by a worker that died mid-send (the step then waits for that sending lease to run out)."""
    journey = enrollment.journey
    key = step_key(journey.pk, enrollment.pk, step.position)
    if enrollment.status == Enrollment.Status.HELD_OUT:
        message_hold_out(key=key, customer_id=enrollment.customer_id, step=step, enrollment=enrollment)
        summary.held_out += 1
        return True
    if step.position == first:
        _greeting_bonus(enrollment, journey)
    extra: dict[str, Any] = {}
    if _uses_recommendations(step) and consent_allows(
        enrollment.customer_id, Purpose.PROFILING, step.channel
    ):
        # Suggestions from the customer's own purchases are profiling: an objection or a restriction
        # leaves the line empty (the rest of the message still goes, under its own purpose).
        extra["recommendations"] = recommendations_text(enrollment.customer_id)
    send = message_send(
        key=key,
        customer_id=enrollment.customer_id,
        template=step.template,
        channel=step.channel,
        step=step,
        enrollment=enrollment,
        extra=extra,
    )
    summary.by_status[send.status] += 1
    if send.status == Send.Status.CLAIMED:
        retry_at = send.claimed_at + sending_lease() + dt.timedelta(seconds=1)
        Enrollment.objects.filter(pk=enrollment.pk, next_position=step.position).update(next_due_at=retry_at)
        summary.in_flight += 1
        return False
    if send.status == Send.Status.SENT:
        summary.sent += 1
    else:
        summary.skipped += 1
    return True


def _advance(
    enrollment: Enrollment, steps: dict[int, JourneyStep], summary: RunSummary, now: dt.datetime
) -> None:
    step = steps.get(enrollment.next_position)
    if step is None:  # the step was removed from the journey: go on with the next one, or finish
        if _move_on(enrollment, steps, now):
            summary.finished += 1
        return
    if not _take(enrollment, now):
        return
    if enrollment.status == Enrollment.Status.ACTIVE:
        quiet_end = quiet_hours_end(enrollment.customer, now)
        if quiet_end is not None:
            Enrollment.objects.filter(pk=enrollment.pk, next_position=step.position).update(
                next_due_at=quiet_end
            )
            summary.deferred += 1
            return
    if not _work(enrollment, step, min(steps), summary):
        return
    if _move_on(enrollment, steps, now):
        summary.finished += 1


def journeys_run(
    *, now: dt.datetime | None = None, journey_id: int | None = None, force_enrol: bool = False
) -> RunSummary:
    """Enrol, then work the due steps in bounded batches. Never call it inside a transaction: each
    message commits its claim before it is sent."""
    now = now or timezone.now()
    summary = RunSummary(enrolled=journeys_enrol(now=now, journey_id=journey_id, force=force_enrol))
    for _round in range(MAX_BATCHES):
        batch = _due(now, journey_id)
        if not batch:
            break
        steps = _steps_of({e.journey_id for e in batch})
        for enrollment in batch:
            _advance(enrollment, steps.get(enrollment.journey_id, {}), summary, now)
    log.info("journeys: %s", summary)
    return summary
