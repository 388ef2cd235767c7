from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404

from fanshelf.accounts.models import User
from fanshelf.works.models import Series, Work


def signed_in(request: HttpRequest) -> User:
    """The request's user, for views behind login_required."""
    user = request.user
    if not isinstance(user, User):
        raise PermissionDenied
    return user


def subscribable_work(user: User, work_id: int) -> Work:
    work = Work.objects.listed_for(user).filter(pk=work_id).first()
    if work is None:
        raise Http404("No such work.")
    return work


def subscribable_series(user: User, series_id: int) -> Series:
    """A series with at least one work this person may see listed (a series of drafts does not exist for them)."""
    series = get_object_or_404(Series, pk=series_id)
    if not series.works_visible_to(user).exists() and not series.is_created_by(user):
        raise Http404("No such series.")
    return series


def subscribable_creator(username: str) -> User:
    return get_object_or_404(User, username__iexact=username, is_active=True)
