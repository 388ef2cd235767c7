"""The PDF is tagged, Japanese is drawn with a font that has its characters, and text copies out as written."""

from __future__ import annotations

import os
import re
import subprocess
import unicodedata
from pathlib import Path

import pytest

from fanshelf.accounts.models import User
from fanshelf.downloads.builders import FORMATS
from fanshelf.downloads.document import work_document
from fanshelf.works.models import Work
from tests.downloads.conftest import make_rich_work, normalized, pdf_text
from tests.tools import require_tool

JAPANESE = "灯台守はカモメを二度数えた。"
HEBREW = "שומר המגדלור ספר את השחפים פעמיים"
# Written with combining marks (decomposed), as text pasted from some keyboards and macOS file names is.
COMBINING = "Zoe\u0308 and Tie\u0302\u0301ng Vie\u0323\u0302t"
_BIDI_CONTROLS = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069]")
POPPLER = "`make test-deps` installs Debian's poppler-utils"


@pytest.fixture
def pdf(author: User) -> bytes:
    work: Work = make_rich_work(author, chapters=(f"<p>{JAPANESE}</p>", f'<p dir="rtl">{HEBREW}</p><p>{COMBINING}</p>'))
    return FORMATS["pdf"].build(work_document(work, offline=True))


def poppler(tool: str, content: bytes, tmp_path: Path) -> str:
    found = require_tool(tool, POPPLER)
    path = tmp_path / "work.pdf"
    path.write_bytes(content)
    return subprocess.run([found, str(path)], capture_output=True, text=True, check=True, timeout=60).stdout


def test_the_pdf_is_tagged_for_screen_readers(pdf: bytes, tmp_path: Path) -> None:
    info = dict(line.split(":", 1) for line in poppler("pdfinfo", pdf, tmp_path).splitlines() if ":" in line)
    assert info["Tagged"].strip() == "yes"


def test_japanese_hebrew_and_combining_mark_words_copy_out_as_written(pdf: bytes, tmp_path: Path) -> None:
    text = normalized(unicodedata.normalize("NFC", _BIDI_CONTROLS.sub("", pdf_text(pdf, tmp_path))))
    assert JAPANESE in text
    assert HEBREW in text  # in reading order, not reversed as laid out
    assert unicodedata.normalize("NFC", COMBINING) in text


def test_japanese_is_drawn_with_a_font_that_has_japanese_characters(pdf: bytes, tmp_path: Path) -> None:
    fc_list = require_tool("fc-list", "install fontconfig")
    listed = subprocess.run([fc_list, ":lang=ja", "family"], capture_output=True, text=True, check=True).stdout
    japanese_families = {name.strip().replace(" ", "-") for line in listed.splitlines() for name in line.split(",")}
    if not japanese_families:  # like a missing tool (tests/tools.py): fails in CI, where make test installs one
        message = "no Japanese font is installed: `make test-deps` installs fonts-noto-cjk"
        if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
            pytest.fail(message)
        pytest.skip(message)
    # pdffonts lists one font per line after two header lines; subset fonts are named "ABCDEF+Family-Style".
    embedded = [line.split()[0].split("+")[-1] for line in poppler("pdffonts", pdf, tmp_path).splitlines()[2:]]
    assert any(font.startswith(family) for font in embedded for family in japanese_families), embedded
