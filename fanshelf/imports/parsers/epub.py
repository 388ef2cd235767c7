"""EPUB files, including AO3's and Fanshelf's own EPUB downloads.

The package files (container, OPF) are XML and go through defusedxml, which refuses entity declarations and
external references. Content documents go through the standard library's HTML parser, which never expands
entities either; one that declares entities anyway is refused, so no XXE or "billion laughs" file gets further.
"""

from __future__ import annotations

import datetime
import posixpath
import re
from dataclasses import dataclass, field
from xml.etree.ElementTree import Element

import defusedxml.ElementTree as SafeXML
from bs4 import BeautifulSoup
from defusedxml import DefusedXmlException

from fanshelf.imports.parsers.ao3 import parse_ao3_soup
from fanshelf.imports.parsers.base import (
    ParsedChapter,
    ParsedWork,
    UnreadableFile,
    check_size,
    clean_notes,
    clean_text,
    decode_text,
    one_line,
)
from fanshelf.imports.parsers.fanshelf import parse_fanshelf_soup
from fanshelf.imports.parsers.html import soup_of
from fanshelf.imports.parsers.markup import (
    body_of,
    check_markup,
    first_heading,
    has_text,
    looks_like_ao3,
    looks_like_fanshelf,
)
from fanshelf.imports.parsers.safezip import SafeZip, ZipBudget, resolve_href
from fanshelf.works.languages import LANGUAGE_NAMES

_CONTAINER = "META-INF/container.xml"
_CONTENT_TYPES = {"application/xhtml+xml", "text/html"}
_ENTITY_DECLARATION = re.compile(rb"<!ENTITY", re.IGNORECASE)


@dataclass
class _Package:
    base_dir: str
    title: str = ""
    creators: list[str] = field(default_factory=list)
    subjects: list[str] = field(default_factory=list)
    description: str = ""
    language: str = ""
    date: datetime.date | None = None
    documents: list[str] = field(default_factory=list)


def parse_epub(data: bytes, budget: ZipBudget | None = None) -> ParsedWork:
    check_size(data)
    archive = SafeZip(data, budget)
    package = _read_package(archive)
    bodies = [_body_of(archive, name) for name in package.documents]
    # A download's title page comes first, perhaps after a cover; its pages are then read as one document.
    if any(looks_like_fanshelf(body) for body in bodies[:3]):
        work = parse_fanshelf_soup(_joined(bodies), format_name="fanshelf-epub")
    elif any(looks_like_ao3(body) for body in bodies[:3]):
        work = parse_ao3_soup(_joined(bodies), format_name="ao3-epub")
    else:
        work = _plain_epub(bodies)
    _fill_from_package(work, package)
    return work


def _joined(bodies: list[str]) -> BeautifulSoup:
    joined = "\n".join(bodies)
    check_markup(joined)
    return soup_of(joined)


def _xml(archive: SafeZip, name: str) -> Element:
    try:
        return SafeXML.fromstring(archive.read(name))
    except DefusedXmlException:
        raise UnreadableFile(f"The EPUB's {name!r} declares XML entities or external references; refused.") from None
    except SafeXML.ParseError:
        raise UnreadableFile(f"The EPUB's {name!r} is not well-formed XML.") from None


def _read_package(archive: SafeZip) -> _Package:
    opf_path = _opf_path(archive)
    opf = _xml(archive, opf_path)
    package = _Package(base_dir=posixpath.dirname(opf_path))
    metadata = opf.find("{*}metadata")
    if metadata is not None:
        package.title = one_line(metadata.findtext("{*}title") or "")
        package.creators = [one_line(e.text or "") for e in metadata.findall("{*}creator") if (e.text or "").strip()]
        package.subjects = [one_line(e.text or "") for e in metadata.findall("{*}subject") if (e.text or "").strip()]
        package.description = (metadata.findtext("{*}description") or "").strip()
        package.language = (metadata.findtext("{*}language") or "").strip()
        package.date = _date(metadata.findtext("{*}date") or "")
    manifest = {
        item.get("id", ""): item for item in opf.iterfind("{*}manifest/{*}item") if item.get("href") is not None
    }
    for itemref in opf.iterfind("{*}spine/{*}itemref"):
        item = manifest.get(itemref.get("idref", ""))
        if item is None or itemref.get("linear") == "no" or "nav" in (item.get("properties") or "").split():
            continue
        if item.get("media-type") in _CONTENT_TYPES:
            package.documents.append(resolve_href(package.base_dir, item.get("href", "")))
    if not package.documents:
        raise UnreadableFile("The EPUB has no chapters listed in its reading order.")
    return package


def _opf_path(archive: SafeZip) -> str:
    if archive.has(_CONTAINER):
        rootfile = _xml(archive, _CONTAINER).find("{*}rootfiles/{*}rootfile")
        if rootfile is not None and rootfile.get("full-path"):
            return resolve_href("", rootfile.get("full-path", ""))
    candidates = [name for name in archive.names() if name.lower().endswith(".opf")]
    if not candidates:
        raise UnreadableFile("The file is not a valid EPUB (it has no package document).")
    return candidates[0]


def _date(text: str) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(text.strip()[:10])
    except ValueError:
        return None


def _body_of(archive: SafeZip, name: str) -> str:
    raw = archive.read(name)
    if _ENTITY_DECLARATION.search(raw):
        raise UnreadableFile(f"The EPUB's {name!r} declares XML entities; refused.")
    body = body_of(decode_text(raw, allow_declared=True).replace("\x00", ""))
    check_markup(body)
    return body


def _plain_epub(bodies: list[str]) -> ParsedWork:
    chapters = [
        ParsedChapter(text=clean_text(body), title=first_heading(body))
        for body in bodies
        if has_text(body)  # not a cover or an image-only page
    ]
    if not chapters:
        raise UnreadableFile("The EPUB has no story text in it.")
    return ParsedWork(chapters=chapters, format="epub")


def _fill_from_package(work: ParsedWork, package: _Package) -> None:
    """The OPF's metadata fills what the pages did not say."""
    work.title = work.title or package.title
    work.creators = work.creators or package.creators
    if work.format == "epub":
        work.freeforms = package.subjects
        work.summary = clean_notes(package.description) if package.description else ""
    language = package.language.split("-")[0].lower()
    if not work.language and language in LANGUAGE_NAMES:
        work.language = language
    work.published_on = work.published_on or package.date
