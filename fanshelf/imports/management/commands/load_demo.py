"""`fanshelf demo`: load the small demo archive (idempotent), or remove it with --remove."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand

from fanshelf.imports.demo_archive import load_demo_archive, remove_demo_archive


class Command(BaseCommand):
    help = "Load Fanshelf's demo archive (original works, three demo accounts); running it again adds nothing."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--remove", action="store_true", help="Delete the demo accounts and their works instead.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["remove"]:
            count = remove_demo_archive()
            self.stdout.write(f"Removed the demo archive: its accounts and {count} works.")
            return
        report = load_demo_archive()
        for reason in report.skipped:
            self.stderr.write(reason)
        if report.created_anything:
            self.stdout.write(
                f"Demo archive loaded: {report.created_users} accounts, {report.created_works} works, "
                f"{report.kudos} kudos."
            )
        elif options["verbosity"] >= 1:
            self.stdout.write("Demo archive already loaded; nothing new.")
        if options["verbosity"] >= 1:
            self.stdout.write(
                f"Demo accounts: {', '.join(report.users)} (password: {report.password}). "
                "They have a public password: run `fanshelf demo --remove` before opening the archive to others."
            )
