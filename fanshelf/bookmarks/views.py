"""Bookmark pages: the form from a work or series page, external works, and the listings of a person's, a work's
and a tag's bookmarks. Which bookmarks show is BookmarkQuerySet.shown_to's decision alone."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from fanshelf.accounts.access import get_user_for_profile
from fanshelf.bookmarks.access import get_own_bookmark, get_series_for_reading, signed_in_user
from fanshelf.bookmarks.actions import (
    BookmarkFields,
    bookmark_external,
    bookmark_series,
    bookmark_work,
    delete_bookmark,
    edit_bookmark,
)
from fanshelf.bookmarks.forms import BookmarkFilterForm, BookmarkForm, ExternalWorkForm
from fanshelf.bookmarks.models import Bookmark, BookmarkQuerySet
from fanshelf.bookmarks.work_filters import apply_work_filters
from fanshelf.core.pagination import paginate
from fanshelf.tags.access import get_tag_shown_to
from fanshelf.tags.graph import filed_under
from fanshelf.works.access import get_work_for_reading
from fanshelf.works.forms import add_action_errors

Save = Callable[[BookmarkFields], Bookmark]


def _form_page(request: HttpRequest, heading: str, existing: Bookmark | None, save: Save) -> HttpResponse:
    """The bookmark form for one item: a second bookmark of the same item edits the first."""
    user = signed_in_user(request)
    form = BookmarkForm(user, request.POST or None, bookmark=existing)
    if request.method == "POST" and form.is_valid():
        try:
            bookmark = save(form.to_fields())
        except ValidationError as error:
            add_action_errors(error, form)
        else:
            messages.success(request, "Your bookmark was saved.")
            return redirect(reverse("bookmarks:user", args=[user.username]) + f"#bookmark_{bookmark.pk}")
    context = {"heading": heading, "form": form, "existing": existing}
    return render(request, "bookmarks/bookmark_form.html", context, status=400 if form.errors else 200)


@login_required
def work_bookmark(request: HttpRequest, work_id: int) -> HttpResponse:
    work = get_work_for_reading(request, work_id)
    user = signed_in_user(request)
    existing = Bookmark.objects.filter(user=user, work=work).first()
    heading = f"{'Edit your bookmark' if existing else 'Bookmark'}: {work.title}"
    return _form_page(request, heading, existing, lambda fields: bookmark_work(user, work, fields))


@login_required
def series_bookmark(request: HttpRequest, series_id: int) -> HttpResponse:
    series = get_series_for_reading(request, series_id)
    user = signed_in_user(request)
    existing = Bookmark.objects.filter(user=user, series=series).first()
    heading = f"{'Edit your bookmark' if existing else 'Bookmark'}: {series.title} (series)"
    return _form_page(request, heading, existing, lambda fields: bookmark_series(user, series, fields))


@login_required
def edit(request: HttpRequest, bookmark_id: int) -> HttpResponse:
    bookmark = get_own_bookmark(request, bookmark_id)
    user = signed_in_user(request)
    heading = f"Edit your bookmark: {bookmark.item_title}"
    return _form_page(request, heading, bookmark, lambda fields: edit_bookmark(bookmark, user, fields))


@login_required
def external_bookmark(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    external, form = ExternalWorkForm(request.POST or None), BookmarkForm(user, request.POST or None)
    if request.method == "POST" and external.is_valid() and form.is_valid():
        try:
            bookmark = bookmark_external(user, external.to_fields(), form.to_fields())
        except ValidationError as error:
            add_action_errors(error, external, form)
        else:
            messages.success(request, "Your bookmark was saved.")
            return redirect(reverse("bookmarks:user", args=[user.username]) + f"#bookmark_{bookmark.pk}")
    status = 400 if external.errors or form.errors else 200
    return render(request, "bookmarks/external_form.html", {"external": external, "form": form}, status=status)


@require_POST
@login_required
def delete(request: HttpRequest, bookmark_id: int) -> HttpResponse:
    bookmark = get_own_bookmark(request, bookmark_id)
    user = signed_in_user(request)
    delete_bookmark(bookmark, user)
    messages.success(request, f"Your bookmark of “{bookmark.item_title}” was deleted.")
    return redirect("bookmarks:user", user.username)


def _listing(request: HttpRequest, bookmarks: BookmarkQuerySet, heading: str, **extra: Any) -> HttpResponse:
    """One page of bookmarks the reader may see, filtered and sorted as the reader asked."""
    form = BookmarkFilterForm(request.GET)
    context = {"heading": heading, "filter_form": form, **extra}
    if not form.is_valid():
        return render(request, "bookmarks/list.html", {**context, "page_obj": None}, status=400)
    data = form.cleaned_data
    shown = apply_work_filters(bookmarks.shown_to(request.user).filtered(**data), data["works"], request.user)
    page = paginate(request, shown.sorted_by(data["sort"]).for_listing(), settings.FANSHELF_WORKS_PER_PAGE)
    # lists(): a repeated parameter (include=A&include=B) keeps all its values on the next page
    params = [(key, value) for key, values in request.GET.lists() if key != "page" for value in values if value]
    return render(request, "bookmarks/list.html", {**context, "page_obj": page, "query_prefix": urlencode(params)})


def user_bookmarks(request: HttpRequest, username: str) -> HttpResponse:
    owner = get_user_for_profile(username)
    return _listing(request, Bookmark.objects.filter(user=owner), f"Bookmarks by {owner.username}", owner=owner)


def work_bookmarks(request: HttpRequest, work_id: int) -> HttpResponse:
    work = get_work_for_reading(request, work_id)
    return _listing(request, Bookmark.objects.filter(work=work), f"Bookmarks of {work.title}", work=work)


def tag_bookmarks(request: HttpRequest, tag_name: str) -> HttpResponse:
    """Bookmarks of the works a tag's listing holds: its own, its synonyms' and its subtags'."""
    tag = get_tag_shown_to(tag_name, request.user)
    if tag.merger is not None:
        return redirect("bookmarks:tag", tag.merger.url_part)
    bookmarks = Bookmark.objects.tagged(filed_under({tag.pk}))
    return _listing(request, bookmarks, f"Bookmarks in {tag.name}", tag=tag)
