from __future__ import annotations

import importlib
import os
import pkgutil
import sys
import tempfile
from pathlib import Path

from .common import Report


def main(argv: list[str]) -> None:
    # Benchmarks get their own throw-away SQLite database; never the user's.
    work = Path(tempfile.mkdtemp(prefix="pelatis-bench-"))
    os.environ.setdefault("PELATIS_DATA_DIR", str(work))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pelatis.settings")
    import django

    django.setup()
    names = argv or sorted(m.name[len("bench_"):] for m in pkgutil.iter_modules([str(Path(__file__).parent)])
                                if m.name.startswith("bench_"))
    report = Report()
    for name in names:
        module = importlib.import_module(f"bench.bench_{name}")
        module.run(report, work)
    report.print()


if __name__ == "__main__":
    main(sys.argv[1:])
