"""Operator command line: ``python -m thidua <command>`` or ``thidua <command>``.

A thin wrapper over Django's manage.py so that an installed system needs no checkout:
``thidua migrate``, ``thidua load_demo``, ``thidua createsuperuser``, ``thidua runserver``.
"""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "thidua.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["thidua", *sys.argv[1:]])


if __name__ == "__main__":
    main()
