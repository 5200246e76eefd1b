"""Merging a ticket into another: a confirmation page first, then the merge."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from .. import queries
from ..forms import MergeForm
from ..models import Ticket
from ..services.merge import merge_customers_differ_message, ticket_merge
from .ticket_page import done


def _target(form: MergeForm, ticket: Ticket) -> Ticket | None:
    """The ticket named in ``into``; what is wrong with it goes next to the field."""
    target = Ticket.objects.select_related("customer").filter(pk=form.cleaned_data["into"]).first()
    if target is None:
        form.add_error("into", _("There is no ticket #%(id)s.") % {"id": form.cleaned_data["into"]})
    elif target.pk == ticket.pk:
        form.add_error("into", _("A ticket cannot be merged into itself."))
    elif target.merged_into_id:
        form.add_error(
            "into",
            _("Ticket #%(id)s was itself merged into #%(into)s.")
            % {"id": target.pk, "into": target.merged_into_id},
        )
    return target


@require_http_methods(["GET", "POST"])
@login_required
def merge_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Merge this ticket into another (``into``): a confirmation page first, then the merge.

    Tickets of different customers need the explicit confirmation box ticked; without it the merge is
    refused with the service's message next to the box.
    """
    ticket, user = queries.ticket_to_change(request, pk)
    form = MergeForm(request.POST if request.method == "POST" else (request.GET or None))
    target = _target(form, ticket) if form.is_bound and form.is_valid() else None
    if form.is_bound and not form.errors and target is not None and request.method == "POST":
        survivor = queries.ticket_for(request.user, target.pk, write=True)
        try:
            ticket_merge(
                survivor=survivor,
                merged=ticket,
                by=user,
                confirm_other_customer=form.cleaned_data["confirm_other_customer"],
            )
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            return done(request, survivor, _("Ticket #%(id)s was merged into this one.") % {"id": ticket.pk})
    other_customer = target is not None and target.customer_id != ticket.customer_id
    return render(
        request,
        "helpdesk/merge_confirm.html",
        {
            "t": ticket,
            "form": form,
            "target": None if form.errors.get("into") else target,
            "other_customer": other_customer,
            "other_customer_message": merge_customers_differ_message(survivor=target, merged=ticket)
            if other_customer and target is not None
            else "",
        },
        status=422 if form.errors else 200,
    )
