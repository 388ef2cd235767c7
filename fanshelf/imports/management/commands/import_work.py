"""`fanshelf import FILE ... --creator USERNAME`: import story files (.txt, .html, .epub, AO3 downloads) as works.

One file: the work's URL is the last line printed, and any problem is an error (nothing saved). Several files or
a folder: each file is imported on its own (one failure does not undo the others), with a progress bar and a
summary of what was imported and what failed, and why. Interrupting stops after the file being imported.
"""

from __future__ import annotations

import datetime
import io
from argparse import ArgumentParser
from pathlib import Path
from typing import IO, Any, cast

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, OutputWrapper
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from fanshelf.accounts.models import User
from fanshelf.core.site_url import absolute_url
from fanshelf.imports.actions import AlreadyImported, ImportChoices, import_file
from fanshelf.imports.parsers import SUPPORTED_SUFFIXES
from fanshelf.imports.parsers.base import MAX_FILE_BYTES
from fanshelf.works.models import Work

# In a folder, .xhtml files are usually the insides of an unpacked EPUB, not stories of their own.
FOLDER_SUFFIXES = tuple(suffix for suffix in SUPPORTED_SUFFIXES if suffix != ".xhtml")


class _RawWriter(io.TextIOBase):
    """Lets rich draw on the command's stderr without Django adding a newline after every write."""

    def __init__(self, wrapper: OutputWrapper) -> None:
        self.wrapper = wrapper

    def write(self, text: str) -> int:
        self.wrapper.write(text, style_func=lambda s: s, ending="")
        return len(text)

    def isatty(self) -> bool:
        return self.wrapper.isatty()


def describe(error: ValidationError) -> str:
    """A ValidationError as one readable line: "fandoms: Add at least one fandom."."""
    if hasattr(error, "error_dict"):
        parts = [f"{name}: {' '.join(messages)}" if name != "file" else " ".join(messages)
                 for name, messages in error.message_dict.items()]  # fmt: skip
        return "; ".join(parts)
    return " ".join(error.messages)


def collect_files(paths: list[str]) -> list[Path]:
    files: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found = (p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in FOLDER_SUFFIXES)
            files.extend(sorted(p for p in found if not any(part.startswith(".") for part in p.parts)))
        elif path.is_file():
            files.append(path)
        else:
            raise CommandError(f"No such file or folder: {raw}")
    return files


