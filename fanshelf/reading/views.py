"""History and shelf pages, and the buttons on the work page that change them."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from fanshelf.accounts.models import User
from fanshelf.core.middleware import LoginNeeded
from fanshelf.core.pagination import paginate
from fanshelf.reading import actions
from fanshelf.reading.access import get_history_owner, get_shelf
from fanshelf.reading.models import PublicShelf, Reading, Shelf
from fanshelf.works.access import get_work_for_reading
from fanshelf.works.models import Work


def history(request: HttpRequest, username: str) -> HttpResponse:
    owner = get_history_owner(request, username)
    entries = (
        Reading.objects.shown_to(owner)
        .select_related("last_chapter")
        .prefetch_related(Prefetch("work", queryset=Work.objects.for_blurbs()))
    )
    page = paginate(request, entries, settings.FANSHELF_WORKS_PER_PAGE)
    context = {"profile_user": owner, "page_obj": page, "keeps_history": owner.keep_history}
    return render(request, "reading/history.html", context)


@require_POST
def history_delete(request: HttpRequest, username: str, work_id: int) -> HttpResponse:
    owner = get_history_owner(request, username)
    if actions.delete_reading(owner, work_id):
        messages.success(request, "The work was taken off your history.")
    return redirect("reading:history", owner.username)


@require_POST
def history_clear(request: HttpRequest, username: str) -> HttpResponse:
    owner = get_history_owner(request, username)
    actions.clear_history(owner)
    messages.success(request, "Your history was cleared.")
    return redirect("reading:history", owner.username)


def shelf(request: HttpRequest, username: str, shelf: str) -> HttpResponse:
    owner, chosen, is_owner = get_shelf(request, username, shelf)
    # Only works the viewer may list, newest on the shelf first; anonymity is the blurb's business.
    works = (
        Work.objects.listed_for(request.user)
        .filter(shelf_entries__user=owner, shelf_entries__shelf=chosen.value)
        .order_by("-shelf_entries__added_at", "-pk")
        .for_blurbs()
    )
    if not is_owner:
        works = works.unmuted_for(request.user)
    context = {
        "profile_user": owner,
        "shelf": chosen,
        "shelves": Shelf.choices,
        "is_owner": is_owner,
        "is_public": is_owner and PublicShelf.objects.filter(user=owner, shelf=chosen.value).exists(),
        "page_obj": paginate(request, works, settings.FANSHELF_WORKS_PER_PAGE),
    }
    return render(request, "reading/shelf.html", context)


@require_POST
def shelf_visibility(request: HttpRequest, username: str, shelf: str) -> HttpResponse:
    owner = get_history_owner(request, username)  # owner only, like history
    owner, chosen, _ = get_shelf(request, owner.username, shelf)
    public = request.POST.get("public") == "1"
    actions.set_shelf_public(owner, chosen.value, public)
    messages.success(request, "Everyone may now see this shelf." if public else "Only you may now see this shelf.")
    return redirect("reading:shelf", owner.username, chosen.value)


@require_POST
def shelve(request: HttpRequest, work_id: int) -> HttpResponse:
    """Put the work on a shelf ("Mark for later" is the to-read shelf), or take it off with an empty shelf."""
    if not isinstance(request.user, User):
        raise LoginNeeded("Log in to keep works on your shelves.")
    work = get_work_for_reading(request, work_id)
    choice = request.POST.get("shelf", "")
    try:
        if choice:
            entry = actions.shelve(request.user, work, choice)
            messages.success(request, f"“{work.title}” is on your {entry.get_shelf_display()} shelf.")
        elif actions.unshelve(request.user, work.pk):
            messages.success(request, f"“{work.title}” is off your shelves.")
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect(work.get_absolute_url())
