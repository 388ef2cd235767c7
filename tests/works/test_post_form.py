"""The post form and chapter management as a creator meets them (issue 9, "Forms and words": the post form)."""

from __future__ import annotations

import re
from pathlib import Path

from bs4 import Tag
from django.test import Client
from django.urls import reverse

from fanshelf.accounts.models import User
from fanshelf.works.actions import ChapterFields, add_chapter
from fanshelf.works.models import Work
from tests.core.pages import parse, text_of, work_form_data
from tests.factories import make_work

STYLESHEET = Path(__file__).resolve().parents[2] / "fanshelf" / "static" / "fanshelf" / "site.css"


def css_rules(selector_part: str) -> list[str]:
    """The declarations of every stylesheet rule whose selector names `selector_part`."""
    css = re.sub(r"/\*.*?\*/", "", STYLESHEET.read_text(encoding="utf-8"), flags=re.S)
    return [body for selector, body in re.findall(r"([^{}]+)\{([^{}]*)\}", css) if selector_part in selector]


def element(found: object) -> Tag:
    """A search result that must be an element; fails the test otherwise."""
    assert isinstance(found, Tag), found
    return found


def test_single_checkboxes_sit_on_one_line_with_their_labels(author_client: Client) -> None:
    page = parse(author_client.get(reverse("works:new")).content.decode())
    for name in ("restricted", "anonymous"):
        box = element(page.find("input", attrs={"name": name, "type": "checkbox"}))
        label = element(box.find_next_sibling("label"))
        assert "inline-label" in (label.get("class") or [])
        assert label["for"] == box["id"]
    # Labels are blocks everywhere else on the site; these must be inline to stay beside their box.
    assert any(re.search(r"display:\s*inline\s*(;|$)", rule.strip()) for rule in css_rules(".inline-label"))


def test_archive_warnings_are_marked_required_like_the_other_required_fields(author_client: Client) -> None:
    page = parse(author_client.get(reverse("works:new")).content.decode())
    assert "*" in element(page.find("label", attrs={"for": "id_title"})).get_text()

    def legend(name: str) -> str:
        fieldset = element(element(page.find("input", attrs={"name": name})).find_parent("fieldset"))
        return element(fieldset.legend).get_text()

    assert "(required)" in legend("warnings")
    assert "*" in legend("warnings")
    assert "(required)" in legend("pseuds")
    assert "*" not in legend("categories")


def test_a_refused_post_lists_each_error_once_at_the_top_linking_to_its_field(
    author: User, author_client: Client
) -> None:
    data = work_form_data(author, title="", warnings=[])
    response = author_client.post(reverse("works:new"), data)
    assert response.status_code == 200
    markup = response.content.decode()
    page = parse(markup)

    summary = page.select_one("[role=alert]")
    assert summary is not None
    assert markup.index('role="alert"') < markup.index('<form method="post" novalidate')  # at the top, before the form
    links = {a["href"]: a.get_text() for a in summary.select("a[href^='#']")}
    assert links == {"#id_title": "Title", "#id_warnings": "Archive warnings"}
    for target in links:
        assert page.find(id=target[1:]) is not None, target
    # Each field shows its own message once, beside it; the summary is the only other place it appears.
    for field in ("title", "warnings"):
        errors = page.select(f"#id_{field}_error li")
        assert [e.get_text() for e in errors] == ["This field is required."]
    assert text_of(markup).count("This field is required.") == 4
    assert not Work.objects.exists()


def test_an_error_found_after_the_form_checks_is_summarised_too(author: User, author_client: Client) -> None:
    response = author_client.post(reverse("works:new"), work_form_data(author, content="Too short"))
    page = parse(response.content.decode())
    summary = page.select_one("[role=alert]")
    assert summary is not None
    assert "Chapter text: Chapter text must be at least 10 characters long." in " ".join(summary.get_text().split())
    assert summary.select_one("a[href='#id_content']") is not None
    assert len(page.select("#id_content_error li")) == 1


def test_a_drafts_creator_sees_how_many_words_it_has(author: User, author_client: Client) -> None:
    text = "Nine words in this draft, counted before it is posted."
    author_client.post(reverse("works:new"), work_form_data(author, title="Unposted", content=text, intent="draft"))
    work = Work.objects.get(title="Unposted")
    add_chapter(work, ChapterFields(content="And three more."), post=False)

    page_stats = parse(author_client.get(work.get_absolute_url()).content.decode()).select_one("dl.stats")
    assert page_stats is not None
    assert "Words: 13" in text_of(str(page_stats))
    drafts = text_of(author_client.get(reverse("works:drafts")).content.decode())
    assert "Words: 13" in drafts


def test_posting_a_draft_chapter_says_it_was_posted(author: User, author_client: Client) -> None:
    work = make_work(author, expected_chapters=None)
    chapter = add_chapter(work, ChapterFields(content="The second chapter, kept back a while."), post=False)

    response = author_client.post(reverse("works:chapter_post", args=[work.pk, chapter.pk]), follow=True)

    messages = [m.get_text() for m in parse(response.content.decode()).select(".messages .message")]
    assert messages == ["Chapter 2 was successfully posted."]


def test_manage_chapters_refuses_two_chapters_at_one_position(author: User, author_client: Client) -> None:
    work = make_work(author, chapters=["First chapter text here.", "Second chapter text.", "Third chapter text."])
    first, second, third = work.chapters.all()
    url = reverse("works:chapters_manage", args=[work.pk])

    response = author_client.post(
        url, {f"position_{first.pk}": "2", f"position_{second.pk}": "2", f"position_{third.pk}": "1"}
    )

    assert response.status_code == 200
    summary = parse(response.content.decode()).select_one("[role=alert]")
    assert summary is not None
    assert "Position 2 is given to more than one chapter (Chapter 1; Chapter 2)" in text_of(str(summary))
    assert [c.pk for c in work.chapters.order_by("position")] == [first.pk, second.pk, third.pk]

    author_client.post(url, {f"position_{first.pk}": "2", f"position_{second.pk}": "3", f"position_{third.pk}": "1"})
    assert [c.pk for c in work.chapters.order_by("position")] == [third.pk, first.pk, second.pk]
