from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from pelatis.accounts.queries import recovery_codes_left, two_factor_enabled, two_factor_required
from pelatis.accounts.services.sessions import sessions_end
from pelatis.accounts.services.two_factor import two_factor_disable


class Command(BaseCommand):
    help = (
        "Two-factor log-in: `twofactor status USER`; `twofactor reset USER` removes the user's authenticator "
        "and recovery codes and logs out their sessions (for a lost phone: they set it up again at the "
        "next log-in)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("status").add_argument("username")
        sub.add_parser("reset").add_argument("username")

    def handle(self, *args: Any, action: str, username: str, **options: Any) -> None:
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user {username!r}")
        if action == "status":
            state = "on" if two_factor_enabled(user) else "off"
            self.stdout.write(
                f"{username}: two-factor {state}, {recovery_codes_left(user)} recovery codes left, "
                f"required: {'yes' if two_factor_required(user) else 'no'}"
            )
            return
        removed = two_factor_disable(user=user, reset=True)
        ended = sessions_end(user=user)
        self.stdout.write(
            f"Reset two-factor log-in of {username}: {removed} devices removed, {ended} sessions ended"
        )
