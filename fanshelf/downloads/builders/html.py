"""A work as one HTML file: title page, contents, chapters, end notes, with the stylesheet inlined."""

from __future__ import annotations

from django.conf import settings
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from fanshelf.downloads.document import WorkDocument


def stylesheet(*, for_print: bool = False) -> str:
    css = render_to_string("downloads/style.css")
    return css + render_to_string("downloads/print.css") if for_print else css


def render_work_html(document: WorkDocument, *, for_print: bool = False) -> str:
    context = {"doc": document, "css": mark_safe(stylesheet(for_print=for_print)), "site_name": settings.SITE_NAME}
    return render_to_string("downloads/work.html", context)


def build_html(document: WorkDocument) -> bytes:
    return render_work_html(document).encode()
