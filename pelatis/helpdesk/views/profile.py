"""The agent's own profile: name, job title and signature, what replies are signed with."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from pelatis.core.http import request_user

from ..forms import AgentProfileForm
from ..models import AgentProfile
from ..services import replies


@require_http_methods(["GET", "POST"])
@login_required
@permission_required("helpdesk.view_ticket", raise_exception=True)
def profile_view(request: HttpRequest) -> HttpResponse:
    """The agent's own name, job title and signature: what replies are signed with."""
    user = request_user(request)
    profile = AgentProfile.objects.filter(user=user).first() or AgentProfile(user=user)
    initial = {"first_name": user.first_name, "last_name": user.last_name}
    form = AgentProfileForm(
        request.POST if request.method == "POST" else None, instance=profile, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        try:
            replies.agent_profile_save(
                user=user,
                first_name=form.cleaned_data["first_name"],
                last_name=form.cleaned_data["last_name"],
                title=form.cleaned_data["title"],
                signature=form.cleaned_data["signature"],
            )
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("Your profile is saved. Replies are signed as shown."))
            return redirect("helpdesk:profile")
    return render(
        request,
        "helpdesk/profile.html",
        {"form": form, "signature": replies.signature_of(user)},
        status=422 if form.errors else 200,
    )
