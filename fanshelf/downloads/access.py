"""Which works may be downloaded: posted, listed works the reader may read (PRODUCT.md "Downloads")."""

from __future__ import annotations

from django.http import Http404, HttpRequest

from fanshelf.works.access import get_work_for_reading
from fanshelf.works.models import Work


def get_work_for_download(request: HttpRequest, work_id: int) -> Work:
    """The work if this reader may download it. Guests asking for a restricted work are sent to log in;
    drafts, hidden and unrevealed works are 404 for everyone, their creators and moderators included."""
    work = get_work_for_reading(request, work_id)
    if not Work.objects.listed_for(request.user).filter(pk=work.pk).exists():
        raise Http404("No such work.")
    return work
