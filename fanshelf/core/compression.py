"""Gzip for the pages and feeds the archive writes, when the client accepts it.

Django's GZipMiddleware does the work, including its BREACH mitigation (a few random bytes in each gzip header;
CSRF tokens are also masked afresh on every response). It is kept to text built in memory: files streamed from
disk (downloads, podfic audio) are already compressed formats or served in byte ranges that gzip would break.
Brotli is not used: its module is only a font library's dependency here, and Django's mitigation is gzip's.
"""

from __future__ import annotations

from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.middleware.gzip import GZipMiddleware

_TEXT_TYPES = ("text/", "application/xml", "application/atom+xml", "application/json", "application/javascript")


def _is_text(response: HttpResponseBase) -> bool:
    content_type = response.get("Content-Type", "").lower()
    return content_type.startswith(_TEXT_TYPES) or content_type.split(";")[0].endswith("+xml")


class CompressionMiddleware(GZipMiddleware):
    def process_response(self, request: HttpRequest, response: HttpResponseBase) -> HttpResponseBase:
        if response.streaming or not _is_text(response):
            return response
        compressed: HttpResponseBase = super().process_response(request, response)
        return compressed
