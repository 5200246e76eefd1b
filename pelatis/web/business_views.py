"""The business details page (admins) and the logo, which the public pages and emails show."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from pelatis.core.business import business_brand, business_profile_get, business_profile_save, is_admin
from pelatis.core.models import BusinessProfile

from .business_forms import BusinessProfileForm


@require_http_methods(["GET", "POST"])
@login_required
def business_view(request: HttpRequest) -> HttpResponse:
    if not is_admin(request.user):
        raise PermissionDenied
    profile = business_profile_get()
    if request.method == "POST":
        form = BusinessProfileForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                business_profile_save(
                    fields={n: form.cleaned_data[n] for n in form.FIELDS},
                    by=request.user,
                    logo=form.logo_bytes(),
                    remove_logo=form.cleaned_data["remove_logo"],
                )
            except ValidationError as exc:
                form.add_service_errors(exc)
            else:
                messages.success(request, _("The business details were saved."))
                return redirect("web:business")
        return render(request, "web/business.html", {"form": form, "profile": profile}, status=422)
    form = BusinessProfileForm(initial=BusinessProfileForm.initial_for(profile))
    return render(request, "web/business.html", {"form": form, "profile": profile})


@require_GET
def business_logo_view(request: HttpRequest, version: str) -> HttpResponse:
    """The logo (public: emails and the support form show it). Its URL names the logo's digest, so a
    browser may keep it for a year; an old digest gets the current logo, kept briefly."""
    brand = business_brand()
    if not brand.has_logo:
        raise Http404("no logo")
    row = (
        BusinessProfile.objects.filter(pk=BusinessProfile.SINGLE_ID).values_list("logo", "logo_type").first()
    )
    if row is None or not row[0]:
        raise Http404("no logo")
    response = HttpResponse(bytes(row[0]), content_type=row[1] or "application/octet-stream")
    response["Cache-Control"] = (
        "public, max-age=31536000, immutable" if version == brand.logo_version else "public, max-age=300"
    )
    response["Content-Security-Policy"] = "default-src 'none'"
    return response
