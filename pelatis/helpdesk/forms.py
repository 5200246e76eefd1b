"""Help desk UI forms. They only parse what was typed; the services validate,
and their ValidationError is mapped back onto these fields."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission, User
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from pelatis.core.forms import ServiceErrorsMixin

from .models import AgentProfile, Team, Ticket


def agents() -> QuerySet[Any]:
    """Active staff who may work on tickets: the people a ticket can be assigned to."""
    perm = Permission.objects.filter(content_type__app_label="helpdesk", codename="change_ticket")
    return (
        get_user_model()
        .objects.filter(is_active=True)
        .filter(Q(is_superuser=True) | Q(groups__permissions__in=perm) | Q(user_permissions__in=perm))
        .distinct()
        .order_by("first_name", "last_name", "username")
    )


class AgentChoiceField(forms.ModelChoiceField[User]):
    def label_from_instance(self, obj: User) -> str:
        return obj.get_full_name() or obj.get_username()


class ReplyForm(ServiceErrorsMixin, forms.Form):
    ID_PREFIX = "reply"
    AFTER = (
        (Ticket.Status.PENDING.value, _("Pending customer")),
        (Ticket.Status.RESOLVED.value, _("Resolved")),
        (Ticket.Status.OPEN.value, _("Keep open")),
    )
    body = forms.CharField(
        label=_("Reply"), required=False, strip=False, widget=forms.Textarea(attrs={"rows": 9})
    )
    status = forms.ChoiceField(
        label=_("Status after sending"), choices=AFTER, initial=Ticket.Status.PENDING.value
    )


class NoteForm(ServiceErrorsMixin, forms.Form):
    ID_PREFIX = "note"
    body = forms.CharField(
        label=_("Internal note"), required=False, strip=False, widget=forms.Textarea(attrs={"rows": 4})
    )


class StatusForm(ServiceErrorsMixin, forms.Form):
    ID_PREFIX = "prop"
    status = forms.ChoiceField(label=_("Status"), choices=Ticket.Status.choices)


class AssignForm(ServiceErrorsMixin, forms.Form):
    ID_PREFIX = "prop"
    FIELD_OF_ERROR = {"assignee_id": "assignee", "team_id": "team"}

    assignee = AgentChoiceField(
        label=_("Assignee"),
        queryset=get_user_model().objects.none(),
        required=False,
        empty_label=_("— unassigned —"),
    )
    team = forms.ModelChoiceField(
        label=_("Team"), queryset=Team.objects.all(), required=False, empty_label=_("— no team —")
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = agents()  # type: ignore[attr-defined]  # fields[...] is typed Field; this one is a choice field


class StageForm(ServiceErrorsMixin, forms.Form):
    ID_PREFIX = "stage"
    stage = forms.ChoiceField(label=_("Next stage"), choices=Ticket.Stage.choices)
    note = forms.CharField(label=_("What was done"), required=False, max_length=300)


class MergeForm(ServiceErrorsMixin, forms.Form):
    ID_PREFIX = "merge"
    FIELD_OF_ERROR = {"merged": "into"}

    into = forms.IntegerField(
        label=_("Merge into ticket #"),
        min_value=1,
        max_value=2**63 - 1,
        error_messages={
            "invalid": _("Enter a ticket number."),
            "required": _("Enter a ticket number."),
            "max_value": _("Enter a ticket number."),
        },
    )
    confirm_other_customer = forms.BooleanField(
        label=_(
            "I have checked: these tickets are the same request, merge them although the customers differ."
        ),
        required=False,
    )


class BulkForm(forms.Form):
    ACTIONS = (("assign_me", _("Assign to me")), ("status", _("Set status")))

    ids = forms.TypedMultipleChoiceField(
        coerce=int, choices=(), error_messages={"required": _("Select at least one ticket.")}
    )
    action = forms.ChoiceField(choices=ACTIONS)
    status = forms.ChoiceField(choices=[("", "—"), *Ticket.Status.choices], required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Any number is accepted here; existence and permission are checked ticket by ticket.
        raw = self.data.getlist("ids") if hasattr(self.data, "getlist") else self.data.get("ids", [])
        self.fields["ids"].choices = [(v, v) for v in raw if str(v).isdigit()][:200]  # type: ignore[attr-defined]  # fields[...] is typed Field; this one is a choice field

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("action") == "status" and not data.get("status"):
            self.add_error("status", _("Choose a status."))
        return data


class PriorityForm(ServiceErrorsMixin, forms.Form):
    ID_PREFIX = "prop"
    priority = forms.ChoiceField(label=_("Priority"), choices=Ticket.Priority.choices)


class LinkOrdersForm(ServiceErrorsMixin, forms.Form):
    """Tick the customer's orders this ticket is about (the choices are that customer's orders)."""

    ID_PREFIX = "orders"
    FIELD_OF_ERROR = {"order_ids": "orders"}

    orders = forms.TypedMultipleChoiceField(
        label=_("Orders"),
        coerce=int,
        choices=(),
        error_messages={
            "required": _("Tick at least one order."),
            "invalid_choice": _("Not an order of this customer."),
        },
    )

    def __init__(self, *args: Any, order_choices: list[tuple[int, str]] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["orders"].choices = order_choices or []  # type: ignore[attr-defined]  # fields[...] is typed Field; this one is a choice field


class SplitForm(ServiceErrorsMixin, forms.Form):
    ID_PREFIX = "split"
    message = forms.IntegerField(min_value=1, max_value=2**63 - 1)


class AgentProfileForm(ServiceErrorsMixin, forms.ModelForm[AgentProfile]):
    """What an agent edits of themselves: the name and title replies are signed with, or a signature."""

    ID_PREFIX = "profile"
    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150)
    field_order = ["first_name", "last_name", "title", "signature"]

    class Meta:
        model = AgentProfile
        fields = ["title", "signature"]
        widgets = {"signature": forms.Textarea(attrs={"rows": 4})}
