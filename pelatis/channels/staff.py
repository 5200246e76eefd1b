"""Staff-side channel entry: a phone call or a visit, logged by an agent from the customer's page.

It always lands on the timeline; when the customer asked for something that
needs follow-up, it also opens a ticket with the call's channel.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from pelatis.core.http import request_user
from pelatis.customers.models import Customer
from pelatis.customers.queries import customer_for
from pelatis.customers.services import interaction_record
from pelatis.helpdesk.models import Ticket
from pelatis.helpdesk.services.tickets import InboundMail, ticket_open


class ContactLogForm(forms.Form):
    channel = forms.ChoiceField(
        label=gettext_lazy("How"),
        choices=[("phone", gettext_lazy("Phone call")), ("in_person", gettext_lazy("In person"))],
    )
    direction = forms.ChoiceField(
        label=gettext_lazy("Who called"),
        choices=[("in", gettext_lazy("The customer")), ("out", gettext_lazy("We did"))],
    )
    summary = forms.CharField(label=gettext_lazy("Summary"), max_length=300)
    details = forms.CharField(
        label=gettext_lazy("Details"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    open_ticket = forms.BooleanField(label=gettext_lazy("It needs follow-up: open a ticket"), required=False)
    type = forms.ChoiceField(
        label=gettext_lazy("Type"), choices=Ticket.Type.choices, initial=Ticket.Type.QUESTION
    )
    priority = forms.ChoiceField(
        label=gettext_lazy("Priority"), choices=Ticket.Priority.choices, initial=Ticket.Priority.NORMAL
    )


@transaction.atomic
def contact_log(*, customer: Customer, data: dict[str, object], by: User) -> Ticket | None:
    """Record a call or visit; with open_ticket, also a ticket carrying the details."""
    details = str(data.get("details") or "")
    if data.get("open_ticket"):
        ticket, _message = ticket_open(
            customer=customer,
            subject=str(data["summary"]),
            channel=str(data["channel"]),
            type=str(data["type"]),
            priority=str(data["priority"]),
            mail=InboundMail(body_text=details or str(data["summary"])),
            by=by,
        )
        return ticket
    interaction_record(
        customer=customer,
        channel=str(data["channel"]),
        direction=str(data["direction"]),
        summary=str(data["summary"]),
        body=details,
        actor=by,
    )
    return None


@require_POST
@login_required
def contact_log_view(request: HttpRequest, customer_id: int) -> HttpResponse:
    customer = customer_for(request.user, customer_id, write=True)
    if not request.user.has_perm("customers.add_interaction"):
        raise PermissionDenied
    form = ContactLogForm(request.POST)
    if not form.is_valid():
        errors = "; ".join(f"{form.fields[f].label}: {' '.join(map(str, e))}" for f, e in form.errors.items())
        messages.error(request, _("Nothing was logged: %(errors)s") % {"errors": errors})
        return redirect("customers:detail", pk=customer.pk)
    if form.cleaned_data["open_ticket"] and not request.user.has_perm("helpdesk.add_ticket"):
        raise PermissionDenied
    try:
        ticket = contact_log(customer=customer, data=form.cleaned_data, by=request_user(request))
    except ValidationError as exc:
        messages.error(request, "; ".join(exc.messages))
        return redirect("customers:detail", pk=customer.pk)
    if ticket is not None:
        messages.success(request, _("Logged, and ticket #%(id)s opened.") % {"id": ticket.pk})
    else:
        messages.success(request, _("Logged on the timeline."))
    return redirect("customers:detail", pk=customer.pk)
