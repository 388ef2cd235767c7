"""Benchmark: build the EPUB of a 500,000-word work (target: at most 2 s).

Run with `.venv/bin/python bench/bench_epub.py [words] [repeats]`. It makes a throwaway test database, posts one
work of 50 chapters through the real actions, then times the download build: reading the work and converting its
chapters to XHTML (work_document), and writing the EPUB (build_epub). Prints one line per phase, best of N runs.
"""

from __future__ import annotations

import io
import os
import random
import sys
import time
import zipfile
from collections.abc import Callable

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fanshelf.settings")
os.environ["DATABASE_URL"] = ""  # an in-memory SQLite test database, whatever the environment says
django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

from fanshelf.accounts.models import User  # noqa: E402
from fanshelf.downloads.builders.epub import build_epub  # noqa: E402
from fanshelf.downloads.document import WorkDocument, work_document  # noqa: E402
from fanshelf.works.actions import ChapterFields, WorkFields, add_chapter, create_work  # noqa: E402
from fanshelf.works.models import Work  # noqa: E402

VOCABULARY = "the keeper counted gulls twice because once was never enough for sea’s well-known “edge” didn’t"
WORDS = VOCABULARY.split()
CHAPTERS = 50


def chapter_text(words: int, rng: random.Random) -> str:
    paragraphs = []
    while words > 0:
        length = min(words, rng.randint(40, 120))
        sentence = " ".join(rng.choice(WORDS) for _ in range(length))
        paragraphs.append(f"<p>{sentence[:40]}<em>{sentence[40:60]}</em>{sentence[60:]} — the end.</p>")
        words -= length
    return "\n".join(paragraphs)


def make_long_work(total_words: int) -> Work:
    rng = random.Random(500_000)
    user = User.objects.create_user(username="benchmark", email="bench@example.org", password=None)
    fields = WorkFields(
        title="A Very Long Work",
        pseuds=[user.default_pseud()],
        rating="General Audiences",
        warnings=["No Archive Warnings Apply"],
        fandoms=["Benchmarks"],
        summary="Half a million words.",
        expected_chapters=CHAPTERS,
    )
    per_chapter = total_words // CHAPTERS
    work = create_work(user, fields, ChapterFields(content=chapter_text(per_chapter, rng)), post=True)
    for _ in range(CHAPTERS - 1):
        add_chapter(work, ChapterFields(content=chapter_text(per_chapter, rng)), post=True)
    return Work.objects.for_blurbs().get(pk=work.pk)


def zip_chapters(work: Work) -> int:
    """The least any EPUB writer does: read the chapters and deflate them into a zip (same process, same data)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for position, content in work.chapters.values_list("position", "content"):
            archive.writestr(f"chapter-{position}.html", content)
    return buffer.tell()


def best_of(repeats: int, run: Callable[[], object]) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    total_words = int(sys.argv[1]) if len(sys.argv) > 1 else 500_000
    repeats = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    setup_test_environment()
    connection.creation.create_test_db(verbosity=0)
    work = make_long_work(total_words)
    characters = sum(len(text) for text in work.chapters.values_list("content", flat=True))
    print(f"work: {work.word_count:,} words, {CHAPTERS} chapters, {characters:,} characters of HTML")

    documents: list[WorkDocument] = []
    convert = best_of(repeats, lambda: documents.append(work_document(work, offline=True)))
    sizes: list[int] = []
    write = best_of(repeats, lambda: sizes.append(len(build_epub(documents[-1]))))
    total = best_of(repeats, lambda: build_epub(work_document(work, offline=True)))
    baseline = best_of(repeats, lambda: zip_chapters(work))
    print(f"read and convert to XHTML: {convert:.2f} s (best of {repeats})")
    print(f"write EPUB: {write:.2f} s, {sizes[-1] / 1e6:.1f} MB")
    print(f"baseline, the chapters' stored HTML read and deflated into a zip: {baseline:.2f} s")
    print(
        f"EPUB of a {work.word_count:,}-word work: {total:.2f} s (target <= 2 s), {total / baseline:.1f}x the baseline"
    )


if __name__ == "__main__":
    main()
