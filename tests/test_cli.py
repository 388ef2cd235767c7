"""`fanshelf import`: one file prints the work's URL last; bad input is a clear error and saves nothing."""

from __future__ import annotations

import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from fanshelf.accounts.models import User
from fanshelf.core.site_url import absolute_url
from fanshelf.works.models import Work

FIXTURES = Path(__file__).parent / "imports" / "fixtures"
STORY = "“Curly” quotes — dashes … 日本語 עברית\nA second line, a second paragraph.\n"

pytestmark = pytest.mark.django_db


def _run(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("import_work", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.fixture
def story_file(tmp_path: Path) -> Path:
    path = tmp_path / "the_long_tide.txt"
    path.write_text(STORY, encoding="utf-8")
    return path


def test_import_creates_a_posted_work_and_prints_its_url_last(author: User, story_file: Path) -> None:
    out, _ = _run(str(story_file), "--creator", author.username, "--title", "The Long Tide", "--fandom", "Tidewater")
    work = Work.objects.get()
    assert out.strip().splitlines()[-1] == absolute_url(work.get_absolute_url())
    assert work.posted
    assert work.title == "The Long Tide"
    assert work.chapters.get().content == (
        "<p>“Curly” quotes — dashes … 日本語 עברית</p>\n<p>A second line, a second paragraph.</p>"
    )


def test_import_defaults_to_not_rated_and_creator_chose_not_to_warn(author: User, story_file: Path) -> None:
    _run(str(story_file), "--creator", author.username, "--title", "T", "--fandom", "Tidewater")
    names = {tag.name for tag in Work.objects.get().tags.all()}
    assert {"Not Rated", "Creator Chose Not To Use Archive Warnings", "Tidewater"} <= names


def test_import_sets_every_tag_type_summary_restriction_and_draft(author: User, story_file: Path) -> None:
    _run(
        str(story_file), "--creator", author.username.upper(), "--title", "Tagged", "--fandom", "Tidewater",
        "--fandom", "Saltmarsh", "--rating", "mature", "--warning", "No Archive Warnings Apply",
        "--character", "Ilse", "--relationship", "Ilse/Noa", "--tag", "Fluff", "--tag", "Sea",
        "--summary", "A “summary”.", "--restricted", "--draft",
    )  # fmt: skip
    work = Work.objects.get()
    assert not work.posted
    assert work.restricted
    assert work.summary == "<p>A “summary”.</p>"
    by_type = {t: sorted(tag.name for tag in tags) for t, tags in work.tags_by_type.items()}
    assert by_type == {
        "rating": ["Mature"], "warning": ["No Archive Warnings Apply"], "fandom": ["Saltmarsh", "Tidewater"],
        "character": ["Ilse"], "relationship": ["Ilse/Noa"], "freeform": ["Fluff", "Sea"],
    }  # fmt: skip


def test_import_of_an_ao3_download_takes_metadata_from_the_file_and_options_override(author: User) -> None:
    out, _ = _run(str(FIXTURES / "ao3_two_chapters.html"), "--creator", author.username, "--rating", "Mature")
    work = Work.objects.get()
    assert work.title == "The Glassblower’s Apprentice"
    assert work.rating is not None
    assert work.rating.name == "Mature"
    assert [t.name for t in work.tags_by_type["fandom"]] == ["The Glasswright Cycle"]
    assert work.chapter_display == "2/3"
    assert out.strip().splitlines()[-1].endswith(work.get_absolute_url())


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--creator", "nobody_here", "--title", "T", "--fandom", "F"], "No user named"),
        (["--title", "T"], "fandoms: Add at least one fandom."),
        (["--title", "T", "--fandom", "F", "--rating", "Spicy"], "is not a rating"),
        (["--title", "T", "--fandom", "F", "--warning", "Spoilers"], "is not an archive warning"),
        (["--title", "T", "--fandom", "F", "--summary", "x" * 1300], "Summary can be at most 1,250"),
        (["--title", "T", "--fandom", "F", "--published", "2999-01-01"], "can't be in the future"),
        (["--title", "T", "--fandom", "F", "--published", "yesterday"], "must be a date"),
        (["--title", "T", "--fandom", "Bad{tag}"], "Tags may not contain"),
    ],
)
def test_bad_arguments_are_a_clear_error_and_save_nothing(
    author: User, story_file: Path, args: list[str], message: str
) -> None:
    if "--creator" not in args:
        args = ["--creator", author.username, *args]
    with pytest.raises(CommandError, match=message.replace("{", r"\{")):
        _run(str(story_file), *args)
    assert Work.objects.count() == 0


