"""Posting and editing works through the real pages, as a creator does it (issue 2, "Post a work")."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from fanshelf.accounts.actions import PseudFields, create_pseud
from fanshelf.accounts.models import User
from fanshelf.works.models import Chapter, Work
from tests.core.pages import chapter_form_data, field_value, parse, text_of, work_form_data
from tests.factories import make_work


def page_text(client: Client, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, path
    return text_of(response.content.decode())


def post_new_work(client: Client, data: dict[str, object]) -> Work:
    response = client.post(reverse("works:new"), data)
    assert response.status_code == 302, text_of(response.content.decode())[:3000]
    return Work.objects.latest("pk")


def test_a_work_posted_with_every_field_shows_all_of_it(author: User, author_client: Client, client: Client) -> None:
    second_pseud = create_pseud(author, PseudFields(name="Lantern Scribe"))
    data = work_form_data(
        author,
        title="Nine Bells at Low Tide",
        pseuds=[author.default_pseud().pk, second_pseud.pk],
        rating="Teen And Up Audiences",
        warnings=["Graphic Depictions Of Violence", "Major Character Death"],
        categories=["F/F", "Gen"],
        fandoms="Harbour Lights (Web Series), Saltmarsh Tales",
        relationships="Ada Quay/Mira Dunlin, Ada Quay & Tobias Reed",
        characters="Ada Quay, Mira Dunlin, Tobias Reed",
        freeforms="Found Family, Slow Burn, Lighthouses",
        summary="Ada counts the bells; <em>one</em> is missing.",
        notes="Written for a friend who loves the sea.",
        end_notes="Thank you for reading!",
        language="fr",
        expected_chapters="3",
        content="<p>The <strong>first</strong> bell rang at dusk.</p><p>The second never rang at all.</p>",
    )
    work = post_new_work(author_client, data)

    assert work.posted
    assert work.title == "Nine Bells at Low Tide"
    assert {p.name for p in work.creator_pseuds} == {"Quillfeather", "Lantern Scribe"}
    assert work.language == "fr"
    assert work.chapter_display == "1/3"
    assert work.word_count == 12
    names = {tag_type: [t.name for t in tags] for tag_type, tags in work.tags_by_type.items()}
    assert names == {
        "rating": ["Teen And Up Audiences"],
        "warning": ["Graphic Depictions Of Violence", "Major Character Death"],
        "category": ["F/F", "Gen"],
        "fandom": ["Harbour Lights (Web Series)", "Saltmarsh Tales"],
        "relationship": ["Ada Quay/Mira Dunlin", "Ada Quay & Tobias Reed"],  # as typed, not sorted
        "character": ["Ada Quay", "Mira Dunlin", "Tobias Reed"],
        "freeform": ["Found Family", "Slow Burn", "Lighthouses"],
    }

    shown = page_text(client, work.get_absolute_url())
    for expected in (
        "Nine Bells at Low Tide",
        "Quillfeather",
        "Lantern Scribe",
        "Teen And Up Audiences",
        "Major Character Death",
        "F/F",
        "Saltmarsh Tales",
        "Ada Quay/Mira Dunlin",
        "Tobias Reed",
        "Slow Burn",
        "Ada counts the bells; one is missing.",
        "Written for a friend who loves the sea.",
        "Thank you for reading!",
        "Français",
        "The first bell rang at dusk.",
        "Chapters: 1/3",
    ):
        assert expected in shown, expected
    assert parse(client.get(work.get_absolute_url()).content.decode()).select_one(".chapter-text strong")


def test_plain_text_chapter_text_is_shown_as_paragraphs(author: User, author_client: Client, client: Client) -> None:
    typed = "Ada woke before the bells.\n\nThe harbour was still dark.\nSomewhere a gull complained."
    work = post_new_work(author_client, work_form_data(author, content=typed))
    page = parse(client.get(work.get_absolute_url()).content.decode())
    assert [p.get_text() for p in page.select(".chapter-text p")] == [
        "Ada woke before the bells.",
        "The harbour was still dark.",
        "Somewhere a gull complained.",
    ]


def test_preview_saves_a_draft_and_offers_to_post_it(
    author: User, author_client: Client, reader_client: Client
) -> None:
    response = author_client.post(reverse("works:new"), work_form_data(author, intent="preview"))
    work = Work.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("works:preview", args=[work.pk])
    assert not work.posted

    preview = author_client.get(response["Location"])
    assert preview.status_code == 200
    assert "Preview: this is how your work will look" in text_of(preview.content.decode())
    post_form = parse(preview.content.decode()).find("form", action=reverse("works:post", args=[work.pk]))
    assert post_form is not None
    assert "Post" in post_form.get_text()
    assert reader_client.get(reverse("works:preview", args=[work.pk])).status_code == 404

    author_client.post(reverse("works:post", args=[work.pk]))
    work.refresh_from_db()
    assert work.posted
    assert work.published_on == timezone.localdate()


def test_a_saved_draft_is_visible_to_its_creator_only_until_posted(
    author: User, author_client: Client, reader_client: Client, client: Client
) -> None:
    work = post_new_work(author_client, work_form_data(author, title="Tidewater Draft", intent="draft"))
    assert not work.posted
    assert work.published_on is None
    assert "Tidewater Draft" in page_text(author_client, work.get_absolute_url())
    assert "Tidewater Draft" in page_text(author_client, reverse("works:drafts"))
    assert reader_client.get(work.get_absolute_url()).status_code == 404
    for listing in (reverse("home"), reverse("discovery:works")):
        assert "Tidewater Draft" not in page_text(author_client, listing)
        assert "Tidewater Draft" not in page_text(client, listing)

    author_client.post(reverse("works:post", args=[work.pk]))
    assert "Tidewater Draft" in page_text(client, reverse("discovery:works"))
    assert "Tidewater Draft" not in page_text(author_client, reverse("works:drafts"))


def test_editing_a_work_changes_what_readers_see(author: User, author_client: Client, client: Client) -> None:
    work = post_new_work(author_client, work_form_data(author))
    edit_page = author_client.get(reverse("works:edit", args=[work.pk]))
    assert 'value="The Ferry at Dawn"' in edit_page.content.decode()

    response = author_client.post(
        reverse("works:edit", args=[work.pk]),
        work_form_data(
            author,
            intent="save",
            title="The Ferry at Dusk",
            summary="Now at dusk.",
            freeforms="Evening",
            rating="Mature",
        ),
    )
    assert response.status_code == 302
    work.refresh_from_db()
    assert work.title == "The Ferry at Dusk"
    assert work.rating is not None
    assert work.rating.name == "Mature"
    shown = page_text(author_client, work.get_absolute_url())
    assert "The Ferry at Dusk" in shown
    assert "Now at dusk." in shown
    assert "Evening" in shown
    assert "The Ferry at Dusk" in page_text(client, reverse("discovery:works"))


def test_chapters_can_be_added_edited_reordered_and_deleted(
    author: User, author_client: Client, client: Client
) -> None:
    work = post_new_work(author_client, work_form_data(author, expected_chapters="?", content="Opening chapter text."))
    for title, text in (("Second", "Second chapter text."), ("Third", "Third chapter text.")):
        response = author_client.post(
            reverse("works:chapter_new", args=[work.pk]), chapter_form_data(chapter_title=title, content=text)
        )
        assert response.status_code == 302
    first, second, third = work.chapters.order_by("position")
    assert [c.title for c in (first, second, third)] == ["", "Second", "Third"]
    assert all(c.posted for c in (first, second, third))

    author_client.post(
        reverse("works:chapter_edit", args=[work.pk, second.pk]),
        chapter_form_data(chapter_title="Second, revised", content="Second chapter, now longer."),
    )
    second.refresh_from_db()
    assert second.title == "Second, revised"
    assert "now longer" in text_of(second.content)

    manage = author_client.get(reverse("works:chapters_manage", args=[work.pk]))
    assert f'name="position_{third.pk}"' in manage.content.decode()
    author_client.post(
        reverse("works:chapters_manage", args=[work.pk]),
        {f"position_{first.pk}": "2", f"position_{second.pk}": "3", f"position_{third.pk}": "1"},
    )
    assert list(work.chapters.order_by("position").values_list("pk", flat=True)) == [third.pk, first.pk, second.pk]
    entire = page_text(client, reverse("works:entire", args=[work.pk]))
    assert entire.index("Third chapter text.") < entire.index("Opening chapter text.") < entire.index("now longer")

    confirm = author_client.get(reverse("works:chapter_delete", args=[work.pk, first.pk]))
    assert "This cannot be undone." in text_of(confirm.content.decode())
    assert Chapter.objects.filter(pk=first.pk).exists()
    author_client.post(reverse("works:chapter_delete", args=[work.pk, first.pk]))
    assert not Chapter.objects.filter(pk=first.pk).exists()
    assert list(work.chapters.order_by("position").values_list("position", "pk")) == [(1, third.pk), (2, second.pk)]
    work.refresh_from_db()
    assert work.chapter_display == "2/?"
    assert "Opening chapter text." not in page_text(client, reverse("works:entire", args=[work.pk]))


def test_the_last_chapter_cannot_be_deleted_instead_of_the_work(author: User, author_client: Client) -> None:
    work = post_new_work(author_client, work_form_data(author))
    chapter = work.chapters.get()
    response = author_client.post(reverse("works:chapter_delete", args=[work.pk, chapter.pk]), follow=True)
    assert "delete the work instead" in text_of(response.content.decode())
    assert Chapter.objects.filter(pk=chapter.pk).exists()


def test_deleting_a_work_asks_first_then_removes_it(author: User, author_client: Client, client: Client) -> None:
    work = post_new_work(author_client, work_form_data(author, title="Soon Gone"))
    confirm = author_client.get(reverse("works:delete", args=[work.pk]))
    assert confirm.status_code == 200
    assert "Delete “Soon Gone”?" in text_of(confirm.content.decode())
    assert Work.objects.filter(pk=work.pk).exists()

    response = author_client.post(reverse("works:delete", args=[work.pk]), follow=True)
    assert "“Soon Gone” was deleted." in text_of(response.content.decode())
    assert not Work.objects.filter(pk=work.pk).exists()
    assert client.get(reverse("works:detail", args=[work.pk])).status_code == 404


def test_others_cannot_edit_or_delete_a_work(author: User, reader_client: Client) -> None:
    work = make_work(author)
    for name in ("works:edit", "works:delete", "works:chapter_new", "works:chapters_manage"):
        assert reader_client.get(reverse(name, args=[work.pk])).status_code == 404, name
        assert reader_client.post(reverse(name, args=[work.pk])).status_code == 404, name
    assert Work.objects.filter(pk=work.pk).exists()


def test_unknown_chapter_count_shows_a_question_mark_and_is_in_progress(
    author: User, author_client: Client, client: Client
) -> None:
    work = post_new_work(author_client, work_form_data(author, expected_chapters="?"))
    assert work.expected_chapters is None
    assert not work.is_complete
    assert "Chapters: 1/?" in page_text(client, work.get_absolute_url())
    blurb = parse(client.get(reverse("discovery:works")).content.decode()).select_one(f"#work_{work.pk}")
    assert blurb is not None
    assert "1/?" in blurb.get_text()
    assert "In progress" in blurb.get_text()


def test_a_work_is_complete_once_its_posted_chapters_reach_the_expected_count(
    author: User, author_client: Client, client: Client
) -> None:
    work = post_new_work(author_client, work_form_data(author, expected_chapters="2"))
    assert not work.is_complete
    assert "In progress" in page_text(client, reverse("discovery:works"))

    author_client.post(reverse("works:chapter_new", args=[work.pk]), chapter_form_data(intent="draft"))
    work.refresh_from_db()
    assert work.chapter_display == "1/2"
    assert not work.is_complete

    draft = work.chapters.get(position=2)
    author_client.post(reverse("works:chapter_post", args=[work.pk, draft.pk]))
    work.refresh_from_db()
    assert work.chapter_display == "2/2"
    assert work.is_complete
    assert "Complete" in page_text(client, reverse("discovery:works"))
    assert "Completed:" in page_text(client, work.get_absolute_url())


def test_a_work_can_be_backdated(author: User, author_client: Client, client: Client) -> None:
    work = post_new_work(author_client, work_form_data(author, published_on="2019-03-14"))
    assert work.published_on == datetime.date(2019, 3, 14)
    assert "Published: 2019-03-14" in page_text(client, work.get_absolute_url())


def test_a_future_date_is_refused_and_the_form_keeps_what_was_typed(author: User, author_client: Client) -> None:
    # The day after tomorrow: tomorrow may already be today somewhere (works/cleaning.py _check_date).
    tomorrow = timezone.localdate() + datetime.timedelta(days=2)
    typed_text = "A story typed with care, all of which must still be here after the error."
    response = author_client.post(
        reverse("works:new"),
        work_form_data(author, title="Tomorrow's Tale", published_on=tomorrow.isoformat(), content=typed_text),
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "The date can't be in the future." in text_of(page)
    assert field_value(page, "title") == "Tomorrow's Tale"
    assert field_value(page, "content") == typed_text
    assert field_value(page, "published_on") == tomorrow.isoformat()
    assert not Work.objects.exists()


TOO_MANY_TAGS = ", ".join(f"Tag number {n}" for n in range(76))


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        pytest.param({"fandoms": ""}, "fandoms", "This field is required.", id="missing-fandom"),
        pytest.param({"rating": ""}, "rating", "This field is required.", id="missing-rating"),
        pytest.param({"warnings": []}, "warnings", "This field is required.", id="missing-warning"),
        pytest.param({"title": ""}, "title", "This field is required.", id="missing-title"),
        pytest.param({"summary": "s" * 1251}, "summary", "Summary can be at most 1,250 characters", id="long-summary"),
        pytest.param({"notes": "n" * 5001}, "notes", "Notes can be at most 5,000 characters", id="long-notes"),
        pytest.param({"content": "Too short"}, "content", "at least 10 characters", id="short-chapter"),
        pytest.param({"content": "<p> </p><script>x</script>"}, "content", "at least 10 characters", id="empty-html"),
        pytest.param({"content": "<p>   </p>\n<p>   </p>\n<p>  </p>"}, "content", "at least 10", id="blank-paragraphs"),
        pytest.param({"freeforms": TOO_MANY_TAGS}, "freeforms", "at most 75", id="too-many-tags"),
        pytest.param({"characters": "a<b"}, "characters", "Tags may not contain", id="invalid-tag-character"),
        pytest.param({"fandoms": "Fandom {with braces}"}, "fandoms", "Tags may not contain", id="invalid-fandom"),
        pytest.param({"freeforms": "x" * 151}, "freeforms", "at most 150 characters", id="long-tag"),
        pytest.param({"expected_chapters": "many"}, "expected_chapters", "Enter a number", id="bad-chapter-count"),
        pytest.param({"pseuds": []}, "pseuds", "This field is required.", id="no-pseud"),
    ],
)
def test_invalid_input_is_explained_on_the_form_and_nothing_typed_is_lost(
    changes: dict[str, Any], field: str, message: str, author: User, author_client: Client
) -> None:
    data = work_form_data(author, title="Kept Title", summary="Kept summary.", content="Kept chapter text, typed.")
    data.update(changes)
    response = author_client.post(reverse("works:new"), data)
    assert response.status_code == 200
    markup = response.content.decode()
    page = parse(markup)
    widget = page.find(attrs={"name": field})
    assert widget is not None, field
    # The message sits next to its field, inside the same field box or fieldset (the summary at the top is the alert).
    holder = widget.find_parent(["div", "fieldset"])
    assert holder is not None
    alert = holder.select_one(".errorlist")
    assert alert is not None, field
    assert message in alert.get_text()
    summary = page.select_one("[role=alert]")
    assert summary is not None
    assert message in summary.get_text()
    if "title" not in changes:
        assert field_value(markup, "title") == "Kept Title"
    if "content" not in changes:
        assert field_value(markup, "content") == "Kept chapter text, typed."
    if "summary" not in changes:
        assert field_value(markup, "summary") == "Kept summary."
    assert not Work.objects.exists()


def test_posting_a_chapter_moves_the_updated_date_and_a_draft_chapter_does_not(
    author: User, author_client: Client
) -> None:
    # Posted (backdated) 30 days ago: the updated date is the latest posted chapter's (tests/works/test_backdating.py).
    month_ago = timezone.localdate() - datetime.timedelta(days=30)
    work = post_new_work(
        author_client, work_form_data(author, expected_chapters="?", published_on=month_ago.isoformat())
    )
    long_ago = work.revised_at
    assert long_ago is not None
    assert timezone.localdate(long_ago) == month_ago

    author_client.post(reverse("works:chapter_new", args=[work.pk]), chapter_form_data(intent="draft"))
    work.refresh_from_db()
    assert work.revised_at == long_ago
    assert work.posted_chapter_count == 1

    author_client.post(reverse("works:chapter_new", args=[work.pk]), chapter_form_data(intent="post"))
    work.refresh_from_db()
    assert work.revised_at is not None
    assert work.revised_at > long_ago
    assert work.posted_chapter_count == 2


def test_a_restricted_work_posted_through_the_form_is_for_registered_users_only(
    author: User, author_client: Client, reader_client: Client, client: Client
) -> None:
    work = post_new_work(author_client, work_form_data(author, title="Members Only Tide", restricted="on"))
    assert work.restricted
    assert client.get(work.get_absolute_url()).status_code == 302
    assert "Members Only Tide" in page_text(reader_client, work.get_absolute_url())
    assert "Members Only Tide" not in page_text(client, reverse("discovery:works"))
    assert "Members Only Tide" in page_text(reader_client, reverse("discovery:works"))


def test_an_anonymous_work_posted_through_the_form_hides_its_creator(
    author: User, author_client: Client, reader_client: Client
) -> None:
    work = post_new_work(author_client, work_form_data(author, anonymous="on"))
    assert work.anonymous
    for path in (work.get_absolute_url(), reverse("discovery:works")):
        page = reader_client.get(path).content.decode()
        assert "Quillfeather" not in page
        assert "Anonymous" in text_of(page)
    assert "Quillfeather (Anonymous to others)" in page_text(author_client, work.get_absolute_url())


def test_the_new_work_form_needs_an_account(client: Client) -> None:
    response = client.get(reverse("works:new"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_a_creator_cannot_post_under_someone_elses_pseud(author: User, reader: User, author_client: Client) -> None:
    response = author_client.post(reverse("works:new"), work_form_data(author, pseuds=[reader.default_pseud().pk]))
    assert response.status_code == 200
    assert not Work.objects.exists()


def test_saving_edits_to_a_draft_does_not_claim_it_was_posted(author: User, author_client: Client) -> None:
    work = post_new_work(author_client, work_form_data(author, intent="draft"))
    response = author_client.post(
        reverse("works:edit", args=[work.pk]), work_form_data(author, intent="save", title="Still a Draft"), follow=True
    )
    work.refresh_from_db()
    assert not work.posted
    messages = " ".join(m.get_text() for m in parse(response.content.decode()).select(".messages .message"))
    assert "posted" not in messages.lower()


def test_a_backdate_typed_while_editing_a_draft_is_kept_when_it_is_posted(author: User, author_client: Client) -> None:
    work = post_new_work(author_client, work_form_data(author, intent="draft"))
    author_client.post(
        reverse("works:edit", args=[work.pk]), work_form_data(author, intent="save", published_on="2018-06-01")
    )
    author_client.post(reverse("works:post", args=[work.pk]))
    work.refresh_from_db()
    assert work.posted
    assert work.published_on == datetime.date(2018, 6, 1)


def test_saving_edits_to_a_posted_work_says_it_was_updated(author: User, author_client: Client) -> None:
    work = post_new_work(author_client, work_form_data(author))
    author_client.get(work.get_absolute_url())  # read the "posted" message
    response = author_client.post(
        reverse("works:edit", args=[work.pk]), work_form_data(author, intent="save", title="Retitled"), follow=True
    )
    messages = " ".join(m.get_text() for m in parse(response.content.decode()).select(".messages .message"))
    assert messages == "Work was successfully updated."
