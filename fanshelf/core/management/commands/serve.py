"""`fanshelf serve`: gunicorn with the app preloaded, so workers share the discovery index's memory."""

from __future__ import annotations

import os
import sys
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from fanshelf.core.numbers import digits_argument
from fanshelf.core.site_url import record_served_url, served_url

# The longest path a Unix socket may have (sun_path holds 108 bytes on Linux, 104 on BSDs, with the NUL).
_MAX_SOCKET_PATH = 103


def _control_socket_options() -> list[str]:
    """gunicorn's control socket (for `gunicornc`) defaults to one path per user account, so a second instance
    would replace the first one's; each instance keeps its own under its var/ folder. A var/ path too long for a
    socket gets none rather than a shared one."""
    path = Path(settings.VAR_DIR) / "gunicorn.ctl"
    if len(os.fsencode(path)) > _MAX_SOCKET_PATH:
        return ["--no-control-socket"]
    return ["--control-socket", str(path)]


def _forget_earlier_metrics() -> None:
    """Each process counts into its own file in FANSHELF_METRICS_DIR (fanshelf/core/metrics.py); a new server
    starts from zero, as Prometheus expects of a restart, instead of keeping the files of every process before it."""
    for stale in Path(settings.FANSHELF_METRICS_DIR).glob("*.db"):
        stale.unlink(missing_ok=True)


class Command(BaseCommand):
    help = "Serve Fanshelf with gunicorn (DEBUG off, static files by whitenoise)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--bind", default="127.0.0.1:8000", help="address:port to listen on")
        parser.add_argument("--workers", type=digits_argument, default=2, help="worker processes (at least 1)")
        parser.add_argument(
            "--threads", type=digits_argument, default=8, help="threads per worker (an audio stream holds one)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        workers, threads = options["workers"], options["threads"]
        if workers < 1 or threads < 1:
            raise CommandError("--workers and --threads must be at least 1")
        argv = [
            "gunicorn", "fanshelf.wsgi", "--preload", "--workers", str(workers), "--threads", str(threads),
            "--worker-class", "fanshelf.core.balanced_worker.BalancedThreadWorker",
            "--bind", options["bind"], "--access-logfile", "-",
            "--logger-class", "fanshelf.core.access_log.AccessLogger",  # gunicorn's lines, written for less CPU
        ]  # fmt: skip
        argv += _control_socket_options()
        _forget_earlier_metrics()
        url = served_url(options["bind"])
        if url is not None:
            record_served_url(url)
        self.stdout.write(f"Fanshelf is serving on {url + '/' if url else options['bind']}")
        self.stdout.flush()
        # The gunicorn installed beside this Python (the venv's), whether or not the venv is on PATH.
        gunicorn = Path(sys.executable).with_name("gunicorn")
        os.execv(gunicorn, argv)  # noqa: S606 - replaces this process with gunicorn
