from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from fanshelf.core.backup import BackupError, backup


class Command(BaseCommand):
    help = "Back up the database, uploaded media and generated secret key into a new directory, while the site runs."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("directory", type=Path, help="a new (or empty) directory to write the backup into")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            manifest = backup(options["directory"])
        except (BackupError, OSError) as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"Backed up {manifest['engine']} and {len(manifest['files'])} files to {options['directory']}"
        )
