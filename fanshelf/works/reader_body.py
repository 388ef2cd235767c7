"""A reader's work body built in Python: what works/_work_body.html gives a reader who is not one of the work's
creators, for a posted work shown as it is (no preview, no moderator's notice), with no related works and no audio
on the chapters shown. That is most first views of a work (works/page_memo.py renders the body once per version),
and the template took ~0.3 ms of CPU for it, a fifth of a new visitor's page. Other pages use the template;
tests/works/test_reader_body.py holds the two to the same HTML. Every value from a person is escaped
(`blurbs.html_text`); the sanitised texts (summary, notes, chapter text) go in as they are, as the template's
`|safe` puts them.
"""

from __future__ import annotations

from typing import Any

from django.dispatch import Signal

from fanshelf.core.addresses import address
from fanshelf.works import page_parts
from fanshelf.works.blurbs import byline, for_line, html_text
from fanshelf.works.models import Chapter, Work
from fanshelf.works.series import SeriesPlace
from fanshelf.works.templatetags.sharing_tags import chapter_byline_html

# Sent with a work when its body shows download links; the downloads app, which works may not import, answers with
# its formats as (name in the address, label), in menu order.
download_formats_asked = Signal()


def reader_body(context: dict[str, Any]) -> str | None:
    """The body as works/_work_body.html renders it from this context (page_memo's, with its marks), or None when
    the page is not one this builds (the template then renders it)."""
    work: Work = context["work"]
    shown: list[Chapter] = context["shown_chapters"]
    if (
        context["preview"]
        or context["is_creator"]
        or not work.posted
        or work.hidden_by_moderator
        or context["parents"]
        or context["children"]
        or any(chapter.audio_files.all() or not chapter.posted for chapter in shown)
    ):
        return None
    several = len(context["chapters"]) > 1
    viewer = context["request"].user
    text_attributes = f'lang="{html_text(work.language)}" dir="{html_text(work.direction)}"'
    parts = [
        "\n\n\n\n",
        context["sharing_mark"],
        "\n",
        _downloads(work) if context["downloadable"] else "",
        "\n",
        page_parts.information(work, context["series_places"], context["stats_mark"]),
        '\n<article class="work" aria-labelledby="work-title">\n  <div class="preface">\n    <h1 id="work-title" ',
        f'{text_attributes}>{html_text(work.title)}</h1>\n    <p class="byline">by {byline(work, viewer)}</p>\n    ',
        for_line(work, '<p class="gifts">For {}.</p>'),
        "\n    ",
        '<p><span class="restricted">Restricted: registered users only</span></p>' if work.restricted else "",
        "\n  </div>\n  \n  ",
    ]
    if work.summary:
        parts.append(
            '<section class="summary" aria-labelledby="summary-heading"><h2 id="summary-heading">Summary:</h2>'
            f'<blockquote class="userstuff" {text_attributes}>{work.summary}</blockquote></section>'
        )
    parts.append("\n  ")
    if work.notes and not context["previous_chapter"]:
        parts.append(
            '<section class="notes" aria-labelledby="notes-heading"><h2 id="notes-heading">Notes:</h2>'
            f'<div class="userstuff" {text_attributes}>{work.notes}</div></section>'
        )
    parts += ["\n  ", _chapter_nav(context, at_end=False), "\n  "]
    for chapter in shown:
        parts.append(_chapter(context, chapter, several, text_attributes))
    if not shown:
        parts.append("<p>This work has no posted chapters yet.</p>\n  ")
    parts.append("\n  ")
    if work.end_notes and context["is_last"]:
        parts.append(
            '<section class="notes end" aria-labelledby="end-notes-heading"><h2 id="end-notes-heading">End notes:'
            f'</h2><div class="userstuff" {text_attributes}>{work.end_notes}</div></section>'
        )
    parts += ["\n  ", _chapter_nav(context, at_end=True), "\n  "]
    parts += [_series_nav(place) for place in context["series_places"]]
    parts.append("\n  \n</article>\n")
    return "".join(parts)


def _downloads(work: Work) -> str:
    answers: list[tuple[Any, list[tuple[str, str]]]] = download_formats_asked.send(sender=Work, work=work)  # type: ignore[assignment]
    formats = [pair for _, answer in answers for pair in answer]
    links = "".join(
        f'<a href="{html_text(address("downloads:work", work.pk, name))}">{html_text(label)}</a>\n  '
        for name, label in formats
    )
    return f'\n<nav class="actions downloads" aria-label="Download">\n  <span>Download:</span>\n  {links}\n</nav>\n'


