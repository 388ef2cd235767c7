"""A work as a PDF, rendered by WeasyPrint from the same page as the HTML download plus print rules."""

from __future__ import annotations

from fanshelf.downloads.builders.html import render_work_html
from fanshelf.downloads.document import WorkDocument


def build_pdf(document: WorkDocument) -> bytes:
    # Imported here: WeasyPrint takes a noticeable time to import, and most processes never render a PDF.
    import weasyprint
    from weasyprint.urls import URLFetcher

    # The document is built offline (no images or media), and the fetcher allows no protocol at all, so a
    # rendering never reaches out to the network, whatever the text holds.
    html = render_work_html(document, for_print=True)
    page = weasyprint.HTML(string=html, url_fetcher=URLFetcher(allowed_protocols=()))
    # Tagged (a structure tree with the page's language and reading order): screen readers and copy-and-paste
    # then get the text in logical order, right-to-left lines and combining marks included, not as laid out.
    pdf: bytes = page.write_pdf(pdf_tags=True)
    return pdf