class Command(BaseCommand):
    help = "Import story files (.txt, .html, .epub, AO3 HTML/EPUB downloads) as works; prints each work's URL."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("files", nargs="+", metavar="FILE", help="Files or folders to import.")
        parser.add_argument("--creator", required=True, metavar="USERNAME", help="The account the works belong to.")
        parser.add_argument("--title", default="", help="Title (one file only; else from the file or its name).")
        parser.add_argument("--fandom", action="append", default=[], help="A fandom; repeat for several.")
        parser.add_argument("--rating", default="", help='A rating (default: from the file, else "Not Rated").')
        parser.add_argument("--warning", action="append", default=[], help="An archive warning; repeatable.")
        parser.add_argument("--category", action="append", default=[], help="A category (F/M, Gen...); repeatable.")
        parser.add_argument("--relationship", action="append", default=[], help="A relationship; repeatable.")
        parser.add_argument("--character", action="append", default=[], help="A character; repeatable.")
        parser.add_argument("--tag", action="append", default=[], help="An additional tag; repeatable.")
        parser.add_argument("--summary", default="", help="The summary (default: from the file).")
        parser.add_argument("--notes", default="", help="Beginning notes (default: from the file).")
        parser.add_argument("--language", default="", help="Language code such as en or ja (default: from file).")
        parser.add_argument("--published", default="", metavar="YYYY-MM-DD", help="Backdate the published date.")
        parser.add_argument("--restricted", action="store_true", help="Only registered users may see the work.")
        parser.add_argument("--anonymous", action="store_true", help="Show the creator as Anonymous.")
        parser.add_argument("--draft", action="store_true", help="Save as a draft instead of posting.")
        parser.add_argument(
            "--skip-existing", action="store_true",
            help="Skip files whose work (same title, same creator) exists: finishes an interrupted bulk import.",
        )  # fmt: skip

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(username__iexact=options["creator"].strip()).first()
        if user is None:
            raise CommandError(f"No user named {options['creator']!r}. Create the account first.")
        single = len(options["files"]) == 1 and not Path(options["files"][0]).is_dir()
        if options["title"] and not single:
            raise CommandError("--title names one work; with several files each title comes from its file.")
        files = collect_files(options["files"])
        if not files:
            raise CommandError("No importable files found (.txt, .html, .epub).")
        choices = self._choices(options)
        if single:
            try:
                work = self._import_one(
                    user, files[0], choices, post=not options["draft"], skip=options["skip_existing"]
                )
            except AlreadyImported as already:
                self.stdout.write(f"{already} Nothing new was saved.")
                self.stdout.write(absolute_url(already.work.get_absolute_url()))
                return
            chapters = work.chapters.count()
            state = f"posted ({work.word_count:,} words)" if work.posted else "saved as a draft"
            self.stdout.write(f"Imported “{work.title}”, {chapters} chapter{'s' if chapters != 1 else ''}, {state}.")
            self.stdout.write(absolute_url(work.get_absolute_url()))
            return
        self._import_many(user, files, choices, post=not options["draft"], skip=options["skip_existing"])

    def _choices(self, options: dict[str, Any]) -> ImportChoices:
        published: datetime.date | None = None
        if options["published"]:
            try:
                published = datetime.date.fromisoformat(options["published"])
            except ValueError:
                raise CommandError(
                    f"--published must be a date like 2024-05-31, not {options['published']!r}."
                ) from None
        return ImportChoices(
            title=options["title"], rating=options["rating"], warnings=options["warning"],
            categories=options["category"], fandoms=options["fandom"], relationships=options["relationship"],
            characters=options["character"], freeforms=options["tag"], summary=options["summary"],
            notes=options["notes"], language=options["language"], restricted=options["restricted"],
            anonymous=options["anonymous"], published_on=published,
        )  # fmt: skip

    def _import_one(self, user: User, path: Path, choices: ImportChoices, post: bool, skip: bool) -> Work:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise CommandError(
                f"{path}: the file is too big to import ({size:,} bytes; the limit is {MAX_FILE_BYTES:,})."
            )
        try:
            return import_file(user, path.name, path.read_bytes(), choices, post=post, skip_existing=skip)
        except ValidationError as error:
            raise CommandError(f"{path}: {describe(error)}") from None
        except OSError as error:
            raise CommandError(f"{path}: can't read the file ({error.strerror}).") from None

    def _import_many(self, user: User, files: list[Path], choices: ImportChoices, post: bool, skip: bool) -> None:
        failures: list[tuple[Path, str]] = []
        imported = existing = 0
        console = Console(file=cast(IO[str], _RawWriter(self.stderr)), stderr=True)
        columns = (TextColumn("Importing"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
        try:
            with Progress(*columns, console=console, transient=True) as progress:
                task = progress.add_task("import", total=len(files))
                for path in files:
                    try:
                        work = self._import_one(user, path, choices, post=post, skip=skip)
                    except AlreadyImported:
                        existing += 1
                    except CommandError as error:
                        failures.append((path, str(error).removeprefix(f"{path}: ")))
                    else:
                        imported += 1
                        self.stdout.write(f"{path}\t{absolute_url(work.get_absolute_url())}")
                    progress.advance(task)
        except KeyboardInterrupt:
            self.stderr.write(
                "Interrupted: the files before this point are imported and nothing is half-saved; "
                "run the same command with --skip-existing to finish."
            )
        for path, reason in failures:
            self.stderr.write(f"Failed: {path}: {reason}")
        skipped = len(files) - imported - existing - len(failures)
        summary = f"Imported {imported} of {len(files)} files; {len(failures)} failed"
        summary += f"; {existing} already imported" if existing else ""
        self.stdout.write(summary + (f"; {skipped} not attempted." if skipped else "."))
        if failures or skipped:
            raise CommandError(f"{len(failures) + skipped} of {len(files)} files were not imported (see above).")
