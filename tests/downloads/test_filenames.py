"""Download file names: the work's title, safe on every filesystem, sent so every browser keeps it."""

from __future__ import annotations

import pytest

from fanshelf.downloads.filenames import MAX_STEM_BYTES, content_disposition, fallback_stem, safe_file_stem


@pytest.mark.parametrize(
    ("title", "stem"),
    [
        ("Salt and Lanterns", "Salt and Lanterns"),
        ('a/b\\c:d*e?f"g<h>i|j', "a b c d e f g h i j"),
        ("Tabs\tand\nnew lines\x00", "Tabs and new lines"),
        ("...dots and spaces...  ", "dots and spaces"),
        ("“Curly” — dashes…", "“Curly” — dashes…"),
        ("灯台守", "灯台守"),
        ("המגדלור", "המגדלור"),
        ("txt\u202egpj.exe", "txt gpj.exe"),
        ("CON", "work-7"),
        ("nul.txt", "work-7"),
        ("???", "work-7"),
        ("   ", "work-7"),
    ],
)
def test_title_becomes_a_safe_file_stem(title: str, stem: str) -> None:
    assert safe_file_stem(title, "work-7") == stem


def test_long_titles_are_cut_to_whole_characters_within_the_byte_budget() -> None:
    stem = safe_file_stem("灯" * 200, "work-7")
    assert len(stem.encode()) <= MAX_STEM_BYTES
    assert set(stem) == {"灯"}


def test_ascii_names_are_sent_plainly() -> None:
    assert content_disposition("Salt and Lanterns", "epub", "work-7") == 'attachment; filename="Salt and Lanterns.epub"'


def test_non_ascii_names_are_sent_with_an_rfc_5987_name_and_an_ascii_fallback() -> None:
    assert content_disposition("Café “Noir”", "pdf", "work-7") == (
        "attachment; filename=\"Cafe Noir.pdf\"; filename*=UTF-8''Caf%C3%A9%20%E2%80%9CNoir%E2%80%9D.pdf"
    )


def test_names_with_no_ascii_at_all_fall_back_to_the_work_number() -> None:
    assert content_disposition("灯台守", "html", "work-7") == (
        "attachment; filename=\"work-7.html\"; filename*=UTF-8''%E7%81%AF%E5%8F%B0%E5%AE%88.html"
    )


def test_a_series_falls_back_to_its_own_number() -> None:
    assert fallback_stem(3, "series") == "series-3"
    assert safe_file_stem("???", fallback_stem(3, "series")) == "series-3"
