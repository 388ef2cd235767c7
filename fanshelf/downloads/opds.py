"""An OPDS 1.2 catalogue for e-reader apps (KOReader, Thorium, ...): navigation and acquisition feeds.

The catalogue shows what the requesting reader may see: guests get public works, readers who authenticate
(HTTP Basic over their archive account, see auth.py) also get restricted works. Each work entry links to its
EPUB download, which applies the same permission check as the work's page.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.paginator import Page
from django.db.models import Q
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.xmlutils import SimplerXMLGenerator

from fanshelf.downloads.feeds import absolute, add_work_item
from fanshelf.downloads.xhtml import xml_text
from fanshelf.tags.graph import filter_ids_by_tag
from fanshelf.tags.models import Tag, TagType, tag_to_url_part
from fanshelf.works.models import Work, WorkQuerySet

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
    """A navigation entry: a feed one level down."""

    title: str
    href: str
    summary: str
    kind: str = ACQUISITION
    links: list[Link] = field(default_factory=list)


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
    return absolute(reverse(f"downloads:{name}", args=args))


def _page_url(request: HttpRequest, number: int) -> str:
    query = request.GET.copy()
    query["page"] = str(number)
    return absolute(f"{request.path}?{query.urlencode()}")


def _feed(title: str, request: HttpRequest, kind: str, page: Page[Any] | None = None) -> OpdsFeed:
    self_url = absolute(request.get_full_path())
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
    title: str, request: HttpRequest, sections: list[Section], page: Page[Any] | None = None
) -> OpdsFeed:
    feed = _feed(title, request, NAVIGATION, page)
    for section in sections:
        feed.add_item(
            title=xml_text(section.title),
            link=section.href,
            description=xml_text(section.summary),
            unique_id=section.href,
            opds_links=[Link("subsection", section.href, section.kind), *section.links],
        )
    return feed


def acquisition_feed(title: str, request: HttpRequest, page: Page[Any]) -> OpdsFeed:
    """Works on one page, each with its EPUB acquisition link."""
    feed = _feed(title, request, ACQUISITION, page)
    for work in page.object_list:
        epub_url = _url("work", str(work.pk), "epub")
        add_work_item(feed, work, request.user, opds_links=[Link(ACQUIRE, epub_url, EPUB)], dc_language=work.language)
    return feed


def root_sections() -> list[Section]:
    return [
        Section("New works", _url("opds_new"), "The most recently updated works."),
        Section("Fandoms", _url("opds_fandoms"), "Works by fandom.", kind=NAVIGATION),
    ]


@dataclass(frozen=True)
class FandomCount:
    tag_id: int
    name: str
    works: int


def fandom_counts(works: WorkQuerySet) -> list[FandomCount]:
    """Canonical fandoms with how many of these works each one's listing holds (the work carries the fandom, a
    synonym, a subfandom or a subfandom's synonym: tags.graph's closure, as the listing's index), by name."""
    rows = list(
        Work.tags.through.objects.filter(work__in=works, tag__type=TagType.FANDOM).values_list("work_id", "tag_id")
    )
    filed = filter_ids_by_tag(only={tag_id for _, tag_id in rows})
    works_per_fandom: dict[int, set[int]] = {}
    for work_id, tag_id in rows:
        for fandom_id in filed.get(tag_id, ()):
            works_per_fandom.setdefault(fandom_id, set()).add(work_id)
    names = dict(Tag.objects.filter(pk__in=works_per_fandom).values_list("pk", "name"))
    counts = [FandomCount(pk, names[pk], len(work_ids)) for pk, work_ids in works_per_fandom.items() if pk in names]
    return sorted(counts, key=lambda fandom: fandom.name.lower())


def fandom_sections(fandoms: list[FandomCount]) -> list[Section]:
    return [
        Section(fandom.name, _url("opds_tag", tag_to_url_part(fandom.name)), f"{fandom.works} works")
        for fandom in fandoms
    ]


def search_works(works: WorkQuerySet, query: str) -> WorkQuerySet:
    """A plain title and summary match: enough for an e-reader's search box."""
    words = query.split()[:8]
    for word in words:
        works = works.filter(Q(title__icontains=word) | Q(summary__icontains=word))
    return works.for_blurbs().newest_first() if words else works.none()


def opensearch_description() -> str:
    return render_to_string(
        "downloads/opensearch.xml",
        {"site_name": settings.SITE_NAME, "template": f"{_url('opds_search')}?q={{searchTerms}}", "type": ACQUISITION},
    )
