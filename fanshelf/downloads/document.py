"""What a downloaded work or series contains, gathered once and shared by the EPUB, PDF and HTML builders.

A work's download is cached and shared by every reader of the work, so it never depends on who asked for it: an
anonymous work is credited to "Anonymous" in the text and in the file's metadata, even for its creators. A
series' download holds the works its reader may see, which the caller decides.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.contrib.auth.models import AnonymousUser
from django.utils.safestring import SafeString, mark_safe

from fanshelf.core.numbers import grouped
from fanshelf.core.site_url import absolute_url
from fanshelf.downloads.xhtml import to_xhtml, xml_text
from fanshelf.tags.models import TagType
from fanshelf.works.languages import direction
from fanshelf.works.models import Chapter, Series, Work
from fanshelf.works.reuse import ai_use_label, permissions_line, reserves_ai_training

if TYPE_CHECKING:
    from fanshelf.works.models import Viewer

ANONYMOUS = "Anonymous"
# Title page order and labels, as on a work's page.
TAG_GROUPS = [
    (TagType.RATING, "Rating"),
    (TagType.WARNING, "Archive Warnings"),
    (TagType.CATEGORY, "Categories"),
    (TagType.FANDOM, "Fandoms"),
    (TagType.RELATIONSHIP, "Relationships"),
    (TagType.CHARACTER, "Characters"),
    (TagType.FREEFORM, "Additional Tags"),
]


@dataclass(frozen=True)
class TagGroup:
    label: str
    names: list[str]


@dataclass(frozen=True)
class ChapterSection:
    number: int
    heading: str
    summary: SafeString
    notes: SafeString
    text: SafeString
    end_notes: SafeString

    @property
    def anchor(self) -> str:
        return f"chapter-{self.number}"

    @property
    def file_name(self) -> str:
        return f"chapter-{self.number:04d}.xhtml"


@dataclass(frozen=True)
class SeriesMention:
    """A series the work is part of, and its place there, for reader apps' series metadata."""

    title: str
    part: int


@dataclass(frozen=True)
class WorkDocument:
    """A work as a download shows it. Every HTML field is a well-formed XHTML fragment."""

    work_id: int
    title: str
    creators: list[str]
    language: str
    language_name: str
    tag_groups: list[TagGroup]
    summary: SafeString
    notes: SafeString
    end_notes: SafeString
    stats: list[tuple[str, str]]
    source_url: str
    published: datetime.date | None
    chapters: list[ChapterSection]
    series: list[SeriesMention] = field(default_factory=list)
    # "Podfic: yes · Translation: ask first · ...", the AI-use disclosure, and whether AI training is reserved
    # (works/reuse.py): the title page states them and the EPUB's metadata carries the reservation.
    permissions: str = ""
    ai_use: str = ""
    reserves_ai_training: bool = True

    @property
    def byline(self) -> str:
        return ", ".join(self.creators)

    @property
    def fandoms(self) -> list[str]:
        return next((group.names for group in self.tag_groups if group.label == "Fandoms"), [])

    @property
    def direction(self) -> str:
        return direction(self.language)

    @property
    def subjects(self) -> list[str]:
        return [name for group in self.tag_groups for name in group.names]


@dataclass(frozen=True)
class SeriesDocument:
    """A series as its download shows it: its own title page, then each work as a WorkDocument."""

    series_id: int
    title: str
    creators: list[str]
    summary: SafeString
    notes: SafeString
    complete: bool
    words: str
    source_url: str
    works: list[WorkDocument]

    @property
    def byline(self) -> str:
        return ", ".join(self.creators)

    @property
    def language(self) -> str:
        return self.works[0].language

    @property
    def languages(self) -> list[str]:
        return list(dict.fromkeys(work.language for work in self.works))

    @property
    def direction(self) -> str:
        return self.works[0].direction


def source_url(work: Work | Series) -> str:
    return absolute_url(work.get_absolute_url())


def _stats(work: Work) -> list[tuple[str, str]]:
    stats: list[tuple[str, str]] = []
    if work.published_on:
        stats.append(("Published", work.published_on.isoformat()))
    if work.revised_at and (work.published_on is None or work.revised_at.date() > work.published_on):
        stats.append(("Completed" if work.is_complete else "Updated", work.revised_at.date().isoformat()))
    stats += [
        ("Words", grouped(work.word_count)),
        ("Chapters", work.chapter_display),
        ("Kudos", grouped(work.kudos_count)),
        ("Hits", grouped(work.hit_count)),
    ]
    return stats


