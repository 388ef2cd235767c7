"""Which works may be downloaded: posted, listed works the reader may read (PRODUCT.md "Downloads")."""

from __future__ import annotations

from django.http import Http404, HttpRequest

from fanshelf.works.access import get_work_for_reading, is_listed_for
from fanshelf.works.models import Series, Work


def get_work_for_download(request: HttpRequest, work_id: int) -> Work:
    """The work if this reader may download it. Guests asking for a restricted work are sent to log in;
    drafts, hidden and unrevealed works are 404 for everyone, their creators and moderators included."""
    work = get_work_for_reading(request, work_id)
    if not is_listed_for(request.user, work.pk):
        raise Http404("No such work.")
    return work


def get_series_for_download(request: HttpRequest, series_id: int) -> tuple[Series, list[Work]]:
    """The series and the works of it this reader may see, in series order (Series.works_visible_to decides).

    A series with none is 404, whoever asks: there would be nothing in the file.
    """
    series = Series.objects.prefetch_related("creators__user").filter(pk=series_id).first()
    works = list(series.works_visible_to(request.user)) if series is not None else []
    if series is None or not works:
        raise Http404("No such series.")
    return series, works
