"""Journeys: save one with its trigger's settings and its steps, switch it on or off, run it now.

Every error names its field (``name``, ``weeks``, ``steps.1.template``...) so the form shows it where
it was typed; a journey and its steps are written in one transaction.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from ..models import Journey, JourneyStep, MessageTemplate, Segment, Send
from ..models.content import Channel

MAX_BONUS = 100_000
MAX_DELAY_DAYS = 730
GREETING_TRIGGERS = (Journey.Trigger.BIRTHDAY, Journey.Trigger.NAME_DAY)


@dataclass
class StepInput:
    delay_days: int
    template: MessageTemplate | None
    channel: str = Channel.EMAIL


@dataclass
class JourneyInput:
    name: str
    trigger: str
    options: dict[str, Any] = field(default_factory=dict)
    audience: Segment | None = None
    bonus_points: int = 0
    holdout_percent: int = 0
    conversion_days: int = 14
    steps: list[StepInput] = field(default_factory=list)


class _Errors:
    def __init__(self) -> None:
        self.found: dict[str, list[str]] = {}

    def add(self, name: str, message: str) -> None:
        self.found.setdefault(name, []).append(message)

    def raise_any(self) -> None:
        if self.found:
            raise ValidationError(self.found)


def _whole(
    errors: _Errors, options: dict[str, Any], name: str, low: int, high: int, *, required: bool
) -> int | None:
    raw = options.get(name)
    if raw in (None, ""):
        if required:
            errors.add(name, _("Required for this trigger."))
        return None
    try:
        value = int(raw)
    except (TypeError, ValueError):
        errors.add(name, _("Give a whole number from %(low)d to %(high)d.") % {"low": low, "high": high})
        return None
    if not low <= value <= high:
        errors.add(name, _("Give a whole number from %(low)d to %(high)d.") % {"low": low, "high": high})
        return None
    return value


def _choice(errors: _Errors, options: dict[str, Any], name: str, allowed: tuple[str, ...]) -> str:
    value = str(options.get(name) or allowed[0])
    if value not in allowed:
        errors.add(name, _("Choose one of: %(values)s.") % {"values": ", ".join(allowed)})
    return value


def journey_options_clean(trigger: str, options: dict[str, Any], *, has_audience: bool) -> dict[str, Any]:
    """The trigger's settings, checked and reduced to those it uses; ValidationError naming each setting."""
    errors = _Errors()
    clean: dict[str, Any] = {}
    if trigger == Journey.Trigger.ONBOARDING:
        clean["on"] = _choice(errors, options, "on", ("purchase", "signup"))
    elif trigger == Journey.Trigger.CHECK_IN:
        clean["weeks"] = _whole(errors, options, "weeks", 1, 104, required=True)
        clean["after"] = _choice(errors, options, "after", ("purchase", "ticket"))
    elif trigger == Journey.Trigger.RENEWAL:
        clean["days_before"] = _whole(errors, options, "days_before", 1, 365, required=True)
    elif trigger == Journey.Trigger.SEASONAL:
        month = _whole(errors, options, "month", 1, 12, required=True)
        day = _whole(errors, options, "day", 1, 31, required=True)
        if month and day:
            try:
                dt.date(2024, month, day)  # a leap year: 29 February is a date
            except ValueError:
                errors.add("day", _("That month has no such day."))
        clean.update(month=month, day=day)
    elif trigger == Journey.Trigger.WIN_BACK:
        clean["days"] = _whole(errors, options, "days", 1, 3650, required=False)
        if clean["days"] is None and not has_audience:
            errors.add("days", _("Give the days without a purchase, or choose an audience segment."))
    elif trigger == Journey.Trigger.CROSS_SELL:
        category = str(options.get("category") or "").strip()
        if not category:
            errors.add("category", _("Required for this trigger."))
        clean["category"] = category
    if trigger in (Journey.Trigger.ONBOARDING, Journey.Trigger.CHECK_IN, Journey.Trigger.CROSS_SELL):
        lookback = _whole(errors, options, "lookback_days", 1, 60, required=False)
        if lookback is not None:
            clean["lookback_days"] = lookback
    errors.raise_any()
    return {k: v for k, v in clean.items() if v is not None}


