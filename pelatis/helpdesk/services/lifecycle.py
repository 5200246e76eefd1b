"""A ticket's status and a complaint's stages, with the SLA clock kept in step (pauses, resolution)."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import SlaPause, Ticket
from . import sla
from .history import event_record

# The clock stops while we wait on the customer or on a third party.
PAUSING = {Ticket.Status.PENDING, Ticket.Status.ON_HOLD}
CLOSED = {Ticket.Status.RESOLVED, Ticket.Status.CLOSED}
STAGE_ORDER = [s.value for s in Ticket.Stage]


def status_apply(ticket: Ticket, status: str, *, by: User | None, at: dt.datetime, note: str = "") -> None:
    """Change status on a locked ticket (caller saves): pauses, resolution and follow-up bookkeeping."""
    old = ticket.status
    if old == status:
        return
    was_paused, paused = old in PAUSING, status in PAUSING
    if was_paused and not paused:
        SlaPause.objects.filter(ticket=ticket, ended_at__isnull=True).update(ended_at=at)
    if paused and not was_paused:
        SlaPause.objects.create(ticket=ticket, started_at=at, reason=status)
    if status == Ticket.Status.RESOLVED:
        ticket.resolved_at = at
        ticket.resolution_minutes = sla.business_minutes(ticket, at)
        ticket.follow_up_due = at + sla.FOLLOW_UP_AFTER
        if ticket.type == Ticket.Type.COMPLAINT and ticket.stage not in (
            "",
            Ticket.Stage.RESOLVED,
            Ticket.Stage.CONFIRMED,
        ):
            stage_apply(ticket, Ticket.Stage.RESOLVED, by=by, at=at)
    elif status == Ticket.Status.CLOSED:
        ticket.closed_at = at
        if ticket.resolved_at is None:
            ticket.resolved_at = at
            ticket.resolution_minutes = sla.business_minutes(ticket, at)
    elif old in CLOSED:
        ticket.resolved_at = None
        ticket.resolution_minutes = None
        ticket.closed_at = None
        ticket.follow_up_due = None
    ticket.status = status
    event_record(ticket, "status", old=old, new=status, note=note, by=by, at=at)
    sla.sla_refresh(ticket=ticket, now=at)


def stage_apply(ticket: Ticket, stage: str, *, by: User | None, at: dt.datetime, note: str = "") -> None:
    """Move a locked complaint to a stage (caller saves) and record it."""
    old = ticket.stage
    ticket.stage = stage
    event_record(ticket, "stage", old=old, new=stage, by=by, at=at, note=note)


@transaction.atomic
def ticket_set_status(*, ticket: Ticket, status: str, by: User | None = None) -> Ticket:
    """Move a ticket to a status (pending and on-hold stop the SLA clock)."""
    if status not in Ticket.Status.values:
        raise ValidationError({"status": [_("Unknown status “%(value)s”.") % {"value": status}]})
    locked = Ticket.objects.select_for_update().get(pk=ticket.pk)
    if locked.merged_into_id:
        raise ValidationError(
            {"status": [_("This ticket was merged into #%(id)s.") % {"id": locked.merged_into_id}]}
        )
    if status == Ticket.Status.NEW and locked.status != Ticket.Status.NEW:
        raise ValidationError({"status": [_("A ticket cannot go back to new.")]})
    status_apply(locked, status, by=by, at=timezone.now())
    locked.save()
    return locked


@transaction.atomic
def ticket_set_stage(*, ticket: Ticket, stage: str, by: User | None = None, note: str = "") -> Ticket:
    """Move a complaint along received → acknowledged → investigating → proposed → resolved → confirmed."""
    locked = Ticket.objects.select_for_update().get(pk=ticket.pk)
    if locked.type != Ticket.Type.COMPLAINT:
        raise ValidationError({"stage": [_("Only complaints have resolution stages.")]})
    if stage not in STAGE_ORDER:
        raise ValidationError({"stage": [_("Unknown stage “%(value)s”.") % {"value": stage}]})
    if locked.stage and STAGE_ORDER.index(stage) < STAGE_ORDER.index(locked.stage):
        raise ValidationError(
            {
                "stage": [
                    _("A complaint moves forward: it is already “%(stage)s”.")
                    % {"stage": locked.get_stage_display()}
                ]
            }
        )
    now = timezone.now()
    stage_apply(locked, stage, by=by, at=now, note=note)
    if stage == Ticket.Stage.RESOLVED and locked.status not in CLOSED:
        status_apply(locked, Ticket.Status.RESOLVED, by=by, at=now)
    locked.save()
    return locked
