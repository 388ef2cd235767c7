"""Builders for EPUB files in tests: the hand-written AO3 fixture zipped up, and small hostile archives."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

FIXTURES = Path(__file__).parent / "fixtures"

CONTAINER = """<?xml version="1.0"?>
<container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container">
  <rootfiles><rootfile full-path="OEBPS/content.opf" media-type="application/oebps-package+xml"/></rootfiles>
</container>"""


def zip_directory(directory: Path) -> bytes:
    """An EPUB from a folder: "mimetype" first and stored, as the format requires."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.write(directory / "mimetype", "mimetype", compress_type=zipfile.ZIP_STORED)
        for path in sorted(directory.rglob("*")):
            if path.is_file() and path.name != "mimetype":
                archive.write(path, path.relative_to(directory).as_posix())
    return buffer.getvalue()


def ao3_epub() -> bytes:
    return zip_directory(FIXTURES / "ao3_epub")


def opf(chapters: list[str], title: str = "A Plain Book", extra_metadata: str = "") -> str:
    items = "".join(
        f'<item id="c{i}" href="{href}" media-type="application/xhtml+xml"/>' for i, href in enumerate(chapters)
    )
    refs = "".join(f'<itemref idref="c{i}"/>' for i in range(len(chapters)))
    return (
        '<?xml version="1.0" encoding="utf-8"?>'
        '<package xmlns="http://www.idpf.org/2007/opf" version="3.0" unique-identifier="id">'
        '<metadata xmlns:dc="http://purl.org/dc/elements/1.1/">'
        f"<dc:title>{title}</dc:title><dc:creator>Fen Larkspur</dc:creator><dc:language>en</dc:language>"
        f"{extra_metadata}</metadata><manifest>{items}</manifest><spine>{refs}</spine></package>"
    )


def xhtml(body: str, title: str = "Chapter") -> str:
    return (
        '<?xml version="1.0" encoding="utf-8"?><html xmlns="http://www.w3.org/1999/xhtml">'
        f"<head><title>{title}</title></head><body>{body}</body></html>"
    )


def build_epub(files: dict[str, str | bytes], container: str | None = CONTAINER) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), "application/epub+zip")
        if container is not None:
            archive.writestr("META-INF/container.xml", container)
        for name, content in files.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def plain_epub(chapters: list[str], **opf_options: str) -> bytes:
    names = [f"OEBPS/ch{i}.xhtml" for i in range(len(chapters))]
    files: dict[str, str | bytes] = {"OEBPS/content.opf": opf([n.removeprefix("OEBPS/") for n in names], **opf_options)}
    files.update({name: xhtml(body) for name, body in zip(names, chapters, strict=True)})
    return build_epub(files)