def _check(journey: Journey | None, data: JourneyInput, errors: _Errors) -> None:
    name = data.name.strip()
    if not name:
        errors.add("name", _("A journey needs a name."))
    elif len(name) > 120:
        errors.add("name", _("At most %(n)d characters.") % {"n": 120})
    elif Journey.objects.filter(name=name).exclude(pk=journey.pk if journey else 0).exists():
        errors.add("name", _("Another journey has this name."))
    if data.trigger not in Journey.Trigger.values:
        errors.add("trigger", _("Choose a trigger."))
    if not 0 <= data.holdout_percent <= 50:
        errors.add(
            "holdout_percent", _("Give a whole number from %(low)d to %(high)d.") % {"low": 0, "high": 50}
        )
    if not 1 <= data.conversion_days <= 365:
        errors.add(
            "conversion_days", _("Give a whole number from %(low)d to %(high)d.") % {"low": 1, "high": 365}
        )
    if not 0 <= data.bonus_points <= MAX_BONUS:
        errors.add(
            "bonus_points", _("Give a whole number from %(low)d to %(high)d.") % {"low": 0, "high": MAX_BONUS}
        )
    elif data.bonus_points and data.trigger not in GREETING_TRIGGERS:
        errors.add("bonus_points", _("Bonus points go with birthday and name-day greetings only."))
    if not data.steps:
        errors.add("steps", _("Add at least one step: when it goes and which template it sends."))
    previous = 0
    for index, step in enumerate(data.steps):
        if not 0 <= step.delay_days <= MAX_DELAY_DAYS:
            errors.add(
                f"steps.{index}.delay_days",
                _("Give a whole number from %(low)d to %(high)d.") % {"low": 0, "high": MAX_DELAY_DAYS},
            )
        elif step.delay_days < previous:
            errors.add(f"steps.{index}.delay_days", _("A step cannot go before the step above it."))
        previous = max(previous, step.delay_days)
        if step.template is None:
            errors.add(f"steps.{index}.template", _("Choose the template this step sends."))
        elif step.channel not in Channel.values:
            errors.add(f"steps.{index}.channel", _("Choose email or SMS."))
        elif step.template.channel != step.channel:
            errors.add(
                f"steps.{index}.channel",
                _("The template “%(name)s” is for %(channel)s.")
                % {"name": step.template.name, "channel": step.template.get_channel_display()},
            )


def _steps_write(journey: Journey, steps: list[StepInput]) -> None:
    existing = {s.position: s for s in journey.steps.all()}
    for position, step in enumerate(steps, 1):
        assert step.template is not None  # noqa: S101 — checked above
        row = existing.get(position) or JourneyStep(journey=journey, position=position)
        row.delay_days, row.template, row.channel = step.delay_days, step.template, step.channel
        row.save()
    gone = [pos for pos in existing if pos > len(steps)]
    if Send.objects.filter(step__journey=journey, step__position__in=gone).exists():
        raise ValidationError(
            {"steps": [_("A step that has sent messages cannot be removed; switch the journey off instead.")]}
        )
    JourneyStep.objects.filter(journey=journey, position__in=gone).delete()


@transaction.atomic
def journey_save(*, journey: Journey | None, data: JourneyInput, by: User | None = None) -> Journey:
    """Create (``journey=None``) or update a journey and its steps; ValidationError naming each bad field."""
    errors = _Errors()
    try:
        options = journey_options_clean(data.trigger, data.options, has_audience=data.audience is not None)
    except ValidationError as exc:
        options = {}
        for name, messages in exc.message_dict.items():
            for message in messages:
                errors.add(name, message)
    _check(journey, data, errors)
    errors.raise_any()
    target = journey or Journey(created_by=by)
    target.name, target.trigger, target.options = data.name.strip(), data.trigger, options
    target.audience = data.audience
    target.bonus_points, target.holdout_percent = data.bonus_points, data.holdout_percent
    target.conversion_days = data.conversion_days
    target.save()
    _steps_write(target, data.steps)
    return target


@transaction.atomic
def journey_set_active(*, journey: Journey, active: bool) -> Journey:
    """Switch the journey on (it needs a step) or off (enrolments wait; nothing more is sent)."""
    if active and not journey.steps.exists():
        raise ValidationError({"active": [_("Add a step before switching the journey on.")]})
    Journey.objects.filter(pk=journey.pk).update(active=active)
    journey.refresh_from_db()
    return journey


def journey_run_now(*, journey: Journey) -> None:
    """Queue a run of this journey for the worker (enrol now, then send what is due)."""
    if not journey.active:
        raise ValidationError({"active": [_("Switch the journey on before running it.")]})
    from ..tasks import journey_run_task  # tasks import the services: imported when used

    transaction.on_commit(lambda: journey_run_task.enqueue(journey_id=journey.pk))