def _chapter_nav(context: dict[str, Any], at_end: bool) -> str:
    """works/chapter_nav.html: shown above and below the text of a work of several chapters."""
    chapters: list[Chapter] = context["chapters"]
    if len(chapters) <= 1:
        return "\n"
    work_id = context["work"].pk
    previous, chapter, following = context["previous_chapter"], context["chapter"], context["next_chapter"]
    label = "Chapters (end of page)" if at_end else "Chapters"
    links = [f'\n\n<nav class="chapter-nav" aria-label="{label}">\n  ']
    if previous:
        links.append(f'<a rel="prev" href="{address("works:chapter", work_id, previous.pk)}">← Previous chapter</a>')
    links.append("\n  ")
    if chapter:
        links.append(f'<a href="{address("works:entire", work_id)}">Entire work</a>')
    else:
        links.append(f'<a href="{address("works:chapter", work_id, chapters[0].pk)}">Chapter by chapter</a>')
    links.append("\n  ")
    if following:
        links.append(f'<a rel="next" href="{address("works:chapter", work_id, following.pk)}">Next chapter →</a>')
    index = "".join(
        f'<li><a href="{address("works:chapter", work_id, each.pk)}">{html_text(each.heading)}</a></li>'
        for each in chapters
    )
    links.append(f"\n  <details><summary>Chapter index</summary><ol>{index}</ol></details>\n</nav>\n\n")
    return "".join(links)


def _chapter(context: dict[str, Any], chapter: Chapter, several: bool, text_attributes: str) -> str:
    work, viewer = context["work"], context["request"].user
    pk, position = chapter.pk, chapter.position
    parts = [
        f'\n  <section class="chapter" id="chapter-{position}" aria-labelledby="chapter-{pk}-heading">\n    ',
    ]
    if several:
        title = f": <bdi>{html_text(chapter.title)}</bdi>" if chapter.title else ""
        parts.append(
            f'<h2 id="chapter-{pk}-heading" class="chapter-heading"><a href="{address("works:chapter", work.pk, pk)}">'
            f"Chapter {position}{title}</a></h2>\n    {chapter_byline_html(work, chapter, viewer)}\n    "
        )
    else:
        parts.append(f'<h2 id="chapter-{pk}-heading" class="visually-hidden">Work text</h2>')
    parts.append("\n    ")
    if chapter.summary:
        parts.append(
            '<div class="notes"><h3>Chapter summary:</h3>'
            f'<div class="userstuff" {text_attributes}>{chapter.summary}</div></div>'
        )
    parts.append("\n    ")
    if chapter.notes:
        parts.append(
            '<div class="notes"><h3>Chapter notes:</h3>'
            f'<div class="userstuff" {text_attributes}>{chapter.notes}</div></div>'
        )
    parts.append(f'\n    \n\n    <div class="userstuff chapter-text" {text_attributes}>{chapter.content}</div>\n    ')
    if chapter.end_notes:
        parts.append(
            '<div class="notes"><h3>Chapter end notes:</h3>'
            f'<div class="userstuff" {text_attributes}>{chapter.end_notes}</div></div>'
        )
    parts.append("\n    \n    ")
    if several:
        url = address("moderation:report", "chapter", pk)
        parts.append(f'<p class="report-link"><a href="{url}">Report {html_text(chapter.heading)}</a></p>')
    parts.append("\n  </section>\n  ")
    return "".join(parts)


def _series_nav(place: SeriesPlace) -> str:
    if not (place.previous or place.next):
        return ""
    title = html_text(place.series.title)
    parts = [f'<nav class="series-nav chapter-nav" aria-label="Series {title}">\n    ']
    if place.previous:
        parts.append(
            f'<a rel="prev" href="{html_text(place.previous.get_absolute_url())}">← Previous work: '
            f"<bdi>{html_text(place.previous.title)}</bdi></a>"
        )
    parts.append(
        f'\n    <span>Part {place.part} of <a href="{html_text(place.series.get_absolute_url())}" dir="auto">'
        f"{title}</a></span>\n    "
    )
    if place.next:
        parts.append(
            f'<a rel="next" href="{html_text(place.next.get_absolute_url())}">Next work: '
            f"<bdi>{html_text(place.next.title)}</bdi> →</a>"
        )
    parts.append("\n  </nav>")
    return "".join(parts)
