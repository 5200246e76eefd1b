from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from pelatis.accounts.models import ApiToken, Scope
from pelatis.accounts.services import token_create, token_revoke
from pelatis.core.audit import audit_record


class Command(BaseCommand):
    help = (
        "API tokens: `token create USER [--name N] [--scope read|write|admin] [--expires DAYS]` prints the "
        "token alone on its last line; `token revoke PREFIX`; `token list USER`."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create")
        create.add_argument("username")
        create.add_argument("--name", default="")
        create.add_argument(
            "--scope",
            choices=Scope.values,
            default=Scope.READ,
            help="read: GET only; write: what agents may do; admin: all the user's role allows (default: read)",
        )
        create.add_argument(
            "--expires", type=int, metavar="DAYS", help="the token stops working after DAYS days"
        )
        revoke = sub.add_parser("revoke")
        revoke.add_argument("prefix")
        listing = sub.add_parser("list")
        listing.add_argument("username")

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        if action == "create":
            self._create(options)
        elif action == "revoke":
            token = ApiToken.objects.filter(prefix=options["prefix"]).first()
            if token is None:
                raise CommandError(f"No token with prefix {options['prefix']!r}")
            if token_revoke(token=token):
                audit_record("security", detail=f"API token {token.prefix} revoked (command line)")
            self.stdout.write(f"Revoked {token.prefix}")
        else:
            for t in ApiToken.objects.filter(user=self._user(options["username"])):
                if t.revoked_at is not None:
                    state = f"revoked {t.revoked_at:%Y-%m-%d}"
                elif t.is_expired:
                    state = f"expired {t.expires_at:%Y-%m-%d}"
                else:
                    state = "active" + (f" until {t.expires_at:%Y-%m-%d}" if t.expires_at else "")
                used = f"last used {t.last_used_at:%Y-%m-%d %H:%M}" if t.last_used_at else "never used"
                self.stdout.write(
                    f"{t.prefix}  {t.name or '-'}  {t.scope}  created {t.created_at:%Y-%m-%d}  {used}  {state}"
                )

    def _create(self, options: dict[str, Any]) -> None:
        user = self._user(options["username"])
        days = options["expires"]
        if days is not None and days < 1:
            raise CommandError("--expires: give a number of days of at least 1")
        expires_at = timezone.now() + dt.timedelta(days=days) if days is not None else None
        try:
            issued = token_create(
                user=user, name=options["name"], scope=options["scope"], expires_at=expires_at
            )
        except ValidationError as exc:
            raise CommandError("; ".join(f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items())) from exc
        audit_record("security", detail=f"API token {issued.token.prefix} created (command line)")
        until = f", expires {expires_at:%Y-%m-%d}" if expires_at else ""
        self.stderr.write(
            f"Token {issued.token.prefix} ({issued.token.scope}{until}) for {user.get_username()}; "
            "it is shown only once:"
        )
        self.stdout.write(issued.secret)

    def _user(self, username: str) -> Any:
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user {username!r}")
        return user
