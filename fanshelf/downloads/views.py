"""Download, feed and catalogue routes. Each one: access check, one call that builds the answer, a response."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.core.files.storage import default_storage
from django.core.paginator import EmptyPage
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.cache import patch_cache_control
from django.utils.feedgenerator import Atom1Feed
from django.views.decorators.http import require_GET

from fanshelf.accounts.models import User
from fanshelf.core import switches
from fanshelf.core.numbers import BadParameter
from fanshelf.core.pagination import paginate
from fanshelf.discovery.query import QueryError
from fanshelf.discovery.reader_sets import SHELF_LABELS
from fanshelf.discovery.search import feed_work_ids, listed_latest_revision, listed_page, listed_tag_counts, works_page
from fanshelf.downloads import opds
from fanshelf.downloads.access import get_series_for_download, get_work_for_download
from fanshelf.downloads.auth import accepts_basic_auth, challenge
from fanshelf.downloads.builders import FORMATS
from fanshelf.downloads.builders.kindle import ConversionFailed
from fanshelf.downloads.cache import build_download, build_series_download
from fanshelf.downloads.feeds import FEED_SIZE, tag_feed
from fanshelf.downloads.filenames import content_disposition, fallback_stem, safe_file_stem
from fanshelf.tags.access import get_tag_shown_to
from fanshelf.tags.models import Tag, tag_to_url_part
from fanshelf.works.models import Work
from fanshelf.works.reuse import with_ai_reservation

RETRY_AFTER_SECONDS = 60  # a failed Kindle conversion: when the reader may try again


def _feed_response(feed: Atom1Feed, request: HttpRequest) -> HttpResponse:
    response = HttpResponse(feed.writeString("utf-8"), content_type=feed.content_type)
    if request.user.is_authenticated:
        patch_cache_control(response, private=True)
    return response


def _file_cache_headers(response: HttpResponseBase, *, personal: bool) -> None:
    """A file only some readers may have is kept by no shared cache; any other may be, for a few minutes."""
    if personal:
        patch_cache_control(response, private=True, max_age=0)
    else:
        patch_cache_control(response, public=True, max_age=300)


def _find_tag(tag_name: str, viewer: User | AnonymousUser) -> Tag:
    """A canonical tag or synonym that `viewer` may know of; any other name is the same 404 (tags.access)."""
    tag = get_tag_shown_to(tag_name, viewer)
    if tag.merger is None and not tag.canonical:
        raise Http404("No tag has that name.")
    return tag


@require_GET
@accepts_basic_auth
def download(request: HttpRequest, work_id: int, format_name: str) -> HttpResponseBase:
    """The work as an EPUB, AZW3, MOBI, PDF or HTML file, built once per version of the work."""
    download_format = FORMATS.get(format_name)
    if download_format is None or not download_format.available:
        raise Http404("This archive does not offer downloads in that format.")
    if not switches.current().downloads:
        return _paused(request)
    work = get_work_for_download(request, work_id)
    try:
        stored = build_download(work, format_name)
    except ConversionFailed:
        return _not_built(request, download_format.label, work)
    response = FileResponse(default_storage.open(stored, "rb"), content_type=download_format.content_type)
    fallback = fallback_stem(work.pk)
    response["Content-Disposition"] = content_disposition(
        safe_file_stem(work.title, fallback), download_format.extension, fallback
    )
    _file_cache_headers(response, personal=work.restricted)
    return with_ai_reservation(response, work)


@require_GET
@accepts_basic_auth
def series_download(request: HttpRequest, series_id: int) -> HttpResponseBase:
    """The series as one EPUB of the works this reader may see, built once per version and set of works."""
    if not switches.current().downloads:
        return _paused(request)
    series, works = get_series_for_download(request, series_id)
    epub = FORMATS["epub"]
    response = FileResponse(
        default_storage.open(build_series_download(series, works), "rb"), content_type=epub.content_type
    )
    fallback = fallback_stem(series.pk, "series")
    response["Content-Disposition"] = content_disposition(
        safe_file_stem(series.title, fallback), epub.extension, fallback
    )
    # Which works the file holds depends on who asks, so only a guest's file may be kept by shared caches.
    _file_cache_headers(response, personal=request.user.is_authenticated)
    return response


def _paused(request: HttpRequest) -> HttpResponse:
    """A moderator turned downloads off (fanshelf/moderation): say so, and when to look again."""
    response = render(request, "downloads/paused.html", status=503)
    response["Retry-After"] = "3600"
    return response


def _not_built(request: HttpRequest, label: str, work: Work) -> HttpResponse:
    """calibre failed or ran out of time (logged by the converter): the reader can try later or take another format."""
    context = {"label": label, "work": work, "retry_after": RETRY_AFTER_SECONDS}
    response = render(request, "downloads/not_built.html", context, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


@require_GET
def tag_works_feed(request: HttpRequest, tag_name: str) -> HttpResponse:
    """The latest public works in a canonical tag; a synonym's feed moves to its canonical's."""
    tag = _find_tag(tag_name, AnonymousUser())  # the feed shows what a guest sees, whoever fetches it
    if tag.merger is not None:
        return redirect("downloads:tag_feed", tag_to_url_part(tag.merger.name), permanent=True)
    # The engine picks the works: a signed-in reader's feed leaves out what their mutes and exclusion profile hide
    # (docs/exclusions.md), and no request sorts every work of a big fandom (0.27 s at 2 million works).
    return _feed_response(tag_feed(tag, feed_work_ids(tag.name, request.user, FEED_SIZE)), request)


@require_GET
@accepts_basic_auth
def opds_root(request: HttpRequest) -> HttpResponse:
    sections = opds.root_sections()
    if request.user.is_authenticated:
        sections += [opds.shelves_section(), opds.subscriptions_section()]
    feed = opds.navigation_feed("Catalogue", request, sections, latest=listed_latest_revision(request.user))
    return _feed_response(feed, request)


@require_GET
@accepts_basic_auth
def opds_login(request: HttpRequest) -> HttpResponseBase:
    """Where an e-reader app is sent to log in: a Basic challenge until it does, then the catalogue."""
    if not request.user.is_authenticated:
        return challenge()
    return opds_root(request)


@require_GET
@accepts_basic_auth
def opds_new(request: HttpRequest) -> HttpResponse:
    # The engine, for guests too: a signed-in reader's mutes and exclusion profile apply (docs/exclusions.md), and
    # no request counts and sorts every listed work (0.6 s at 2 million works in the database).
    page = listed_page(request.GET, request.user, opds.PER_PAGE)
    return _feed_response(opds.acquisition_feed("New works", request, page), request)


@require_GET
@accepts_basic_auth
def opds_fandoms(request: HttpRequest) -> HttpResponse:
    names = opds.fandom_names(request.user)
    fandoms = opds.fandom_counts(names, listed_tag_counts(names, request.user))
    page = paginate(request, fandoms, per_page=opds.PER_PAGE * 4)
    sections = opds.fandom_sections(list(page.object_list))
    return _feed_response(opds.navigation_feed("Fandoms", request, sections, page), request)


@require_GET
@accepts_basic_auth
def opds_tag(request: HttpRequest, tag_name: str) -> HttpResponse:
    tag = _find_tag(tag_name, request.user)
    if tag.merger is not None:
        return redirect("downloads:opds_tag", tag_to_url_part(tag.merger.name), permanent=True)
    page = listed_page(request.GET, request.user, opds.PER_PAGE, include=tag.name)  # the engine, as "New works"
    return _feed_response(opds.acquisition_feed(tag.name, request, page), request)


@require_GET
@accepts_basic_auth
def opds_search(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "")
    if not query.strip():
        page = paginate(request, Work.objects.none(), per_page=opds.PER_PAGE)
        return _feed_response(opds.acquisition_feed(f"Search: {query}", request, page), request)
    # The site's search engine, so the catalogue finds what /works/?q= finds (chapter text, words inside CJK and
    # Thai runs) and takes its filters and sort.
    try:
        page = works_page(request.GET, request.user, opds.PER_PAGE)
    except QueryError as error:
        raise BadParameter(str(error)) from None
    except EmptyPage:
        raise Http404("There is no page with that number.") from None
    return _feed_response(opds.acquisition_feed(f"Search: {query}", request, page), request)


@require_GET
@accepts_basic_auth
def opds_shelves(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return challenge()
    sections = opds.shelf_sections(SHELF_LABELS)
    feed = opds.navigation_feed("My shelves", request, sections, latest=listed_latest_revision(request.user))
    return _feed_response(feed, request)


@require_GET
@accepts_basic_auth
def opds_shelf(request: HttpRequest, shelf: str) -> HttpResponse:
    """One of the signed-in reader's shelves (the reading app's ShelfEntry, through its relation to Work)."""
    if not request.user.is_authenticated:
        return challenge()
    if shelf not in SHELF_LABELS:
        raise Http404("No such shelf.")
    shelved = Work.objects.listed_for(request.user).filter(shelf_entries__user=request.user, shelf_entries__shelf=shelf)
    works = shelved.order_by("-shelf_entries__added_at", "-pk").for_blurbs()
    page = paginate(request, works, per_page=opds.PER_PAGE)
    return _feed_response(opds.acquisition_feed(SHELF_LABELS[shelf], request, page), request)


@require_GET
@accepts_basic_auth
def opds_subscriptions(request: HttpRequest) -> HttpResponse:
    """The latest works and chapters of what the signed-in reader subscribes to (opds.subscribed_works)."""
    if not request.user.is_authenticated:
        return challenge()
    page = paginate(request, opds.subscribed_works(request.user), per_page=opds.PER_PAGE)
    return _feed_response(opds.acquisition_feed("My subscriptions", request, page), request)


@require_GET
def opensearch(request: HttpRequest) -> HttpResponse:
    return HttpResponse(opds.opensearch_description(), content_type=f"{opds.OPENSEARCH};charset=utf-8")
