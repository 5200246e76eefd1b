from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "pelatis.accounts"
    label = "accounts"
    verbose_name = _("Staff and access")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in, user_logged_out
        from django.db.models.signals import post_migrate

        from .signals import on_logged_in, on_logged_out

        user_logged_in.connect(on_logged_in, dispatch_uid="pelatis-login")
        user_logged_out.connect(on_logged_out, dispatch_uid="pelatis-logout")

        # Permissions are created on post_migrate, app by app, so the role
        # groups are refilled after each app's permissions exist.
        post_migrate.connect(_sync_roles, dispatch_uid="pelatis-roles")


def _sync_roles(**kwargs: object) -> None:
    from .services import roles_sync

    roles_sync(using=str(kwargs.get("using", "default")))
