"""Bookmarking a work: one per reader per work, public ones counted on the work, private ones nowhere."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from fanshelf.accounts.actions import delete_account
from fanshelf.accounts.models import User
from fanshelf.bookmarks.actions import BookmarkFields, bookmark_work, delete_bookmark, edit_bookmark
from fanshelf.bookmarks.models import Bookmark
from fanshelf.works.models import Work, WorkChange
from tests.bookmarks.helpers import bookmark
from tests.factories import make_user, make_work


def _count(work: Work) -> int:
    work.refresh_from_db()
    return work.bookmark_count


def test_a_second_bookmark_of_the_same_work_edits_the_first(author: User, reader: User) -> None:
    work = make_work(author)
    first = bookmark(reader, work, notes="Lovely.")
    second = bookmark(reader, work, notes="Even better on a reread.", rec=True)
    assert second.pk == first.pk
    assert Bookmark.objects.filter(user=reader).count() == 1
    assert "reread" in Bookmark.objects.get().notes
    assert _count(work) == 1


def test_a_public_bookmark_is_counted_on_the_work_and_written_to_the_outbox(author: User, reader: User) -> None:
    work = make_work(author)
    before = WorkChange.objects.filter(work_id=work.pk).count()
    bookmark(reader, work)
    bookmark(make_user(), work)
    assert _count(work) == 2
    assert WorkChange.objects.filter(work_id=work.pk, kind="bookmarks").count() == 2
    assert WorkChange.objects.filter(work_id=work.pk).count() == before + 2


def test_a_private_bookmark_is_never_counted(author: User, reader: User) -> None:
    work = make_work(author)
    bookmark(reader, work, private=True)
    assert _count(work) == 0


def test_making_a_bookmark_private_takes_it_off_the_count_and_public_puts_it_back(author: User, reader: User) -> None:
    work = make_work(author)
    mark = bookmark(reader, work)
    edit_bookmark(mark, reader, BookmarkFields(pseud=reader.default_pseud(), private=True))
    assert _count(work) == 0
    edit_bookmark(mark, reader, BookmarkFields(pseud=reader.default_pseud(), private=False))
    assert _count(work) == 1


def test_deleting_a_bookmark_takes_it_off_the_count(author: User, reader: User) -> None:
    work = make_work(author)
    public, private = bookmark(reader, work), bookmark(make_user(), work, private=True)
    delete_bookmark(private, private.user)
    assert _count(work) == 1
    delete_bookmark(public, reader)
    assert _count(work) == 0


def test_only_the_owner_may_edit_or_delete_a_bookmark(author: User, reader: User) -> None:
    """(A moderator may delete one too: tests/bookmarks/test_admin.py.)"""
    mark = bookmark(reader, make_work(author))
    with pytest.raises(ValidationError):
        delete_bookmark(mark, author)
    with pytest.raises(ValidationError):
        edit_bookmark(mark, author, BookmarkFields(pseud=author.default_pseud(), notes="mine now"))
    assert Bookmark.objects.filter(pk=mark.pk, notes="").exists()


def test_a_draft_cannot_be_bookmarked(author: User) -> None:
    draft = make_work(author, post=False)
    with pytest.raises(ValidationError, match="posted works"):
        bookmark(author, draft)


def test_nobody_bookmarks_under_another_persons_pseud(author: User, reader: User) -> None:
    fields = BookmarkFields(pseud=author.default_pseud())
    with pytest.raises(ValidationError) as refused:
        bookmark_work(reader, make_work(author), fields)
    assert "pseud" in refused.value.message_dict


def test_notes_are_sanitized_and_tags_kept_as_typed(author: User, reader: User) -> None:
    mark = bookmark(reader, make_work(author), notes="<p>Read it!</p><script>alert(1)</script>", tags=["Comfort Read"])
    assert "<script" not in mark.notes
    assert "Read it!" in mark.notes
    assert [tag.name for tag in mark.tags.all()] == ["Comfort Read"]


def test_overlong_notes_are_refused_with_a_message(author: User, reader: User) -> None:
    with pytest.raises(ValidationError) as refused:
        bookmark(reader, make_work(author), notes="x" * 20_000)
    assert "notes" in refused.value.message_dict


def test_a_deleted_accounts_public_bookmarks_leave_the_counts(author: User, reader: User) -> None:
    work = make_work(author)
    bookmark(reader, work)
    bookmark(make_user(), work)
    delete_account(reader)
    assert _count(work) == 1


def test_reindex_counts_public_bookmarks_only(author: User, reader: User) -> None:
    work = make_work(author)
    bookmark(reader, work)
    bookmark(make_user(), work, private=True)
    Work.objects.filter(pk=work.pk).update(bookmark_count=7)
    call_command("reindex", "--skip-text", stdout=io.StringIO())
    assert _count(work) == 1


def test_the_work_page_offers_a_bookmark_button_and_links_its_count(
    author: User, reader: User, reader_client: Client, guest: Client
) -> None:
    work = make_work(author)
    page = reader_client.get(work.get_absolute_url()).content.decode()
    assert reverse("bookmarks:work_form", args=[work.pk]) in page
    assert reverse("bookmarks:work", args=[work.pk]) not in page  # no public bookmarks yet
    bookmark(make_user(), work)
    page = guest.get(work.get_absolute_url()).content.decode()
    assert reverse("bookmarks:work", args=[work.pk]) in page
    assert reverse("bookmarks:work_form", args=[work.pk]) not in page  # guests can't bookmark


def test_a_reader_bookmarks_from_the_form_and_a_second_visit_edits_it(
    author: User, reader: User, reader_client: Client
) -> None:
    work = make_work(author)
    url = reverse("bookmarks:work_form", args=[work.pk])
    form = {"pseud": reader.default_pseud().pk, "notes": "A quiet gem.", "tags": "comfort, sea", "rec": "on"}
    response = reader_client.post(url, form)
    assert response.status_code == 302
    mark = Bookmark.objects.get(user=reader)
    assert mark.rec
    assert sorted(t.name for t in mark.tags.all()) == ["comfort", "sea"]
    again = reader_client.get(url).content.decode()
    assert "A quiet gem." in again
    assert "Save bookmark" in again
    reader_client.post(url, {**form, "notes": "Still a gem.", "rec": ""})
    mark.refresh_from_db()
    assert "Still a gem." in mark.notes
    assert not mark.rec
    assert Bookmark.objects.filter(user=reader).count() == 1


def test_the_form_shows_the_actions_message_for_bad_tags(author: User, reader: User, reader_client: Client) -> None:
    work = make_work(author)
    url = reverse("bookmarks:work_form", args=[work.pk])
    response = reader_client.post(url, {"pseud": reader.default_pseud().pk, "tags": "a<b"})
    assert response.status_code == 400
    assert "Tags may not contain" in response.content.decode()
    assert not Bookmark.objects.exists()


def test_guests_are_sent_to_log_in_to_bookmark(author: User, guest: Client) -> None:
    work = make_work(author)
    response = guest.get(reverse("bookmarks:work_form", args=[work.pk]))
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_someone_elses_bookmark_cannot_be_opened_for_editing_or_deleted(
    author: User, reader: User, author_client: Client
) -> None:
    mark = bookmark(reader, make_work(author))
    assert author_client.get(reverse("bookmarks:edit", args=[mark.pk])).status_code == 404
    assert author_client.post(reverse("bookmarks:delete", args=[mark.pk])).status_code == 404
    assert Bookmark.objects.filter(pk=mark.pk).exists()


def test_the_owner_deletes_a_bookmark_from_the_page(author: User, reader: User, reader_client: Client) -> None:
    work = make_work(author)
    mark = bookmark(reader, work)
    response = reader_client.post(reverse("bookmarks:delete", args=[mark.pk]))
    assert response.status_code == 302
    assert not Bookmark.objects.exists()
    assert _count(work) == 0