def test_a_missing_file_is_a_clear_error(author: User, tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="No such file or folder"):
        _run(str(tmp_path / "missing.txt"), "--creator", author.username, "--fandom", "F")


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("latin1.txt", "caf\xe9 au lait, twice over".encode("latin-1"), "not UTF-8"),
        ("empty.txt", b"   \n\n ", "no text"),
        ("short.txt", b"Hi", "at least 10 characters"),
        ("story.doc", b"whatever text is in here", "can't import .doc"),
        ("broken.epub", b"PK\x03\x04 not really a zip", "not a valid EPUB"),
    ],
)
def test_an_invalid_file_is_a_clear_error_and_saves_nothing(
    author: User, tmp_path: Path, name: str, content: bytes, message: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(CommandError, match=message):
        _run(str(path), "--creator", author.username, "--fandom", "F")
    assert Work.objects.count() == 0


def test_a_folder_imports_in_bulk_and_reports_what_failed_and_why(author: User, tmp_path: Path) -> None:
    for number in range(3):
        (tmp_path / f"story_{number}.txt").write_text(f"Story number {number}, told in full.\n", encoding="utf-8")
    (tmp_path / "nested").mkdir()
    (tmp_path / "nested" / "page.html").write_text("<p>An HTML story, long enough.</p>", encoding="utf-8")
    (tmp_path / "bad.txt").write_bytes(b"caf\xe9 \xff not UTF-8 text")
    (tmp_path / "notes.md").write_text("ignored: not a story format", encoding="utf-8")
    with pytest.raises(CommandError, match="1 of 5 files were not imported"):
        call_command("import_work", str(tmp_path), "--creator", author.username, "--fandom", "F",
                     stdout=(out := StringIO()), stderr=(err := StringIO()))  # fmt: skip
    assert Work.objects.count() == 4
    assert sorted(Work.objects.values_list("title", flat=True)) == ["page", "story 0", "story 1", "story 2"]
    assert "Imported 4 of 5 files; 1 failed." in out.getvalue()
    assert "bad.txt" in err.getvalue()
    assert "UTF" in err.getvalue()


def test_title_is_refused_for_a_bulk_import(author: User, tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="--title names one work"):
        _run(str(tmp_path), "--creator", author.username, "--title", "Same for all")
    assert Work.objects.count() == 0


def test_the_installed_fanshelf_command_prints_the_url_on_its_last_line(tmp_path: Path) -> None:
    """One real run of .venv/bin/fanshelf against a throwaway SQLite database."""
    command = Path(sys.executable).parent / "fanshelf"
    if not command.exists():
        pytest.skip(f"{command} is not installed (run `make install`)")
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'cli.sqlite3'}",
        "FANSHELF_SITE_URL": "https://fics.example",
    }
    subprocess.run([command, "migrate", "--noinput", "-v0"], env=env, check=True, timeout=300)
    subprocess.run(
        [command, "createsuperuser", "--noinput", "--username", "Cli_Author", "--email", "cli@example.org"],
        env={**env, "DJANGO_SUPERUSER_PASSWORD": "not-used-here-9"}, check=True, timeout=120,
    )  # fmt: skip
    story = tmp_path / "story.txt"
    story.write_text(STORY, encoding="utf-8")
    result = subprocess.run(
        [command, "import", str(story), "--creator", "Cli_Author", "--title", "From the Shell", "--fandom", "F"],
        env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    last = result.stdout.strip().splitlines()[-1]
    assert last.startswith("https://fics.example/works/")
    failed = subprocess.run(
        [command, "import", str(story), "--creator", "Nobody_Here", "--fandom", "F"],
        env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert failed.returncode != 0
    assert "No user named" in failed.stderr


def _folder_of_stories(folder: Path, count: int) -> Path:
    for number in range(count):
        (folder / f"story_{number}.txt").write_text(f"Story number {number}, told in full.\n", encoding="utf-8")
    return folder


def test_an_interrupted_bulk_import_keeps_what_was_done_and_says_how_to_finish(
    author: User, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from fanshelf.imports import actions
    from fanshelf.imports.management.commands import import_work

    real_import = actions.import_file
    calls: list[str] = []

    def interrupt_on_the_third(*args: object, **kwargs: object) -> Work:
        calls.append("x")
        if len(calls) == 3:
            raise KeyboardInterrupt
        return real_import(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(import_work, "import_file", interrupt_on_the_third)
    folder = _folder_of_stories(tmp_path, 5)
    with pytest.raises(CommandError, match="3 of 5 files were not imported"):
        _run(str(folder), "--creator", author.username, "--fandom", "F")
    assert Work.objects.count() == 2
    monkeypatch.setattr(import_work, "import_file", real_import)
    out, _ = _run(str(folder), "--creator", author.username, "--fandom", "F", "--skip-existing")
    assert Work.objects.count() == 5
    assert "Imported 3 of 5 files; 0 failed; 2 already imported." in out


def test_skip_existing_on_one_file_prints_the_existing_works_url(author: User, story_file: Path) -> None:
    _run(str(story_file), "--creator", author.username, "--fandom", "F")
    out, _ = _run(str(story_file), "--creator", author.username, "--fandom", "F", "--skip-existing")
    assert Work.objects.count() == 1
    assert out.strip().splitlines()[-1] == absolute_url(Work.objects.get().get_absolute_url())