def _fragment(markup: str, *, base_url: str, offline: bool) -> SafeString:
    # Safe: the markup passed the archive's sanitizer on save and the rewrite escapes every text and attribute.
    return mark_safe(to_xhtml(markup, base_url=base_url, offline=offline))


def _section(chapter: Chapter, *, base_url: str, offline: bool) -> ChapterSection:
    return ChapterSection(
        number=chapter.position,
        heading=xml_text(chapter.heading),
        summary=_fragment(chapter.summary, base_url=base_url, offline=offline),
        notes=_fragment(chapter.notes, base_url=base_url, offline=offline),
        text=_fragment(chapter.content, base_url=base_url, offline=offline),
        end_notes=_fragment(chapter.end_notes, base_url=base_url, offline=offline),
    )


def credited_names(work: Work, viewer: Viewer) -> list[str]:
    """The creators' pseuds as `viewer` may know them (Work.shows_creators_to decides), as XML-safe text."""
    if not work.shows_creators_to(viewer):
        return [ANONYMOUS]
    return [xml_text(str(pseud)) for pseud in work.creator_pseuds] or [ANONYMOUS]


def series_mentions(work: Work) -> list[SeriesMention]:
    """The series a shared file names the work part of, numbered among the works any logged-in reader sees there.

    None for an anonymous work: its series would tie it to the series' creators.
    """
    if work.anonymous:
        return []
    mentions = []
    listed = Work.objects.listed_for_users().naming_creators_to(AnonymousUser())
    for series in Series.objects.filter(entries__work=work).distinct().order_by("pk"):
        in_order = listed.filter(series_entries__series=series).order_by("series_entries__position")
        ids = list(in_order.values_list("pk", flat=True))
        if work.pk in ids:
            mentions.append(SeriesMention(title=xml_text(series.title), part=ids.index(work.pk) + 1))
    return mentions


def work_document(work: Work, *, offline: bool) -> WorkDocument:
    """Everything a download of `work` shows. `offline` leaves out images and media (EPUB and PDF)."""
    url = source_url(work)
    creators = credited_names(work, AnonymousUser())  # one shared file, so credited as to anyone at all
    groups = [
        TagGroup(label, [xml_text(tag.name) for tag in work.tags_by_type.get(tag_type, [])])
        for tag_type, label in TAG_GROUPS
    ]
    chapters = [_section(chapter, base_url=url, offline=offline) for chapter in work.chapters.posted()]
    return WorkDocument(
        work_id=work.pk,
        title=xml_text(work.title),
        creators=creators,
        language=work.language,
        language_name=work.language_name,
        tag_groups=[group for group in groups if group.names],
        summary=_fragment(work.summary, base_url=url, offline=offline),
        notes=_fragment(work.notes, base_url=url, offline=offline),
        end_notes=_fragment(work.end_notes, base_url=url, offline=offline),
        stats=_stats(work),
        source_url=url,
        published=work.published_on,
        chapters=chapters,
        series=series_mentions(work),
        permissions=permissions_line(work),
        ai_use=ai_use_label(work),
        reserves_ai_training=reserves_ai_training(work),
    )


def series_document(series: Series, works: list[Work], *, offline: bool) -> SeriesDocument:
    """The series with `works`, the ones its reader may see (at least one), each as its own download shows it.

    The series is credited to its creators; where it has none, to the creators the works show.
    """
    url = source_url(series)
    documents = [work_document(work, offline=offline) for work in works]
    creators = [xml_text(str(pseud)) for pseud in series.creators.all()]
    return SeriesDocument(
        series_id=series.pk,
        title=xml_text(series.title),
        creators=creators or list(dict.fromkeys(name for doc in documents for name in doc.creators)),
        summary=_fragment(series.summary, base_url=url, offline=offline),
        notes=_fragment(series.notes, base_url=url, offline=offline),
        complete=series.complete,
        words=grouped(sum(work.word_count for work in works)),
        source_url=url,
        works=documents,
    )
