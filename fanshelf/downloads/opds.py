"""An OPDS 1.2 catalogue for e-reader apps (KOReader, Thorium, ...): navigation and acquisition feeds.

The catalogue shows what the requesting reader may see: guests get public works, readers who authenticate
(HTTP Basic over their archive account, see auth.py) also get restricted works. Each work entry links to its
EPUB download, which applies the same permission check as the work's page.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.apps import apps
from django.conf import settings
from django.core.paginator import Page
from django.db.models import Exists, OuterRef, Q
from django.http import Http404, HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.xmlutils import SimplerXMLGenerator

from fanshelf.core import switches
from fanshelf.core.numbers import number_param
from fanshelf.core.pagination import MAX_PAGE
from fanshelf.core.site_url import absolute_url
from fanshelf.downloads.feeds import add_work_item
from fanshelf.downloads.xhtml import xml_text
from fanshelf.tags.models import Tag, TagType, tag_to_url_part
from fanshelf.works.models import Creatorship, SeriesEntry, Work, WorkQuerySet

if TYPE_CHECKING:
    from fanshelf.accounts.models import User
    from fanshelf.works.models import Viewer

NAVIGATION = "application/atom+xml;profile=opds-catalog;kind=navigation"
ACQUISITION = "application/atom+xml;profile=opds-catalog;kind=acquisition"
OPENSEARCH = "application/opensearchdescription+xml"
EPUB = "application/epub+zip"
ACQUIRE = "http://opds-spec.org/acquisition"
PER_PAGE = 25


@dataclass(frozen=True)
class Link:
    rel: str
    href: str
    type: str

    def attributes(self) -> dict[str, str]:
        return {"rel": self.rel, "href": self.href, "type": self.type}


@dataclass(frozen=True)
class Section:
    """A navigation entry: a feed one level down, last changed at `updated` (None: when any work the reader may
    list last changed)."""

    title: str
    href: str
    summary: str
    kind: str = ACQUISITION
    links: list[Link] = field(default_factory=list)
    updated: datetime.datetime | None = None


class OpdsFeed(Atom1Feed):
    """An Atom feed with the OPDS namespaces and typed links on the feed and on each entry."""

    def __init__(self, *, kind: str, links: list[Link], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.content_type = f"{kind};charset=utf-8"
        self.links = links

    def root_attributes(self) -> dict[str, str]:
        attributes: dict[str, str] = super().root_attributes()
        attributes["xmlns:opds"] = "http://opds-spec.org/2010/catalog"
        attributes["xmlns:dc"] = "http://purl.org/dc/terms/"
        return attributes

    def add_root_elements(self, handler: SimplerXMLGenerator) -> None:
        super().add_root_elements(handler)
        for link in self.links:
            handler.addQuickElement("link", "", link.attributes())

    def add_item_elements(self, handler: SimplerXMLGenerator, item: dict[str, Any]) -> None:
        super().add_item_elements(handler, item)
        for link in item.get("opds_links", []):
            handler.addQuickElement("link", "", link.attributes())
        if item.get("dc_language"):
            handler.addQuickElement("dc:language", item["dc_language"])


def _url(name: str, *args: str) -> str:
    return absolute_url(reverse(f"downloads:{name}", args=args))


def _page_url(request: HttpRequest, number: int) -> str:
    query = request.GET.copy()
    query["page"] = str(number)
    return absolute_url(f"{request.path}?{query.urlencode()}")


def _check_page_exists(request: HttpRequest, page: Page[Any]) -> None:
    """The site's listings show their last page for a number past the end; a catalogue answers 404, so an
    e-reader app following page numbers knows it has reached the end instead of reading the last page again."""
    asked = number_param(request.GET, "page", default=1, minimum=1, maximum=MAX_PAGE)
    if asked != page.number:
        raise Http404("There is no page with that number.")


def _feed(title: str, request: HttpRequest, kind: str, page: Page[Any] | None = None) -> OpdsFeed:
    if page is not None:
        _check_page_exists(request, page)
    self_url = absolute_url(request.get_full_path())
    links = [
        Link("self", self_url, kind),
        Link("start", _url("opds_root"), NAVIGATION),
        Link("search", _url("opensearch"), OPENSEARCH),
    ]
    if page is not None and page.has_next():
        links.append(Link("next", _page_url(request, page.next_page_number()), kind))
    if page is not None and page.has_previous():
        links.append(Link("previous", _page_url(request, page.previous_page_number()), kind))
    return OpdsFeed(
        kind=kind,
        links=links,
        title=xml_text(f"{settings.SITE_NAME}: {title}"),
        link=self_url,
        description="",
        feed_guid=self_url,
        author_name=settings.SITE_NAME,
    )


def navigation_feed(
    title: str,
    request: HttpRequest,
    sections: list[Section],
    page: Page[Any] | None = None,
    *,
    latest: datetime.datetime | None = None,
) -> OpdsFeed:
    """Sections without a date of their own take `latest` (when the latest listed work was revised)."""
    feed = _feed(title, request, NAVIGATION, page)
    for section in sections:
        feed.add_item(
            title=xml_text(section.title),
            link=section.href,
            description=xml_text(section.summary),
            unique_id=section.href,
            # Atom requires it; an empty archive's sections date from now.
            updateddate=section.updated or latest or datetime.datetime.now(tz=datetime.UTC),
            opds_links=[Link("subsection", section.href, section.kind), *section.links],
        )
    return feed


def acquisition_feed(title: str, request: HttpRequest, page: Page[Any]) -> OpdsFeed:
    """Works on one page, each with its EPUB acquisition link."""
    feed = _feed(title, request, ACQUISITION, page)
    for work in page.object_list:
        # While a moderator has downloads off, works are listed without a link that would only fail.
        links = [Link(ACQUIRE, _url("work", str(work.pk), "epub"), EPUB)] if switches.current().downloads else []
        add_work_item(feed, work, request.user, opds_links=links, dc_language=work.language)
    return feed


def root_sections() -> list[Section]:
    return [
        Section("New works", _url("opds_new"), "The most recently updated works."),
        Section("Fandoms", _url("opds_fandoms"), "Works by fandom.", kind=NAVIGATION),
    ]


def shelves_section() -> Section:
    """The root's entry for a signed-in reader's shelves."""
    return Section("My shelves", _url("opds_shelves"), "Your reading shelves.", kind=NAVIGATION)


def subscriptions_section() -> Section:
    """The root's entry for a signed-in reader's subscriptions."""
    return Section("My subscriptions", _url("opds_subscriptions"), "New works and chapters you subscribed to.")


def subscribed_works(reader: User) -> WorkQuerySet:
    """Works the reader may list that their subscriptions are about, latest posted first: the works they follow
    (a new chapter moves a work up), and the works of the creators and series they follow.

    The inbox app sits above downloads, so its Subscription model is looked up by name, as discovery reaches the
    reading app's shelves. An anonymous work is never found through a creator or a series subscription, whoever
    asks: it would tell the reader whose it is (the inbox never announces it to those subscribers either).
    """
    try:
        subscription = apps.get_model("inbox", "Subscription")
    except LookupError:  # the inbox app is not installed: nobody subscribes
        return Work.objects.none()
    mine = subscription.objects.filter(user=reader)
    followed_creators = mine.filter(creator__isnull=False).values("creator_id")
    followed_series = mine.filter(series__isnull=False).values("series_id")
    by_creator = Exists(Creatorship.objects.filter(work=OuterRef("pk"), pseud__user__in=followed_creators))
    in_series = Exists(SeriesEntry.objects.filter(work=OuterRef("pk"), series__in=followed_series))
    followed = Q(pk__in=mine.filter(work__isnull=False).values("work_id")) | Q(by_creator | in_series, anonymous=False)
    return Work.objects.listed_for(reader).filter(followed).for_blurbs().newest_first()


def shelf_sections(shelves: dict[str, str]) -> list[Section]:
    """A signed-in reader's shelves (fanshelf/reading), each an acquisition feed."""
    return [
        Section(label, _url("opds_shelf", name), f"Works on your “{label}” shelf.") for name, label in shelves.items()
    ]


