"""Hostile files fail cleanly, fast, and without touching the disk: bombs, traversal, XXE, huge or deep HTML."""

from __future__ import annotations

import io
import time
import zipfile

import pytest

from fanshelf.imports.parsers import UnreadableFile, parse_file
from fanshelf.imports.parsers.base import MAX_FILE_BYTES
from fanshelf.imports.parsers.epub import parse_epub
from fanshelf.imports.parsers.markup import MAX_DEPTH
from fanshelf.imports.parsers.safezip import ZipBudget
from tests.imports.epubs import CONTAINER, build_epub, opf, xhtml

XXE_DOCTYPE = '<!DOCTYPE package [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
LAUGHS_DOCTYPE = (
    '<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
    '<!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">'
    '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
)


def _with_doctype(document: str, doctype: str, entity: str) -> str:
    head, rest = document.split("?>", 1)
    return f"{head}?>{doctype}{rest}".replace("<dc:title>A Plain Book", f"<dc:title>&{entity};")


def test_a_zip_bomb_is_stopped_by_the_decompressed_size_budget() -> None:
    bomb = b"\0" * (40 * 1024 * 1024)  # 40 MB of zeros deflates to about 40 KB
    data = build_epub({"OEBPS/content.opf": opf(["ch.xhtml"]), "OEBPS/ch.xhtml": bomb})
    assert len(data) < 200_000
    with pytest.raises(UnreadableFile, match="too big once unpacked"):
        parse_file("bomb.epub", data)


def test_many_modest_entries_are_stopped_by_the_total_budget_while_reading() -> None:
    chapters = [f"ch{i}.xhtml" for i in range(5)]
    files: dict[str, str | bytes] = {"OEBPS/content.opf": opf(chapters)}
    files.update({f"OEBPS/{name}": xhtml("<p>" + "word " * 60_000 + "</p>") for name in chapters})
    with pytest.raises(UnreadableFile, match="too big once unpacked"):
        parse_epub(build_epub(files), ZipBudget(max_entry_bytes=400_000, max_total_bytes=1_000_000))


def test_a_lying_size_in_the_zip_header_does_not_get_past_the_budget() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("META-INF/container.xml", CONTAINER)
        archive.writestr("OEBPS/content.opf", opf(["ch.xhtml"]))
        archive.writestr("OEBPS/ch.xhtml", b"\0" * 2_000_000)
    data = buffer.getvalue().replace((2_000_000).to_bytes(4, "little"), (100).to_bytes(4, "little"))
    with pytest.raises(UnreadableFile, match=r"damaged|too big once unpacked"):
        parse_epub(data, ZipBudget(max_entry_bytes=1_000_000))


def test_an_archive_with_too_many_entries_is_refused_before_reading_any() -> None:
    files: dict[str, str | bytes] = {f"OEBPS/f{i}.txt": "" for i in range(2_001)}
    with pytest.raises(UnreadableFile, match="too many files inside"):
        parse_file("many.epub", build_epub(files))


@pytest.mark.parametrize("name", ["../../evil.xhtml", "/etc/cron.d/evil", "OEBPS/../../evil", "C:\\evil.xhtml"])
def test_entry_names_that_point_outside_the_archive_are_refused(name: str) -> None:
    data = build_epub({"OEBPS/content.opf": opf(["ch.xhtml"]), "OEBPS/ch.xhtml": xhtml("<p>Text.</p>"), name: "x"})
    with pytest.raises(UnreadableFile, match="unsafe file name"):
        parse_file("traversal.epub", data)


@pytest.mark.parametrize("href", ["../../../etc/passwd", "/etc/passwd", "../outside.xhtml"])
def test_links_in_the_package_that_leave_the_archive_are_refused(href: str) -> None:
    data = build_epub({"OEBPS/content.opf": opf([href])})
    with pytest.raises(UnreadableFile, match="points outside itself"):
        parse_file("traversal.epub", data)


