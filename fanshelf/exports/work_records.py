"""The person's works in an export: one works.json record each, plus an EPUB, an HTML file and any podfic audio.

Every work credited to one of the person's pseuds is theirs, drafts, hidden, anonymous and unrevealed ones too
(`WorkQuerySet.by_pseuds` with the person as viewer). The files come from the archive's own download builders
(fanshelf/downloads): a posted, listed work whose chapters are all posted is the very file readers download,
taken from the download cache (built and kept there if missing), so a second export costs little. Anything else
(a draft, a hidden or unrevealed work, a work with draft chapters) is built for this export alone, with every
chapter, drafts marked, and is never stored: a draft must not sit among the shared downloads.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from dataclasses import dataclass

from django.core.files.storage import default_storage
from django.db.models import Prefetch
from django.utils.safestring import SafeString, mark_safe

from fanshelf.accounts.models import Pseud, User
from fanshelf.audio.models import AudioFile
from fanshelf.core.site_url import absolute_url
from fanshelf.downloads.builders.epub import build_epub
from fanshelf.downloads.builders.html import build_html
from fanshelf.downloads.cache import build_download
from fanshelf.downloads.document import ChapterSection, source_url, work_document
from fanshelf.downloads.filenames import fallback_stem, safe_file_stem
from fanshelf.downloads.xhtml import to_xhtml, xml_text
from fanshelf.exports.references import CHUNK, Record, creator_names, when
from fanshelf.tags.models import TagType
from fanshelf.works.models import Chapter, Work, WorkQuerySet

WORKS_FOLDER = "works"
TAG_FIELDS = {
    TagType.RATING: "rating",
    TagType.WARNING: "archive_warnings",
    TagType.CATEGORY: "categories",
    TagType.FANDOM: "fandoms",
    TagType.RELATIONSHIP: "relationships",
    TagType.CHARACTER: "characters",
    TagType.FREEFORM: "additional_tags",
}


@dataclass(frozen=True)
class WorkFile:
    """One file of the export under works/: its name in the zip and how to get its bytes."""

    name: str
    compressed: bool  # already compressed (EPUB, audio): stored as it is, not deflated again
    stored_name: str = ""  # on the default storage, read from there in pieces
    content: bytes = b""  # built for this export


def own_works_query(user: User) -> WorkQuerySet:
    """Every work credited to the person: drafts, hidden and anonymous ones too (they made them)."""
    return Work.objects.by_pseuds(Pseud.objects.filter(user=user), user)


def own_work_ids(user: User) -> list[int]:
    return list(own_works_query(user).order_by("pk").values_list("pk", flat=True))


def _with_chapters(user: User, ids: list[int], *, texts: bool) -> list[Work]:
    """These works with tags, creators and chapters; without the chapters' texts unless `texts`, so a chunk of a
    long account's works.json holds no story text in memory."""
    chapters = Chapter.objects.order_by("position").prefetch_related("creators__user")
    if not texts:
        chapters = chapters.defer("content", "summary", "notes", "end_notes")
    works = own_works_query(user).filter(pk__in=ids).for_blurbs()
    works = works.prefetch_related(Prefetch("chapters", queryset=chapters))
    return list(works.order_by("pk"))


def own_works(user: User) -> Iterator[Work]:
    """The person's works for works.json, CHUNK at a time."""
    ids = own_work_ids(user)
    for start in range(0, len(ids), CHUNK):
        yield from _with_chapters(user, ids[start : start + CHUNK], texts=False)


def own_works_with_texts(user: User) -> Iterator[Work]:
    """The person's works one at a time with every chapter's text, for their files."""
    for pk in own_work_ids(user):
        yield from _with_chapters(user, [pk], texts=True)


def folder(work: Work) -> str:
    return f"{WORKS_FOLDER}/{work.pk}-{safe_file_stem(work.title, fallback_stem(work.pk))}"


def _audio_files(work: Work) -> list[AudioFile]:
    """The podfic files of every chapter that are on the storage (a file lost from it is left out)."""
    files = AudioFile.objects.filter(chapter__work=work).select_related("chapter").order_by("chapter__position", "pk")
    return [audio for audio in files if audio.file.name and default_storage.exists(audio.file.name)]


def _audio_name(work: Work, audio: AudioFile, number: int) -> str:
    extension = str(audio.file.name).rsplit(".", 1)[-1]
    return f"{folder(work)}/audio/chapter-{audio.chapter.position:04d}-{number}.{extension}"


