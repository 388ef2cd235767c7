"""Fetch-with-permission helpers for bookmark pages."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest

from fanshelf.accounts.models import User
from fanshelf.bookmarks.models import Bookmark
from fanshelf.works.models import Series


def signed_in_user(request: HttpRequest) -> User:
    """The request's user, for views behind login_required."""
    if not isinstance(request.user, User):
        raise PermissionDenied
    return request.user


def get_own_bookmark(request: HttpRequest, bookmark_id: int) -> Bookmark:
    """The requester's bookmark; anybody else's is as unknown as a missing one (404), private or not."""
    bookmark = Bookmark.objects.filter(pk=bookmark_id, user=signed_in_user(request)).first()
    if bookmark is None:
        raise Http404("No such bookmark.")
    return bookmark


def get_series_for_reading(request: HttpRequest, series_id: int) -> Series:
    """A series with a work this reader may see, or their own: the series page's own rule."""
    series = Series.objects.filter(pk=series_id).first()
    if series is None or not (series.works_visible_to(request.user).exists() or series.is_created_by(request.user)):
        raise Http404("No such series.")
    return series
