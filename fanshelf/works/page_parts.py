"""The work page's information list and stats, built in Python as its blurb is (works/blurbs.py).

Every work page shows the stats, a memoised guest body included (works/page_memo.py renders them into it for each
request), and every first view shows the list: tags by type, language, permissions and series. Django's templates
took about 1.3 ms of CPU for the two, a sixth of a new visitor's page. Every value from a person is escaped
(`blurbs.html_text`); only this module's own markup goes in as it is.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from django.urls import get_script_prefix, reverse
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from fanshelf.core.durations import duration
from fanshelf.core.numbers import grouped
from fanshelf.tags.models import TagType
from fanshelf.works.blurbs import html_text as _text
from fanshelf.works.blurbs import tag_link
from fanshelf.works.models import Work
from fanshelf.works.reuse import ai_use_label, permissions_line
from fanshelf.works.series import SeriesPlace

# The information list's tag rows, in AO3's order, with whether a row shows when the work has no such tag.
_TAG_ROWS = (
    (TagType.RATING, "Rating", True),
    (TagType.WARNING, "Archive Warnings", True),
    (TagType.CATEGORY, "Categories", False),
    (TagType.FANDOM, "Fandoms", True),
    (TagType.RELATIONSHIP, "Relationships", False),
    (TagType.CHARACTER, "Characters", False),
    (TagType.FREEFORM, "Additional Tags", False),
)


def _day(value: date | datetime) -> str:
    """ "2026-12-03", a time on the reader's own calendar."""
    if isinstance(value, datetime):
        value = (timezone.localtime(value) if timezone.is_aware(value) else value).date()
    return value.isoformat()  # Django's formatter gave the same at ~50 µs a date


def stats(work: Work) -> SafeString:
    """The "Stats" entry: dates, words, chapters, audio, and the counts (a count of none is left out, as AO3 does,
    except kudos and hits)."""
    rows = []
    if work.published_on:
        rows.append(f"<dt>Published:</dt><dd>{_day(work.published_on)}</dd>")
    if work.revised_at and work.posted_chapter_count > 1:
        rows.append(f"<dt>{'Completed' if work.is_complete else 'Updated'}:</dt><dd>{_day(work.revised_at)}</dd>")
    rows.append(f"<dt>Words:</dt><dd>{_text(grouped(work.word_count))}</dd>")
    rows.append(f"<dt>Chapters:</dt><dd>{_text(work.chapter_display)}</dd>")
    if work.audio_seconds:
        rows.append(f'<dt>Audio:</dt><dd class="audio-total">{_text(duration(work.audio_seconds))}</dd>')
    if work.comment_count:
        count = _text(grouped(work.comment_count))
        rows.append(f'<dt>Comments:</dt><dd class="comment-count"><a href="#comments">{count}</a></dd>')
    rows.append(f'<dt>Kudos:</dt><dd class="kudos-count">{_text(grouped(work.kudos_count))}</dd>')
    rows.append(f'<dt>Hits:</dt><dd class="hit-count">{_text(grouped(work.hit_count))}</dd>')
    if work.bookmark_count:
        url = _text(reverse("bookmarks:work", args=[work.pk]))
        count = _text(grouped(work.bookmark_count))
        rows.append(f'<dt>Bookmarks:</dt><dd class="bookmark-count"><a href="{url}">{count}</a></dd>')
    return mark_safe(f'<dt>Stats:</dt>\n<dd><dl class="stats">{"".join(rows)}</dl></dd>')  # escaped parts


def information(work: Work, series_places: Sequence[SeriesPlace], stats_html: str) -> SafeString:
    """The work's information list, with `stats_html` as its last entry: the stats, or the memo's mark where they
    go (works/page_memo.py)."""
    prefix = get_script_prefix()
    tags = work.tags_by_type
    rows = []
    for tag_type, label, always in _TAG_ROWS:
        shown = tags.get(tag_type, [])
        if shown or always:
            links = ("" if tag_type == TagType.RATING else ", ").join(tag_link(prefix, tag.name) for tag in shown)
            rows.append(f"<dt>{label}:</dt><dd>{links}</dd>")
    rows.append(f'<dt>Language:</dt><dd lang="{_text(work.language)}">{_text(work.language_name)}</dd>')
    rows.append(f'<dt>Permissions:</dt><dd class="permissions">{_text(permissions_line(work))}</dd>')
    rows.append(f'<dt>AI use:</dt><dd class="ai-use">{_text(ai_use_label(work))}</dd>')
    if series_places:
        parts = "; ".join(
            f'<span class="series-place">Part {place.part} of <a href="{_text(place.series.get_absolute_url())}"'
            f' dir="auto">{_text(place.series.title)}</a></span>'
            for place in series_places
        )
        rows.append(f"<dt>Series:</dt><dd>{parts}</dd>")
    rows.append(stats_html)
    body = "\n".join(rows)
    html = f'<section class="work-meta" aria-label="Work information">\n<dl class="meta">\n{body}\n</dl>\n</section>'
    return mark_safe(html)  # escaped parts and this module's markup
