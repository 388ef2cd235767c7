"""The download menu on a work's page lists only the formats this server can build (AZW3 and MOBI need calibre)."""

from __future__ import annotations

from django import template

from fanshelf.downloads.builders import available_formats

register = template.Library()


@register.simple_tag
def download_formats() -> list[tuple[str, str]]:
    """(format name for the URL, label) of each format offered here, in menu order."""
    return [(name, download_format.label) for name, download_format in available_formats().items()]
