from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser


class Command(BaseCommand):
    help = (
        "Inbound mail. `mail ingest` reads one RFC 822 message on standard input (for an MTA pipe); "
        "`mail poll` fetches new mail from every active mailbox over IMAP."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        ingest = sub.add_parser("ingest")
        ingest.add_argument("--team", type=int, default=None, help="team id the new tickets go to")
        poll = sub.add_parser("poll")
        poll.add_argument("--mailbox", default=None, help="poll only this mailbox (name)")

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        if action == "ingest":
            from pelatis.channels.services import mail_ingest

            raw = sys.stdin.buffer.read()
            if not raw.strip():
                raise CommandError("no message on standard input")
            result = mail_ingest(raw, team_id=options["team"])
            self.stdout.write(f"{result.outcome} ticket={result.ticket_id or '-'} {result.reason}".rstrip())
            return
        from pelatis.channels.imap import mailboxes_poll

        for report in mailboxes_poll(name=options["mailbox"]):
            self.stdout.write(report)
