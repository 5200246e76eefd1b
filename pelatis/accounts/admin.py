"""The admin's view of failed log-ins (django-axes' attempts), with an unlock action; the users' list
with a two-factor reset."""

from __future__ import annotations

from typing import Any

from axes.admin import AccessAttemptAdmin
from axes.models import AccessAttempt
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from pelatis.core.audit import audit_record

from .models import ApiToken
from .services import login_unlock, token_revoke
from .services.sessions import sessions_end
from .services.two_factor import two_factor_disable


class LoginAttemptAdmin(AccessAttemptAdmin):  # type: ignore[misc]  # django-axes ships no type information
    actions = ["unlock", *AccessAttemptAdmin.actions]

    @admin.action(description=_("Unlock: forget these failed log-ins"), permissions=["delete"])
    def unlock(self, request: HttpRequest, queryset: QuerySet[AccessAttempt]) -> None:
        count = login_unlock(attempts=queryset)
        self.message_user(
            request,
            ngettext("%(count)d log-in unlocked.", "%(count)d log-ins unlocked.", count) % {"count": count},
        )


if admin.site.is_registered(AccessAttempt):
    admin.site.unregister(AccessAttempt)
admin.site.register(AccessAttempt, LoginAttemptAdmin)


class StaffUserAdmin(UserAdmin):  # type: ignore[type-arg]  # the user model is swappable: Any here
    """Django's user admin with a way out for a user who lost the phone: reset two-factor log-in."""

    actions = ["two_factor_reset"]

    @admin.action(
        description=_("Reset two-factor log-in (the user sets it up again)"), permissions=["change"]
    )
    def two_factor_reset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        count = 0
        for user in queryset:  # the users ticked on one admin page
            if two_factor_disable(user=user, request=request, by=request.user, reset=True):
                count += 1
            sessions_end(user=user, keep=request.session.session_key if user.pk == request.user.pk else None)
        self.message_user(
            request,
            ngettext(
                "Two-factor log-in was reset for %(count)d user; their sessions were logged out.",
                "Two-factor log-in was reset for %(count)d users; their sessions were logged out.",
                count,
            )
            % {"count": count},
        )


_User = get_user_model()
if admin.site.is_registered(_User):
    admin.site.unregister(_User)
admin.site.register(_User, StaffUserAdmin)


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin[ApiToken]):
    """Every user's API tokens, read-only, with a revoke action (tokens are issued on /account/tokens/ or
    with `pelatis token create`, where the secret is shown once)."""

    list_display = [
        "prefix",
        "user",
        "name",
        "scope",
        "created_at",
        "expires_at",
        "last_used_at",
        "last_used_ip",
        "revoked_at",
    ]
    list_filter = ["scope"]
    search_fields = ["prefix", "name", "user__username"]
    list_select_related = ["user"]
    actions = ["revoke"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: ApiToken | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: ApiToken | None = None) -> bool:
        return False  # revoke instead: the row keeps when it was last used, and from where

    @admin.action(description=_("Revoke the selected tokens"), permissions=["view"])
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiToken]) -> None:
        count = 0
        for token in queryset.filter(revoked_at__isnull=True):  # the tokens ticked on one admin page
            if token_revoke(token=token):
                audit_record("security", request=request, detail=f"API token {token.prefix} revoked")
                count += 1
        self.message_user(
            request,
            ngettext("%(count)d token revoked.", "%(count)d tokens revoked.", count) % {"count": count},
        )
