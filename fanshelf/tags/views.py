"""Tag pages (public) and wrangling pages (wranglers in their fandoms, admins everywhere). A tag's works are listed
by discovery (fanshelf/discovery/views.py), like every listing."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from fanshelf.accounts.models import is_moderator
from fanshelf.core.pagination import paginate
from fanshelf.tags import usage
from fanshelf.tags.access import get_fandom_for_wrangling, get_tag_for_wrangling, get_tag_shown_to, signed_in_user
from fanshelf.tags.actions import edit_tag, wrangle_bin
from fanshelf.tags.forms import BinForm, TagEditForm
from fanshelf.tags.graph import neighbourhood
from fanshelf.tags.models import BIN_TYPES, TagType
from fanshelf.tags.permissions import assigned_fandoms, can_wrangle


def tag_detail(request: HttpRequest, tag_name: str) -> HttpResponse:
    """A tag's place in the graph: type, status, synonyms, parents, children, metatags and subtags."""
    tag = get_tag_shown_to(tag_name, request.user)
    related = neighbourhood(tag, show_banned=is_moderator(request.user))
    context = {"tag": tag, "related": related, "can_wrangle": can_wrangle(request.user, tag)}
    return render(request, "tags/tag_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def tag_edit(request: HttpRequest, tag_name: str) -> HttpResponse:
    """Wrangle one tag: canonical status, synonym, parents, metatags and (case and accents only) its name."""
    tag = get_tag_for_wrangling(request, tag_name)
    form = TagEditForm(tag, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            edit_tag(tag, form.to_edit(), by=signed_in_user(request))
        except ValidationError as error:
            tag.refresh_from_db()
            form.add_error(None, error)
        else:
            messages.success(request, f"“{tag.name}” was updated.")
            return redirect("tags:detail", tag.url_part)
    return render(request, "tags/tag_edit.html", {"tag": tag, "form": form})


@login_required
def wrangle_home(request: HttpRequest) -> HttpResponse:
    """A wrangler's fandoms, each with how many tags wait in its bins."""
    fandoms = list(assigned_fandoms(request.user))
    if not fandoms and not is_moderator(request.user):
        raise PermissionDenied("No fandoms are assigned to you for wrangling.")
    counts = usage.bin_counts(fandom.pk for fandom in fandoms)
    rows = [(fandom, [(TagType(kind), counts[fandom.pk][kind]) for kind in BIN_TYPES]) for fandom in fandoms]
    return render(request, "tags/wrangle_home.html", {"rows": rows, "is_admin": is_moderator(request.user)})


@login_required
@require_http_methods(["GET", "POST"])
def wrangle_fandom_bin(request: HttpRequest, fandom_name: str, tag_type: str) -> HttpResponse:
    """The fandom's unwrangled tags of one type, with mass actions over the checked ones."""
    if tag_type not in BIN_TYPES:
        raise Http404("Bins hold characters, relationships and additional tags.")
    fandom = get_fandom_for_wrangling(request, fandom_name)
    tags = usage.bin_tags(fandom, tag_type)
    form = BinForm(tags, request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            done = wrangle_bin(fandom, list(data["tags"]), data["action"], data["target"], by=signed_in_user(request))
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"Wrangled {done} tag{'s' if done != 1 else ''}.")
            return redirect(request.path)
    context = {"fandom": fandom, "tag_type": TagType(tag_type), "form": form, "bin_types": BIN_TYPES}
    return render(request, "tags/bin.html", {**context, "page_obj": paginate(request, tags, per_page=100)})