def work_record(work: Work, user: User) -> Record:
    chapters: list[Chapter] = list(work.chapters.all())
    audio = _audio_files(work)
    stem = safe_file_stem(work.title, fallback_stem(work.pk))
    return {
        "id": work.pk,
        "url": absolute_url(work.get_absolute_url()),
        "title": work.title,
        "creators": creator_names(work, user),
        "your_pseuds": [pseud.name for pseud in work.creator_pseuds if pseud.user_id == user.pk],
        "summary": work.summary,
        "notes": work.notes,
        "end_notes": work.end_notes,
        "language": work.language,
        **{field: [tag.name for tag in work.tags_by_type.get(kind, [])] for kind, field in TAG_FIELDS.items()},
        "posted": work.posted,
        "restricted": work.restricted,
        "anonymous": work.anonymous,
        "unrevealed": work.unrevealed,
        "hidden_by_moderator": work.hidden_by_moderator,
        "published": when(work.published_on),
        "updated": when(work.revised_at),
        "created": when(work.created_at),
        "chapters_posted": work.posted_chapter_count,
        "chapters_expected": work.expected_chapters,
        "words": work.word_count,
        "kudos": work.kudos_count,
        "hits": work.hit_count,
        "comments": work.comment_count,
        "bookmarks": work.bookmark_count,
        "comment_permission": work.comment_permission,
        "moderate_comments": work.moderate_comments,
        "reuse": {
            "podfic": work.reuse_podfic,
            "translation": work.reuse_translation,
            "remix": work.reuse_remix,
            "ai_training": work.reuse_ai_training,
        },
        "ai_disclosure": work.ai_disclosure,
        "chapters": [
            {
                "position": chapter.position,
                "title": chapter.title,
                "posted": chapter.posted,
                "published": when(chapter.published_on),
                "words": chapter.word_count,
                "creators": [str(pseud) for pseud in chapter.creators.all()],
            }
            for chapter in chapters
        ],
        "files": {
            "epub": f"{folder(work)}/{stem}.epub",
            "html": f"{folder(work)}/{stem}.html",
            "audio": [_audio_name(work, one, number) for number, one in enumerate(audio, start=1)],
        },
    }


def _shared_download_fits(work: Work) -> bool:
    """Whether readers' download of the work is the whole work: posted, listed, and no chapter a draft."""
    listed = work.posted and not work.hidden_by_moderator and not work.unrevealed
    return listed and all(chapter.posted for chapter in work.chapters.all())


def _fragment(markup: str, base_url: str, *, offline: bool) -> SafeString:
    # Safe: the markup passed the archive's sanitizer on save, and to_xhtml escapes every text and attribute.
    return mark_safe(to_xhtml(markup, base_url=base_url, offline=offline))


def _section(chapter: Chapter, base_url: str, *, offline: bool) -> ChapterSection:
    heading = chapter.heading if chapter.posted else f"{chapter.heading} (draft)"
    return ChapterSection(
        number=chapter.position,
        heading=xml_text(heading),
        summary=_fragment(chapter.summary, base_url, offline=offline),
        notes=_fragment(chapter.notes, base_url, offline=offline),
        text=_fragment(chapter.content, base_url, offline=offline),
        end_notes=_fragment(chapter.end_notes, base_url, offline=offline),
    )


def _whole_work(work: Work, *, offline: bool) -> bytes:
    """The work with every chapter, drafts included, built by the download builders and kept nowhere."""
    document = work_document(work, offline=offline)
    url = source_url(work)
    everything = [_section(chapter, url, offline=offline) for chapter in work.chapters.all()]
    document = dataclasses.replace(document, chapters=everything)
    return build_epub(document) if offline else build_html(document)


def work_files(work: Work) -> Iterator[WorkFile]:
    """The work's EPUB and HTML files, then its podfic audio, in the names work_record gives them."""
    stem = safe_file_stem(work.title, fallback_stem(work.pk))
    epub_name, html_name = f"{folder(work)}/{stem}.epub", f"{folder(work)}/{stem}.html"
    if _shared_download_fits(work):
        yield WorkFile(epub_name, compressed=True, stored_name=build_download(work, "epub"))
        yield WorkFile(html_name, compressed=False, stored_name=build_download(work, "html"))
    else:
        yield WorkFile(epub_name, compressed=True, content=_whole_work(work, offline=True))
        yield WorkFile(html_name, compressed=False, content=_whole_work(work, offline=False))
    for number, audio in enumerate(_audio_files(work), start=1):
        yield WorkFile(_audio_name(work, audio, number), compressed=True, stored_name=str(audio.file.name))
