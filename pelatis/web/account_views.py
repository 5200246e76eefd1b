"""The user's own account page (/account/): signed-in sessions (end one, or log out everywhere), API tokens
(create with a scope and an expiry, the secret shown once; revoke), password change, two-factor state."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib import messages
from django.contrib.auth import logout, update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from pelatis.accounts.models import ApiToken, Scope
from pelatis.accounts.queries import (
    recovery_codes_left,
    sessions_of,
    tokens_of,
    two_factor_enabled,
    two_factor_required,
)
from pelatis.accounts.services import token_create, token_revoke
from pelatis.accounts.services.sessions import session_rekey, sessions_end
from pelatis.core.audit import audit_record
from pelatis.core.http import request_user


class TokenForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("Name"),
        max_length=80,
        required=False,
        help_text=gettext_lazy("What uses it, e.g. «online shop»."),
    )
    scope = forms.ChoiceField(label=gettext_lazy("Scope"), choices=Scope.choices, initial=Scope.READ)
    expires_days = forms.IntegerField(
        label=gettext_lazy("Expires after (days)"),
        min_value=1,
        max_value=3650,
        required=False,
        initial=90,
        help_text=gettext_lazy("Leave empty for a token that does not expire."),
    )


def _can_issue(request: HttpRequest) -> bool:
    return bool(request.user.is_superuser or request.user.has_perm("accounts.add_apitoken"))


@require_GET
@login_required
def profile_view(request: HttpRequest) -> HttpResponse:
    """Who you are, your sessions, your tokens, your two-factor state."""
    user = request.user
    return render(
        request,
        "web/account/profile.html",
        {
            "sessions": sessions_of(request_user(request)),
            "current_key": request.session.session_key,
            "tokens": tokens_of(request_user(request))[:10],
            "two_factor": two_factor_enabled(user),
            "two_factor_required": two_factor_required(user),
            "codes_left": recovery_codes_left(user),
        },
    )


@require_POST
@login_required
def session_end_view(request: HttpRequest, session_id: int) -> HttpResponse:
    """End one of your other sessions."""
    if sessions_end(user=request_user(request), keep=request.session.session_key, session_id=session_id):
        audit_record("security", request=request, detail="ended another session")
        messages.success(request, _("That session was logged out."))
    return redirect("account:profile")


@require_POST
@login_required
def logout_everywhere_view(request: HttpRequest) -> HttpResponse:
    """Log out every session of yours, this one included."""
    audit_record("security", request=request, detail="logged out everywhere")
    sessions_end(user=request_user(request))
    logout(request)
    messages.success(request, _("You were logged out everywhere. Log in again to continue."))
    return redirect("login")


@sensitive_post_parameters()
@require_http_methods(["GET", "POST"])
@login_required
def password_change_view(request: HttpRequest) -> HttpResponse:
    """Change your password (Django's validators); your other sessions end."""
    form = PasswordChangeForm(request_user(request), request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            form.save()
            old_key = request.session.session_key
            update_session_auth_hash(request, form.user)  # a new session key for this browser
            session_rekey(old_key=old_key, new_key=request.session.session_key)
            sessions_end(user=request_user(request), keep=request.session.session_key)
            audit_record("security", request=request, detail="password changed")
            messages.success(request, _("Your password was changed. Your other sessions were logged out."))
            return redirect("account:profile")
        return render(request, "web/account/password.html", {"form": form}, status=422)
    return render(request, "web/account/password.html", {"form": form})


@never_cache
@require_http_methods(["GET", "POST"])
@login_required
def tokens_view(request: HttpRequest) -> HttpResponse:
    """Your API tokens; create one (the secret is shown once, on the answer to the POST)."""
    form = TokenForm(request.POST or None)
    context = {"form": form, "tokens": tokens_of(request_user(request)), "can_issue": _can_issue(request)}
    if request.method != "POST":
        return render(request, "web/account/tokens.html", context)
    if not _can_issue(request):
        messages.error(request, _("Only administrators issue API tokens."))
        return redirect("account:tokens")
    if form.is_valid():
        days = form.cleaned_data["expires_days"]
        try:
            issued = token_create(
                user=request_user(request),
                name=form.cleaned_data["name"],
                scope=form.cleaned_data["scope"],
                expires_at=timezone.now() + dt.timedelta(days=days) if days else None,
            )
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                for error in errors:
                    form.add_error(field if field in form.fields else None, error)
        else:
            audit_record("security", request=request, detail=f"API token {issued.token.prefix} created")
            context.update(issued=issued, form=TokenForm())
            return render(request, "web/account/tokens.html", context)
    return render(request, "web/account/tokens.html", context, status=422)


@require_POST
@login_required
def token_revoke_view(request: HttpRequest, token_id: int) -> HttpResponse:
    """Revoke one of your tokens."""
    token = get_object_or_404(ApiToken, pk=token_id, user=request_user(request))
    if token_revoke(token=token):
        audit_record("security", request=request, detail=f"API token {token.prefix} revoked")
        messages.success(request, _("The token %(prefix)s was revoked.") % {"prefix": token.prefix})
    return redirect("account:tokens")
