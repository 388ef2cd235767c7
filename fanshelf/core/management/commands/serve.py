"""`fanshelf serve`: gunicorn with the app preloaded, so workers share the discovery index's memory."""

from __future__ import annotations

import os
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Serve Fanshelf with gunicorn (DEBUG off, static files by whitenoise)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--bind", default="127.0.0.1:8000", help="address:port to listen on")
        parser.add_argument("--workers", type=int, default=2, help="worker processes (at least 1)")

    def handle(self, *args: Any, **options: Any) -> None:
        workers = options["workers"]
        if workers < 1:
            raise CommandError("--workers must be at least 1")
        argv = [
            "gunicorn",
            "fanshelf.wsgi",
            "--preload",
            "--workers",
            str(workers),
            "--bind",
            options["bind"],
            "--access-logfile",
            "-",
        ]
        self.stdout.write(f"Fanshelf is serving on http://{options['bind']}/", ending="\n")
        self.stdout.flush()
        os.execvp("gunicorn", argv)  # noqa: S606, S607 - replaces this process with gunicorn from the venv
