"""A service-recovery credit given on a complaint, from the ticket page."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from pelatis.core.http import is_htmx, request_user
from pelatis.helpdesk.models import Ticket
from pelatis.helpdesk.queries import ticket_for

from ..forms import CreditForm
from ..panels import CREDIT_PERMISSIONS, ticket_context
from ..services.bonuses import points_credit


@require_POST
@login_required
def credit_view(request: HttpRequest, pk: int) -> HttpResponse:
    ticket = ticket_for(request.user, pk, write=True)
    if not all(request.user.has_perm(p) for p in CREDIT_PERMISSIONS):
        raise PermissionDenied
    if ticket.type != Ticket.Type.COMPLAINT or ticket.merged_into_id:
        raise Http404  # the credit form exists on live complaints only
    form = CreditForm(request.POST)
    if form.is_valid():
        try:
            entry = points_credit(
                customer_id=ticket.customer_id,
                ticket_id=ticket.pk,
                points=form.cleaned_data["points"],
                reason=form.cleaned_data["reason"],
                by=request_user(request),
            )
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            done = _("%(points)s points credited to the customer.") % {"points": entry.points}
            if is_htmx(request):
                ctx = ticket_context(request, ticket)
                return render(request, "loyalty/_ticket_card.html", {**ctx, "done": done})
            messages.success(request, done)
            return redirect(reverse("helpdesk:ticket", args=[ticket.pk]) + "#loyalty-credit")
    ctx = ticket_context(request, ticket, form=form)
    template = "loyalty/_ticket_card.html" if is_htmx(request) else "loyalty/ticket_credit_page.html"
    return render(request, template, ctx, status=422)
