"""AO3's HTML and EPUB downloads: title, creators, every tag type, summary, notes, chapters and date kept.

The fixtures are hand-written, invented stories that mirror the structure of AO3's downloads.
"""

from __future__ import annotations

import datetime

from fanshelf.imports.parsers import ParsedWork, parse_file
from tests.imports.epubs import FIXTURES, ao3_epub


def _html(name: str) -> ParsedWork:
    return parse_file(name, (FIXTURES / name).read_bytes())


def test_ao3_html_download_keeps_title_creators_and_every_tag_type() -> None:
    work = _html("ao3_two_chapters.html")
    assert work.format == "ao3-html"
    assert work.title == "The Glassblower’s Apprentice"
    assert work.creators == ["Inkwell_Heron"]
    assert work.rating == "Teen And Up Audiences"
    assert work.warnings == ["No Archive Warnings Apply"]
    assert work.categories == ["F/M", "Gen"]
    assert work.fandoms == ["The Glasswright Cycle"]
    assert work.relationships == ["Maren Oakhollow/Tobiah Fenn", "Maren Oakhollow & Old Wick"]
    assert work.characters == ["Maren Oakhollow", "Tobiah Fenn", "Old Wick"]
    assert work.freeforms == ["Slow Burn", "Found Family", "Glassblowing"]
    assert work.language == "en"


def test_ao3_html_download_keeps_summary_notes_end_notes_date_and_chapter_count() -> None:
    work = _html("ao3_two_chapters.html")
    assert work.summary == (
        "<p>Maren learns that glass remembers every breath — and that some furnaces never go out…</p>"
    )
    assert work.notes == "<p>Written for the “Small Crafts” challenge. Thanks to my beta!</p>"
    assert work.end_notes == "<p>Chapter three is half-blown; it will cool in time.</p>"
    assert work.published_on == datetime.date(2021, 4, 3)
    assert work.expected_chapters == 3
    assert work.source_url == "https://archiveofourown.example/works/4242"


def test_ao3_html_download_keeps_each_chapter_with_its_title_notes_and_text() -> None:
    first, second = _html("ao3_two_chapters.html").chapters
    assert first.title == "The Cold Furnace"
    assert first.summary == "<p>In which the furnace is cold and Maren is not.</p>"
    assert first.notes == "<p>A short one to start.</p>"
    assert first.end_notes == "<p>More soon, I promise.</p>"
    assert "<p>“It’s never been out,” Tobiah said from the doorway. “Not in forty years.”</p>" in first.text
    assert "Fetch Old Wick… and the bellows." in first.text
    assert "Chapter Summary" not in first.text
    assert second.title == ""
    assert second.end_notes == ""
    assert second.text.endswith("“She isn’t dead, girl. She’s <em>sulking</em>.”</p>")


def test_ao3_one_shot_in_japanese_keeps_its_script_two_creators_and_renamed_warning() -> None:
    work = _html("ao3_oneshot_ja.html")
    assert work.title == "灯台守の手紙"
    assert work.creators == ["Hoshikuzu_Ame", "Lantern_Moth"]
    assert work.language == "ja"
    assert work.warnings == ["Creator Chose Not To Use Archive Warnings", "Underage Sex"]
    assert work.fandoms == ["星屑の灯台 (Stardust Lighthouse)"]
    assert len(work.chapters) == 1
    assert work.chapters[0].text == (
        "<p>「今夜も、海は静かです。」</p>\n"
        "<p>灯台守はそう書いて、ペンを置いた。窓の外では、星がひとつ、またひとつと落ちていく……</p>\n"
        '<p dir="rtl" lang="he">שלום, ים.</p>'
    )
    assert work.expected_chapters == 0


def test_ao3_epub_download_is_read_like_the_html_one() -> None:
    work = parse_file("The_Salt_Road.epub", ao3_epub())
    assert work.format == "ao3-epub"
    assert (work.title, work.creators, work.rating) == ("The Salt Road", ["Wren_of_the_Fens"], "Mature")
    assert work.warnings == ["Graphic Depictions Of Violence"]
    assert work.categories == ["F/F"]
    assert work.fandoms == ["Saltmarsh Wardens"]
    assert work.relationships == ["Ilse Brackwater/Noa Ketterin"]
    assert work.characters == ["Ilse Brackwater", "Noa Ketterin"]
    assert work.freeforms == ["Tidal Magic", "Enemies to Lovers"]
    assert work.summary == "<p>Two wardens, one road, and a tide that won’t wait.</p>"
    assert '<span dir="rtl" lang="he">לך בשלום</span>' in work.notes
    assert work.end_notes == "<p>Part two is about the tower’s keeper.</p>"
    assert work.published_on == datetime.date(2020, 2, 14)
    assert work.expected_chapters == 2


def test_ao3_epub_download_keeps_chapters_in_spine_order_with_titles_and_notes() -> None:
    first, second = parse_file("The_Salt_Road.epub", ao3_epub()).chapters
    assert (first.title, second.title) == ("Low Tide", "High Water")
    assert first.notes == "<p>Warning for a knife fight.</p>"
    assert second.end_notes == "<p>Thank you for reading!</p>"
    assert "never with a stranger’s blade at her back." in first.text
    assert '<p dir="rtl" lang="he">לך בשלום, ובואי בשלום.</p>' in second.text
    assert "Afterword" not in second.text
