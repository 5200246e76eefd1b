"""``python -m bench.import_memory KIND FILE``: import FILE (customers or orders) in this process on
the migrated SQLite database in PELATIS_DATA_DIR, and print as JSON how far the process's peak
resident memory grew over what it used before the import, and what the import did.

Run in a process of its own, so the figure is the import's alone; ``--migrate`` only creates the database."""

from __future__ import annotations

import gc
import json
import os
import resource
import sys
import time
from pathlib import Path
from typing import Literal


def _rss_mb() -> float:
    with open("/proc/self/statm", encoding="ascii") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def _peak_mb() -> float:
    """This process's peak resident memory: VmHWM, not ru_maxrss, which Linux carries over from
    the parent across exec (a process started by a big test runner would report the runner's peak)."""
    with open("/proc/self/status", encoding="ascii") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # pragma: no cover - not Linux


def main(argv: list[str]) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pelatis.settings")
    import django

    django.setup()
    if argv[:1] == ["--migrate"]:
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        return 0
    kinds: dict[str, Literal["customers", "orders"]] = {"customers": "customers", "orders": "orders"}
    kind, path = kinds[argv[0]], Path(argv[1])
    import charset_normalizer  # noqa: F401 - loaded before the baseline, as in a warm worker
    import openpyxl  # noqa: F401

    from pelatis.customers.importing import import_file
    from pelatis.customers.normalise import phone_normalise

    phone_normalise("6900000000")
    gc.collect()
    before = _rss_mb()
    peak_before = _peak_mb()
    started = time.perf_counter()
    with path.open("rb") as source:
        result = import_file(source=source, file_name=path.name, kind=kind)
    print(
        json.dumps(
            {
                "rss_before_mb": round(before, 1),
                # A high-water mark: if the process once stood higher than the import took it,
                # this overstates the growth, never understates it.
                "growth_mb": round(max(_peak_mb(), peak_before) - before, 1),
                "seconds": round(time.perf_counter() - started, 2),
                "total": result.total,
                "created": result.created,
                "written": result.written,
                "errors": [e.message for e in result.errors[:3]],
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
