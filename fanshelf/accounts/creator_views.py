"""A creator's dashboard: their pseuds and their most recent works.

The one place where accounts reads works (accounts sits below works), kept apart from the account management views.
The listings of a creator's and a pseud's works are discovery's (fanshelf/discovery/views.py), like every listing.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from fanshelf.accounts.access import get_user_for_profile
from fanshelf.accounts.blocking import muted_ids_query
from fanshelf.accounts.models import Pseud, User
from fanshelf.works.models import Series, Work, WorkQuerySet

RECENT_WORKS = 5


def _works_by(request: HttpRequest, pseuds: QuerySet[Pseud]) -> WorkQuerySet:
    """What this viewer may see credited to these pseuds: listed works, anonymous ones only to their creators."""
    return Work.objects.listed_for(request.user).by_pseuds(pseuds, request.user).for_blurbs().newest_first()


def _series_by(request: HttpRequest, user: User, works: WorkQuerySet) -> QuerySet[Series]:
    """The owner sees all their series; others only those holding a work this page lists to them, so a series of
    drafts or anonymous works does not give itself away."""
    series = Series.objects.filter(creators__user=user)
    if request.user.pk != user.pk:
        series = series.filter(entries__work__in=works.order_by().values("pk"))
        # A series with a creator the reader muted leaves their listings (accounts/blocking.py).
        series = series.exclude(creators__user_id__in=muted_ids_query(request.user))
    return series.distinct().order_by("title")


def dashboard(request: HttpRequest, username: str) -> HttpResponse:
    user = get_user_for_profile(username)
    works = _works_by(request, user.pseuds.all())
    if request.user.pk != user.pk:
        works = works.unmuted_for(request.user)  # as it leaves every listing
    context = {
        "profile_user": user,
        "is_owner": request.user.pk == user.pk,
        "pseuds": user.pseuds.all(),
        "recent_works": works[:RECENT_WORKS],
        "work_count": works.count(),
        "series": _series_by(request, user, works),
    }
    return render(request, "accounts/dashboard.html", context)
