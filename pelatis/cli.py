"""The ``pelatis`` command: Django's manage.py with Pelatis' settings.

``pelatis migrate``, ``pelatis demo``, ``pelatis serve``, ``pelatis import
customers FILE`` ... are all management commands.
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pelatis.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["pelatis", *(sys.argv[1:] if argv is None else argv)])


if __name__ == "__main__":
    main()
