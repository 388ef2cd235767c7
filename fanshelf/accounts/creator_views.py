"""Creator and pseud pages: a user's pseuds and the works credited to them.

These are the one place where accounts reads works (accounts sits below works), so they live apart from the account
management views and can move to `discovery` with the other listings without touching anything else here.
"""

from __future__ import annotations

from django.conf import settings
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from fanshelf.accounts.access import get_pseud, get_user_for_profile
from fanshelf.accounts.models import Pseud
from fanshelf.core.pagination import paginate
from fanshelf.works.models import Work, WorkQuerySet

RECENT_WORKS = 5


def _works_by(request: HttpRequest, pseuds: QuerySet[Pseud]) -> WorkQuerySet:
    """What this viewer may see credited to these pseuds: listed works, anonymous ones only to their creators."""
    return Work.objects.listed_for(request.user).by_pseuds(pseuds, request.user).for_blurbs().newest_first()


def dashboard(request: HttpRequest, username: str) -> HttpResponse:
    user = get_user_for_profile(username)
    works = _works_by(request, user.pseuds.all())
    context = {
        "profile_user": user,
        "is_owner": request.user.pk == user.pk,
        "pseuds": user.pseuds.all(),
        "recent_works": works[:RECENT_WORKS],
        "work_count": works.count(),
    }
    return render(request, "accounts/dashboard.html", context)


def user_works(request: HttpRequest, username: str) -> HttpResponse:
    user = get_user_for_profile(username)
    page = paginate(request, _works_by(request, user.pseuds.all()), per_page=settings.FANSHELF_WORKS_PER_PAGE)
    context = {
        "profile_user": user,
        "is_owner": request.user.pk == user.pk,
        "heading": f"Works by {user.username}",
        "page_obj": page,
    }
    return render(request, "accounts/user_works.html", context)


def pseud_works(request: HttpRequest, username: str, pseud: str) -> HttpResponse:
    user = get_user_for_profile(username)
    target = get_pseud(user, pseud)
    page = paginate(
        request, _works_by(request, Pseud.objects.filter(pk=target.pk)), per_page=settings.FANSHELF_WORKS_PER_PAGE
    )
    context = {
        "profile_user": user,
        "pseud": target,
        "is_owner": request.user.pk == user.pk,
        "heading": f"Works by {target}",
        "page_obj": page,
    }
    return render(request, "accounts/pseud_works.html", context)
