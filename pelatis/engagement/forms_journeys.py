"""The journey form and its steps: they only parse what was typed; the service checks it and each of its
errors ("weeks", "steps.1.template"...) lands on its field."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from pelatis.core.forms import ServiceErrorsMixin

from .models import Journey, MessageTemplate, Segment
from .models.content import Channel
from .services.journeys import JourneyInput, StepInput

OPTION_FIELDS = ("on", "weeks", "after", "days_before", "month", "day", "days", "category", "lookback_days")
# Which settings each trigger reads (the page shows only those; the service checks them).
TRIGGER_OPTIONS: dict[str, tuple[str, ...]] = {
    Journey.Trigger.ONBOARDING: ("on", "lookback_days"),
    Journey.Trigger.CHECK_IN: ("weeks", "after", "lookback_days"),
    Journey.Trigger.RENEWAL: ("days_before",),
    Journey.Trigger.BIRTHDAY: (),
    Journey.Trigger.NAME_DAY: (),
    Journey.Trigger.SEASONAL: ("month", "day"),
    Journey.Trigger.WIN_BACK: ("days",),
    Journey.Trigger.CROSS_SELL: ("category", "lookback_days"),
}


class JourneyForm(ServiceErrorsMixin, forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120, strip=True)
    trigger = forms.ChoiceField(
        label=_("Trigger"),
        choices=Journey.Trigger.choices,
        help_text=_("What brings a customer into the journey. Each customer enters once per occurrence."),
    )
    audience = forms.ModelChoiceField(
        label=_("Audience (segment)"),
        queryset=Segment.objects.order_by("name"),
        required=False,
        empty_label=_("Everyone the trigger finds"),
        help_text=_("Only customers in this segment enter the journey."),
    )
    bonus_points = forms.IntegerField(
        label=_("Bonus points"),
        initial=0,
        min_value=0,
        help_text=_("Birthday and name-day greetings only: points given once with the first message."),
    )
    holdout_percent = forms.IntegerField(
        label=_("Hold-out group (%)"),
        initial=0,
        help_text=_("This share of the customers who enter receives nothing, to measure the journey (0–50)."),
    )
    conversion_days = forms.IntegerField(
        label=_("Orders counted for (days)"),
        initial=14,
        help_text=_("Orders placed this many days after a message count as its result."),
    )
    # The trigger's settings.
    on = forms.ChoiceField(
        label=_("Starts after"),
        required=False,
        choices=[("purchase", _("the first purchase")), ("signup", _("signing up"))],
        help_text=_("Onboarding: the customer's first order, or the day they were added."),
    )
    weeks = forms.IntegerField(
        label=_("Weeks after"),
        required=False,
        help_text=_("Check-in: how many weeks after the purchase or the resolved request (1–104)."),
    )
    after = forms.ChoiceField(
        label=_("Check in after"),
        required=False,
        choices=[("purchase", _("the latest purchase")), ("ticket", _("a resolved request"))],
        help_text=_("Check-in: what the weeks count from."),
    )
    days_before = forms.IntegerField(
        label=_("Days before renewal"),
        required=False,
        help_text=_("Renewal: the reminder starts this many days before a subscription renews (1–365)."),
    )
    month = forms.IntegerField(label=_("Month"), required=False, help_text=_("Seasonal: the month (1–12)."))
    day = forms.IntegerField(
        label=_("Day"),
        required=False,
        help_text=_("Seasonal: the day of the month; it starts on that day in each customer's time zone."),
    )
    days = forms.IntegerField(
        label=_("Days without a purchase"),
        required=False,
        help_text=_(
            "Win-back: customers whose last purchase is older than this. Leave it empty to let the audience "
            "segment alone decide (e.g. customers unlikely to come back)."
        ),
    )
    category = forms.CharField(
        label=_("Product category"),
        required=False,
        max_length=100,
        help_text=_("Tips and accessories: a purchase with a product of this category starts the journey."),
    )
    lookback_days = forms.IntegerField(
        label=_("Look back (days)"),
        required=False,
        help_text=_(
            "How old a purchase, sign-up or resolved request may be and still start it (1–60; 3 when empty)."
        ),
    )

    def option_values(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {name: data.get(name) for name in OPTION_FIELDS if data.get(name) not in (None, "")}

    @classmethod
    def initial_for(cls, journey: Journey) -> dict[str, Any]:
        return {
            "name": journey.name,
            "trigger": journey.trigger,
            "audience": journey.audience_id,
            "bonus_points": journey.bonus_points,
            "holdout_percent": journey.holdout_percent,
            "conversion_days": journey.conversion_days,
            **{name: journey.options.get(name) for name in OPTION_FIELDS},
        }


class StepForm(forms.Form):
    delay_days = forms.IntegerField(
        label=_("Days after the trigger"),
        required=False,
        help_text=_("0 sends it on the day the customer enters."),
    )
    template = forms.ModelChoiceField(
        label=_("Template"),
        queryset=MessageTemplate.objects.order_by("name"),
        required=False,
        empty_label=_("Choose a template"),
    )
    channel = forms.ChoiceField(label=_("Channel"), choices=Channel.choices, initial=Channel.EMAIL)

    def is_blank(self) -> bool:
        data = self.cleaned_data
        return data.get("template") is None and data.get("delay_days") is None


StepFormSet = forms.formset_factory(StepForm, extra=2, max_num=20, validate_max=True)


def steps_initial(journey: Journey) -> list[dict[str, Any]]:
    return [
        {"delay_days": s.delay_days, "template": s.template_id, "channel": s.channel}
        for s in journey.steps.order_by("position")
    ]


def journey_input(form: JourneyForm, steps: Any) -> tuple[JourneyInput, list[int]]:
    """The input for the service, and for each step given the index of its form (to place errors)."""
    data = form.cleaned_data
    given: list[StepInput] = []
    forms_of: list[int] = []
    for index, step_form in enumerate(steps.forms):
        if not step_form.cleaned_data or step_form.is_blank():
            continue
        cleaned = step_form.cleaned_data
        delay = cleaned.get("delay_days")
        given.append(
            StepInput(
                delay_days=0 if delay is None else delay,
                template=cleaned.get("template"),
                channel=cleaned["channel"],
            )
        )
        forms_of.append(index)
    journey = JourneyInput(
        name=data["name"],
        trigger=data["trigger"],
        options=form.option_values(),
        audience=data.get("audience"),
        bonus_points=data.get("bonus_points") or 0,
        holdout_percent=data.get("holdout_percent") or 0,
        conversion_days=data.get("conversion_days") or 14,
        steps=given,
    )
    return journey, forms_of


def errors_place(exc: ValidationError, form: JourneyForm, steps: Any, forms_of: list[int]) -> None:
    """Each service error on its field: a step's on that step's row, the rest on the journey form."""
    rest: dict[str, list[str]] = {}
    for name, messages in exc.message_dict.items():
        parts = name.split(".")
        if len(parts) == 3 and parts[0] == "steps" and int(parts[1]) < len(forms_of):
            steps.forms[forms_of[int(parts[1])]].add_error(parts[2], messages)
        elif name == "steps":
            form.add_error(None, messages)
        else:
            rest[name] = messages
    if rest:
        form.add_service_errors(ValidationError(rest))
