"""The download formats: how each is built from a WorkDocument and how it is served."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from fanshelf.downloads.builders.epub import build_epub
from fanshelf.downloads.builders.html import build_html
from fanshelf.downloads.builders.pdf import build_pdf
from fanshelf.downloads.document import WorkDocument


@dataclass(frozen=True)
class DownloadFormat:
    extension: str
    content_type: str
    offline: bool  # leave out images and media: the file must stand alone and the build must not fetch anything
    build: Callable[[WorkDocument], bytes]


FORMATS: dict[str, DownloadFormat] = {
    "epub": DownloadFormat("epub", "application/epub+zip", offline=True, build=build_epub),
    "pdf": DownloadFormat("pdf", "application/pdf", offline=True, build=build_pdf),
    "html": DownloadFormat("html", "text/html; charset=utf-8", offline=False, build=build_html),
}
