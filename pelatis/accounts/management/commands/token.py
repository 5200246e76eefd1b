from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from pelatis.accounts.models import ApiToken
from pelatis.accounts.services import token_create, token_revoke


class Command(BaseCommand):
    help = "API tokens: `token create USER [--name N]` prints the token alone on its last line; `token revoke PREFIX`; `token list USER`."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create")
        create.add_argument("username")
        create.add_argument("--name", default="")
        revoke = sub.add_parser("revoke")
        revoke.add_argument("prefix")
        listing = sub.add_parser("list")
        listing.add_argument("username")

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        if action == "create":
            user = self._user(options["username"])
            issued = token_create(user=user, name=options["name"])
            self.stderr.write(
                f"Token {issued.token.prefix} for {user.get_username()}; it is shown only once:"
            )
            self.stdout.write(issued.secret)
        elif action == "revoke":
            token = ApiToken.objects.filter(prefix=options["prefix"]).first()
            if token is None:
                raise CommandError(f"No token with prefix {options['prefix']!r}")
            token_revoke(token=token)
            self.stdout.write(f"Revoked {token.prefix}")
        else:
            for t in ApiToken.objects.filter(user=self._user(options["username"])):
                state = "active" if t.is_active else f"revoked {t.revoked_at:%Y-%m-%d}"
                self.stdout.write(f"{t.prefix}  {t.name or '-'}  created {t.created_at:%Y-%m-%d}  {state}")

    def _user(self, username: str) -> Any:
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user {username!r}")
        return user
