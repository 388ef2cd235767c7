"""Benchmark: import 1,000 generated story files with `fanshelf import FOLDER` (target: at least 50 files/s).

Run with `.venv/bin/python bench/bench_import.py [files] [words_per_file]`. It makes a throwaway SQLite database
in a temporary folder (WAL, as in production; or the database named by BENCH_DATABASE_URL), writes a mix of
plain text (60%), HTML (25%), AO3-style HTML downloads (10%) and EPUB (5%) files, then times the real bulk
command, which parses, sanitizes and posts each file through the same actions as the web. One warm-up file is
imported before the clock starts (module loading is a one-off cost, not throughput). Prints files/s.
"""

from __future__ import annotations

import io
import os
import random
import sys
import tempfile
import time
import zipfile
from pathlib import Path

import django

VOCABULARY = "the keeper counted gulls twice because once was never enough for sea’s well-known “edge” didn’t — …"
WORDS = VOCABULARY.split(" ")


def paragraphs(rng: random.Random, words: int) -> list[str]:
    out: list[str] = []
    while words > 0:
        length = min(words, rng.randint(30, 120))
        out.append(" ".join(rng.choice(WORDS) for _ in range(length)).capitalize() + ".")
        words -= length
    return out


def ao3_page(title: str, chapters: list[list[str]]) -> str:
    body = "".join(
        f'<div class="meta group"><h2 class="heading">Chapter {n}: Part {n}</h2></div>'
        f'<div class="userstuff">{"".join(f"<p>{p}</p>" for p in paras)}</div>'
        for n, paras in enumerate(chapters, start=1)
    )
    return (
        f'<html><head><meta charset="UTF-8"><title>{title}</title></head><body><div id="preface">'
        '<div class="meta"><dl class="tags"><dt>Rating:</dt><dd><a>General Audiences</a></dd>'
        "<dt>Archive Warning:</dt><dd><a>No Archive Warnings Apply</a></dd><dt>Fandom:</dt><dd><a>Bench Fandom</a></dd>"
        "<dt>Character:</dt><dd><a>The Keeper</a></dd><dt>Additional Tags:</dt><dd><a>Gulls</a></dd>"
        f"<dt>Stats:</dt><dd>Published: 2020-01-01 Chapters: {len(chapters)}/{len(chapters)}</dd></dl>"
        f'<h1>{title}</h1><div class="byline">by <a rel="author">Bench_Author</a></div>'
        '<p>Summary</p><blockquote class="userstuff"><p>A generated story.</p></blockquote></div></div>'
        f'<div id="chapters" class="userstuff">{body}</div></body></html>'
    )


def epub(title: str, chapters: list[list[str]]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), "application/epub+zip")
        archive.writestr(
            "META-INF/container.xml",
            '<container xmlns="urn:oasis:names:tc:opendocument:xmlns:container"><rootfiles>'
            '<rootfile full-path="content.opf"/></rootfiles></container>',
        )
        items = "".join(
            f'<item id="c{i}" href="c{i}.xhtml" media-type="application/xhtml+xml"/>' for i in range(len(chapters))
        )
        refs = "".join(f'<itemref idref="c{i}"/>' for i in range(len(chapters)))
        archive.writestr(
            "content.opf",
            '<package xmlns="http://www.idpf.org/2007/opf"><metadata xmlns:dc="http://purl.org/dc/elements/1.1/">'
            f"<dc:title>{title}</dc:title><dc:language>en</dc:language></metadata><manifest>{items}</manifest>"
            f"<spine>{refs}</spine></package>",
        )
        for i, paras in enumerate(chapters):
            body = "".join(f"<p>{p}</p>" for p in paras)
            archive.writestr(f"c{i}.xhtml", f'<html xmlns="http://www.w3.org/1999/xhtml"><body>{body}</body></html>')
    return buffer.getvalue()


def write_corpus(folder: Path, count: int, words: int) -> int:
    rng = random.Random(1_000)
    total = 0
    for n in range(count):
        kind = rng.random()
        chapters = [paragraphs(rng, words // 2), paragraphs(rng, words - words // 2)]
        title = f"Generated Story {n:04d}"
        if kind < 0.60:
            data = "\n".join(chapters[0] + chapters[1]).encode()
            name = f"story_{n:04d}.txt"
        elif kind < 0.85:
            data = (
                f"<html><head><title>{title}</title></head><body>".encode()
                + "".join(f"<p>{p}</p>" for p in chapters[0] + chapters[1]).encode()
                + b"</body></html>"
            )
            name = f"story_{n:04d}.html"
        elif kind < 0.95:
            data, name = ao3_page(title, chapters).encode(), f"ao3_{n:04d}.html"
        else:
            data, name = epub(title, chapters), f"book_{n:04d}.epub"
        (folder / name).write_bytes(data)
        total += len(data)
    return total


def sanitize_and_count(folder: Path) -> float:
    """CPU seconds for the text work every import must do, on the same files: decode, sanitize, count words."""
    from fanshelf.core.sanitize import sanitize_text
    from fanshelf.core.wordcount import count_words

    started = time.process_time()
    for path in sorted(folder.iterdir()):
        if path.suffix in {".txt", ".html"}:
            count_words(sanitize_text(path.read_text(encoding="utf-8")))
    return time.process_time() - started


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000
    words = int(sys.argv[2]) if len(sys.argv) > 2 else 2_000
    with tempfile.TemporaryDirectory(prefix="fanshelf-bench-import-") as tmp:
        folder = Path(tmp) / "files"
        folder.mkdir()
        os.environ["DATABASE_URL"] = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{Path(tmp) / 'bench.sqlite3'}"
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fanshelf.settings")
        django.setup()
        from django.core.management import call_command

        from fanshelf.accounts.models import User
        from fanshelf.works.models import Work

        call_command("migrate", verbosity=0, interactive=False)
        User.objects.create_user(username="Bench_Importer", email="bench@example.org", password=None)
        size = write_corpus(folder, count, words)
        print(f"corpus: {count:,} files, {size / 1e6:.1f} MB, about {words:,} words each")
        # One file first, so lazily loaded modules (URL conf, parsers) are not counted against throughput.
        warm = Path(tmp) / "warm-up.txt"
        warm.write_text("A warm-up story, imported before the clock starts.", encoding="utf-8")
        call_command("import_work", str(warm), creator="Bench_Importer", fandom=["Bench Fandom"], stdout=io.StringIO())
        Work.objects.all().delete()
        started, cpu_started = time.perf_counter(), time.process_time()
        with Path(os.devnull).open("w") as quiet:
            call_command("import_work", str(folder), creator="Bench_Importer", fandom=["Bench Fandom"],
                         stdout=quiet, stderr=quiet)  # fmt: skip
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu_started
        imported = Work.objects.count()
        print(f"imported {imported:,} of {count:,} files in {elapsed:.1f} s wall, {cpu:.1f} s CPU")
        # On a shared machine the wall clock includes waiting for a CPU; the CPU figure is what one free core does.
        print(f"import: {imported / elapsed:.0f} files/s wall, {imported / cpu:.0f} files/s per CPU (target >= 50)")
        baseline = sanitize_and_count(folder)
        print(f"baseline, the .txt and .html files read, sanitized and word-counted only: {baseline:.1f} s CPU")
        print(f"import costs {cpu / baseline:.1f}x the baseline's CPU time (parsing, tags, database writes)")


if __name__ == "__main__":
    main()
