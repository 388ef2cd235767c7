from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from fanshelf.core.backup import BackupError, read_manifest, restore


class Command(BaseCommand):
    help = (
        "Replace this archive's database, uploaded media and generated secret key with a backup's. "
        "Stop the app servers first, and start them again afterwards."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("directory", type=Path, help="a directory written by `fanshelf backup`")
        parser.add_argument("--noinput", "--no-input", action="store_false", dest="interactive")

    def handle(self, *args: Any, **options: Any) -> None:
        source: Path = options["directory"]
        try:
            manifest = read_manifest(source)
            if options["interactive"]:
                answer = input(
                    f"This replaces everything in this archive with the backup taken at {manifest['taken_at']}. "
                    "Type 'yes' to go on: "
                )
                if answer.strip().lower() != "yes":
                    raise CommandError("Nothing was restored.")
            restore(source)
        except (BackupError, OSError) as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"Restored the backup taken at {manifest['taken_at']}. Start the app servers again.")