@dataclass(frozen=True)
class FandomCount:
    tag_id: int
    name: str
    works: int
    updated: datetime.datetime | None = None


def fandom_names(viewer: Viewer) -> dict[int, str]:
    """The canonical fandoms the catalogue may name to `viewer`, by id: banned ones only to moderators."""
    fandoms = Tag.objects.named_to(viewer).filter(type=TagType.FANDOM, canonical=True)
    return dict(fandoms.values_list("pk", "name"))


def fandom_counts(
    names: dict[int, str], counts: Mapping[int, tuple[int, datetime.datetime | None]]
) -> list[FandomCount]:
    """The fandoms with works, by name: `counts` holds each one's listed works and when the latest changed, as
    the discovery index counts them for the reader (synonyms and subfandoms folded in, mutes left out)."""
    fandoms = [FandomCount(pk, names[pk], works, latest) for pk, (works, latest) in counts.items() if pk in names]
    return sorted(fandoms, key=lambda fandom: fandom.name.lower())


def fandom_sections(fandoms: list[FandomCount]) -> list[Section]:
    return [
        Section(
            fandom.name, _url("opds_tag", tag_to_url_part(fandom.name)), f"{fandom.works} works", updated=fandom.updated
        )
        for fandom in fandoms
    ]


def opensearch_description() -> str:
    return render_to_string(
        "downloads/opensearch.xml",
        {"site_name": settings.SITE_NAME, "template": f"{_url('opds_search')}?q={{searchTerms}}", "type": ACQUISITION},
    )
