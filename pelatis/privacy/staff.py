"""Staff pages of consent: an agent records what a customer said (with the wording they read out)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from pelatis.customers.models import Customer

from .forms import ConsentRecordForm
from .models import Source
from .services import consent_record


@login_required
@permission_required("privacy.add_consentrecord", raise_exception=True)
@require_http_methods(["GET", "POST"])
def consent_record_view(request: HttpRequest, customer_id: int) -> HttpResponse:
    customer = get_object_or_404(Customer, pk=customer_id, merged_into__isnull=True)
    form = ConsentRecordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            consent_record(
                customer=customer,
                purpose=data["purpose"],
                channel=data["channel"],
                granted=data["granted"],
                source=Source.AGENT,
                wording=data["wording"],
                note=data["note"],
                by=request.user,
            )
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("Consent recorded."))
            return redirect("customers:detail", pk=customer.pk)
    status = 422 if request.method == "POST" else 200
    return render(request, "privacy/record.html", {"customer": customer, "form": form}, status=status)
