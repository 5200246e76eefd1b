"""`python -m bench [NAME...]`: each benchmark runs in its own process on its own
throw-away SQLite database; the parent prints one table of all their rows."""

from __future__ import annotations

import importlib
import json
import os
import pkgutil
import subprocess
import sys
import tempfile
from dataclasses import asdict
from pathlib import Path

from .common import Report, Row


def _all_names() -> list[str]:
    here = str(Path(__file__).parent)
    return sorted(
        m.name[len("bench_") :] for m in pkgutil.iter_modules([here]) if m.name.startswith("bench_")
    )


def _run_one(name: str, out: Path) -> None:
    work = Path(tempfile.mkdtemp(prefix=f"pelatis-bench-{name}-"))
    os.environ["PELATIS_DATA_DIR"] = str(work)
    url = os.environ.pop("PELATIS_DATABASE_URL", "")  # benchmarks measure the embedded set-up
    if url.startswith(("postgres://", "postgresql://")):
        os.environ.setdefault("PELATIS_BENCH_POSTGRES_URL", url)  # for references such as pg_trgm
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pelatis.settings")
    import django

    django.setup()
    report = Report()
    importlib.import_module(f"bench.bench_{name}").run(report, work)
    out.write_text(json.dumps([asdict(r) for r in report.rows]), encoding="utf-8")


def main(argv: list[str]) -> int:
    if argv[:1] == ["--one"]:
        _run_one(argv[1], Path(argv[2]))
        return 0
    report, failed = Report(), []
    for name in argv or _all_names():
        with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as tmp:
            out = Path(tmp.name)
        result = subprocess.run([sys.executable, "-m", "bench", "--one", name, str(out)], check=False)
        if result.returncode != 0:
            failed.append(name)
            continue
        report.rows += [Row(**r) for r in json.loads(out.read_text(encoding="utf-8"))]
    report.print()
    if failed:
        print(f"benchmarks that failed: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
