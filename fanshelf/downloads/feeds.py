"""Atom feeds of works: one per canonical tag, and the work entries the OPDS catalogue shares.

Feeds are fetched by feed readers and aggregators that are nobody in particular, so the per-tag feed always shows
what a guest sees: never a restricted work, and anonymous works with no author.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed, SyndicationFeed
from django.utils.safestring import SafeString, mark_safe
from django.utils.xmlutils import SimplerXMLGenerator

from fanshelf.core.numbers import grouped
from fanshelf.core.site_url import absolute_url
from fanshelf.downloads.document import TAG_GROUPS, TagGroup, credited_names, source_url
from fanshelf.downloads.xhtml import to_xhtml, xml_text
from fanshelf.tags.models import Tag, TagType, tag_to_url_part
from fanshelf.works.models import Work

if TYPE_CHECKING:
    from fanshelf.works.models import Viewer

FEED_SIZE = 25
ATOM = "application/atom+xml"
_CATEGORY_TYPES = (TagType.FANDOM, TagType.RELATIONSHIP, TagType.CHARACTER, TagType.FREEFORM)


@dataclass(frozen=True)
class WorkEntry:
    """A work as a feed entry shows it (HTML fields are escaped, sanitized fragments)."""

    title: str
    url: str
    byline: str
    summary: SafeString
    tag_groups: list[TagGroup]
    language: str
    words: str
    chapters: str


def _entry(work: Work, viewer: Viewer) -> WorkEntry:
    byline = ", ".join(credited_names(work, viewer))
    groups = [
        TagGroup(label, [xml_text(tag.name) for tag in work.tags_by_type.get(tag_type, [])])
        for tag_type, label in TAG_GROUPS
    ]
    url = source_url(work)
    return WorkEntry(
        title=xml_text(work.title),
        url=url,
        byline=byline,
        # Safe: sanitized on save, and the rewrite escapes every text and attribute.
        summary=mark_safe(to_xhtml(work.summary, base_url=url, offline=False)),
        tag_groups=[group for group in groups if group.names],
        language=work.language_name,
        words=grouped(work.word_count),
        chapters=work.chapter_display,
    )


def _start_of(day: datetime.date | None) -> datetime.datetime | None:
    # Feeds compare entry dates with update times, so a day becomes its first instant.
    return datetime.datetime.combine(day, datetime.time(), tzinfo=datetime.UTC) if day else None


def add_work_item(feed: SyndicationFeed, work: Work, viewer: Viewer, **extra: Any) -> None:
    """Add `work` as an entry of `feed` as `viewer` may see it; a work whose creators they may not know gets no
    author (the feed's own author stands in)."""
    entry = _entry(work, viewer)
    feed.add_item(
        title=entry.title,
        link=entry.url,
        description=render_to_string("downloads/feed_entry.html", {"entry": entry}),
        author_name=entry.byline if work.shows_creators_to(viewer) else None,
        pubdate=_start_of(work.published_on),
        # Atom requires every entry to say when it last changed.
        updateddate=work.revised_at or _start_of(work.published_on),
        unique_id=entry.url,
        categories=[xml_text(tag.name) for tag_type in _CATEGORY_TYPES for tag in work.tags_by_type.get(tag_type, [])],
        **extra,
    )


class WorksFeed(Atom1Feed):
    """An Atom feed whose self link says its type, as feed validators and OPDS readers expect."""

    def add_root_elements(self, handler: SimplerXMLGenerator) -> None:
        super().add_root_elements(handler)
        handler.addQuickElement("link", "", {"rel": "self", "href": self.feed["self_url"], "type": ATOM})


def tag_feed(tag: Tag, work_ids: list[int]) -> Atom1Feed:
    """The latest public works in a canonical tag (its synonyms and subtags too), as an Atom feed: `work_ids` are
    the works to show in order, the discovery engine's answer (for a signed-in reader, less what their mutes and
    filters hide), read again with a guest's `listed_for`, so only public works show."""
    feed_url = absolute_url(reverse("downloads:tag_feed", args=[tag_to_url_part(tag.name)]))
    feed = WorksFeed(
        title=xml_text(f"{settings.SITE_NAME}: {tag.name}"),
        link=absolute_url(tag.get_absolute_url()),
        description=xml_text(f"The latest works tagged {tag.name}."),
        self_url=feed_url,
        feed_guid=feed_url,
        author_name=settings.SITE_NAME,
        language="en",
    )
    guest = AnonymousUser()
    found = {work.pk: work for work in Work.objects.filter(pk__in=work_ids).listed_for(guest).for_blurbs()}
    for pk in work_ids[:FEED_SIZE]:
        if pk in found:
            add_work_item(feed, found[pk], guest)
    return feed
