"""A journeys worker for the benchmark: ``python -m bench.journey_worker T0 BASE_ISO MAIL_DIR`` runs
``journeys_run`` rounds on the benchmark's database until nothing is left to send (or a bound of rounds).

Its clock is BASE (the name day, 10:00 in Athens) plus the real seconds since T0 (shared by every worker
the benchmark starts), so leases taken by a worker that was killed run out for the next one as they would
in production. Mail goes to Django's file backend in MAIL_DIR, so no SMTP server is needed.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
import time

MAX_ROUNDS = 400
LEASE_SECONDS = 3


def main(argv: list[str]) -> int:
    t0, base, mail_dir = float(argv[0]), dt.datetime.fromisoformat(argv[1]), argv[2]
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pelatis.settings")
    import django

    django.setup()
    from django.conf import settings

    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    settings.EMAIL_FILE_PATH = mail_dir
    settings.PELATIS_QUIET_HOURS = "off"
    settings.PELATIS_JOURNEY_LEASE_SECONDS = LEASE_SECONDS

    from pelatis.engagement.models import Enrollment, Send
    from pelatis.engagement.services.journey_run import journeys_run

    for _round in range(MAX_ROUNDS):
        now = base + dt.timedelta(seconds=time.time() - t0)
        summary = journeys_run(now=now, force_enrol=_round == 0)
        open_steps = Enrollment.objects.filter(status=Enrollment.Status.ACTIVE, journey__active=True).exists()
        stuck = Send.objects.filter(status=Send.Status.CLAIMED).exists()
        if not open_steps and not stuck:
            return 0
        if summary.sent + summary.skipped == 0:
            time.sleep(0.5)  # waiting for a dead worker's lease to run out
    return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
