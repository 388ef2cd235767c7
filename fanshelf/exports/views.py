"""The export page (what the zip holds, and the link) and the zip itself, for the account's owner only."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_GET, require_safe

from fanshelf.accounts.access import get_user_for_managing
from fanshelf.core.limits import Rate, count_event, seconds_to_wait, too_many
from fanshelf.exports.builder import export_pieces, file_name, in_this_context
from fanshelf.exports.registry import FILES

# An export reads everything the account has and builds a file per work: a few an hour is plenty for a person.
EXPORT_RATE = Rate(count=5, seconds=3600)


@require_safe
def export_page(request: HttpRequest, username: str) -> HttpResponse:
    """What an export holds, and the link to download it. Only the owner, signed in: guests are sent to log in,
    anyone else (moderators too) is refused."""
    owner = get_user_for_managing(request, username)
    return render(request, "exports/export.html", {"profile_user": owner, "files": FILES})


@require_GET
def export_zip(request: HttpRequest, username: str) -> HttpResponse | StreamingHttpResponse:
    """The zip, streamed as it is built (builder.py); the owner's only, a few times an hour. A GET, so that it
    is a plain download link and works in read-only mode: it changes nothing but the count of exports."""
    owner = get_user_for_managing(request, username)
    wait = seconds_to_wait("export", [str(owner.pk)], EXPORT_RATE)
    if wait:
        return too_many(request, wait, "You have exported your account several times in the last hour.")
    count_event("export", [str(owner.pk)], EXPORT_RATE)
    response = StreamingHttpResponse(in_this_context(export_pieces(owner)), content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{file_name(owner)}"'
    patch_cache_control(response, private=True, no_store=True)
    return response
