"""The `fanshelf` command: Django's management commands plus short names for Fanshelf's own."""

from __future__ import annotations

import os
import sys

ALIASES = {"import": "import_work", "demo": "load_demo", "worker": "db_worker"}


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fanshelf.settings")
    from django.core.management import execute_from_command_line

    args = list(sys.argv if argv is None else argv)
    if len(args) > 1 and args[1] == "worker" and os.environ.get("FANSHELF_TASK_BACKEND") == "rq":
        # The queue is in Redis: RQ's worker (with its scheduler, for tasks queued to run later) takes from it.
        args[1:2] = ["rqworker", "--with-scheduler", "--job-class", "django_tasks_rq.Job", "default"]
    elif len(args) > 1:
        args[1] = ALIASES.get(args[1], args[1])
    args[0] = "fanshelf"
    execute_from_command_line(args)


if __name__ == "__main__":
    main()