def test_an_external_entity_in_the_package_document_is_refused() -> None:
    package = _with_doctype(opf(["ch.xhtml"]), XXE_DOCTYPE, "xxe")
    data = build_epub({"OEBPS/content.opf": package, "OEBPS/ch.xhtml": xhtml("<p>Text here.</p>")})
    with pytest.raises(UnreadableFile, match="declares XML entities"):
        parse_file("xxe.epub", data)


def test_an_external_entity_in_the_container_is_refused() -> None:
    container = (
        '<?xml version="1.0"?>'
        + XXE_DOCTYPE.replace("package", "container")
        + (
            '<container xmlns="urn:oasis:names:tc:opendocument:xmlns:container"><rootfiles>'
            '<rootfile full-path="&xxe;"/></rootfiles></container>'
        )
    )
    data = build_epub({"OEBPS/content.opf": opf(["ch.xhtml"])}, container=container)
    with pytest.raises(UnreadableFile, match="declares XML entities"):
        parse_file("xxe.epub", data)


def test_billion_laughs_in_the_package_document_is_refused_quickly() -> None:
    package = _with_doctype(opf(["ch.xhtml"]), LAUGHS_DOCTYPE, "lol3")
    data = build_epub({"OEBPS/content.opf": package, "OEBPS/ch.xhtml": xhtml("<p>Text here.</p>")})
    started = time.monotonic()
    with pytest.raises(UnreadableFile, match="declares XML entities"):
        parse_file("laughs.epub", data)
    assert time.monotonic() - started < 2


@pytest.mark.parametrize("doctype", [XXE_DOCTYPE.replace("package", "html"), LAUGHS_DOCTYPE])
def test_entity_declarations_in_a_chapter_document_are_refused(doctype: str) -> None:
    chapter = xhtml("<p>&lol3; &xxe;</p>").replace("?>", "?>" + doctype, 1)
    data = build_epub({"OEBPS/content.opf": opf(["ch.xhtml"]), "OEBPS/ch.xhtml": chapter})
    with pytest.raises(UnreadableFile, match="declares XML entities"):
        parse_file("xxe.epub", data)


def test_a_huge_html_file_is_refused_by_size_before_parsing() -> None:
    with pytest.raises(UnreadableFile, match="too big to import"):
        parse_file("huge.html", b"<p>" + b"a" * MAX_FILE_BYTES + b"</p>")


def test_deeply_nested_html_is_refused_quickly() -> None:
    depth = 100_000
    started = time.monotonic()
    with pytest.raises(UnreadableFile, match=f"nested too deeply \\(more than {MAX_DEPTH} levels\\)"):
        parse_file("deep.html", b"<div>" * depth + b"deep" + b"</div>" * depth)
    assert time.monotonic() - started < 5


def test_deep_nesting_inside_an_epub_chapter_is_refused() -> None:
    chapter = xhtml("<span>" * 10_000 + "deep" + "</span>" * 10_000)
    with pytest.raises(UnreadableFile, match="nested too deeply"):
        parse_file("deep.epub", build_epub({"OEBPS/content.opf": opf(["ch.xhtml"]), "OEBPS/ch.xhtml": chapter}))


def test_html_with_too_many_elements_is_refused_quickly() -> None:
    started = time.monotonic()
    with pytest.raises(UnreadableFile, match="too many HTML elements"):
        parse_file("wide.html", b"<br>" * 400_000)
    assert time.monotonic() - started < 5


def test_an_ao3_lookalike_with_a_deep_preface_is_refused_before_building_a_tree() -> None:
    page = '<div id="preface"><dl class="tags"></dl>' + "<blockquote>" * 5_000 + "</div>"
    with pytest.raises(UnreadableFile, match="nested too deeply"):
        parse_file("fake_ao3.html", page.encode())


def test_binary_garbage_named_html_fails_cleanly() -> None:
    with pytest.raises(UnreadableFile):
        parse_file("garbage.html", bytes(range(256)) * 100)
