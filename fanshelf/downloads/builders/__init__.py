"""The download formats: how each is built from a WorkDocument and how it is served."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from fanshelf.downloads.builders.epub import build_epub
from fanshelf.downloads.builders.html import build_html
from fanshelf.downloads.builders.kindle import can_convert, convert_epub
from fanshelf.downloads.builders.pdf import build_pdf
from fanshelf.downloads.document import WorkDocument


@dataclass(frozen=True)
class DownloadFormat:
    extension: str
    content_type: str
    offline: bool  # leave out images and media: the file must stand alone and the build must not fetch anything
    build: Callable[[WorkDocument], bytes]
    # Made from the work's EPUB by calibre, so offered only where calibre is installed (builders/kindle.py).
    from_epub: bool = False

    @property
    def label(self) -> str:
        """As the download menu names it."""
        return self.extension.upper()

    @property
    def available(self) -> bool:
        """Whether this server can build the format."""
        return not self.from_epub or can_convert()

    def convert(self, epub: bytes) -> bytes:
        return convert_epub(epub, self.extension)


def _kindle(extension: str, content_type: str) -> DownloadFormat:
    def build(document: WorkDocument) -> bytes:
        return convert_epub(build_epub(document), extension)

    return DownloadFormat(extension, content_type, offline=True, build=build, from_epub=True)


# In the order the download menu lists them.
FORMATS: dict[str, DownloadFormat] = {
    "epub": DownloadFormat("epub", "application/epub+zip", offline=True, build=build_epub),
    "azw3": _kindle("azw3", "application/vnd.amazon.ebook"),
    "mobi": _kindle("mobi", "application/x-mobipocket-ebook"),
    "pdf": DownloadFormat("pdf", "application/pdf", offline=True, build=build_pdf),
    "html": DownloadFormat("html", "text/html; charset=utf-8", offline=False, build=build_html),
}


def available_formats() -> dict[str, DownloadFormat]:
    """The formats this server can build, in menu order."""
    return {name: download_format for name, download_format in FORMATS.items() if download_format.available}
