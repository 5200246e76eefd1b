"""The admin's view of failed log-ins (django-axes' attempts), with an unlock action."""

from __future__ import annotations

from axes.admin import AccessAttemptAdmin
from axes.models import AccessAttempt
from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .services import login_unlock


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
