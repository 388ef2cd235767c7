"""Accounts that leave (issue 11): deleting one's account on the site, and deleting a pseud that has works."""

from __future__ import annotations

from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse

from fanshelf.accounts.actions import PseudFields, create_pseud, delete_account
from fanshelf.accounts.models import Pseud, User
from fanshelf.bookmarks.actions import BookmarkFields, bookmark_work
from fanshelf.bookmarks.models import Bookmark
from fanshelf.comments.actions import post_comment
from fanshelf.comments.models import Comment, CommentStatus
from fanshelf.works.models import Creatorship, Series, Work
from fanshelf.works.orphaning import ORPHAN_USERNAME
from fanshelf.works.series import add_to_series
from tests.factories import PASSWORD, make_user, make_work, signed_in_client

PLEASE = {"works": "orphan", "password": PASSWORD, "confirm": "on"}


def _delete_url(user: User) -> str:
    return reverse("accounts:delete_account", args=[user.username])


def _creators(work: Work) -> list[str]:
    return [str(c.pseud) for c in Creatorship.objects.filter(work=work).select_related("pseud__user")]


def test_the_account_page_leads_to_deletion_which_needs_the_password(author_client: Client, author: User) -> None:
    dashboard = author_client.get(reverse("accounts:dashboard", args=[author.username])).content.decode()
    assert _delete_url(author) in dashboard
    page = author_client.get(_delete_url(author)).content.decode()
    assert "cannot be undone" in page
    wrong = author_client.post(_delete_url(author), {**PLEASE, "password": "not-it"})
    assert "That is not your current password." in wrong.content.decode()
    unconfirmed = author_client.post(_delete_url(author), {"works": "orphan", "password": PASSWORD})
    assert "Tick the box to confirm" in unconfirmed.content.decode()
    assert User.objects.filter(pk=author.pk).exists()


def test_deleting_ones_account_signs_out_everywhere_and_lands_home(author: User) -> None:
    here, elsewhere = signed_in_client(author), signed_in_client(author)
    other = signed_in_client(make_user("Sandpiper"))
    response = here.post(_delete_url(author), PLEASE, follow=True)
    assert response.redirect_chain[-1][0] == reverse("home")
    assert "Your account was deleted." in response.content.decode()
    assert not User.objects.filter(username="Quillfeather").exists()
    for client in (here, elsewhere):
        assert client.get(reverse("works:new")).status_code == 302  # sent to log in: signed out
    assert other.get(reverse("works:new")).status_code == 200
    assert Session.objects.count() >= 1  # the other person's session stays


def test_orphaning_on_deletion_keeps_posted_works_and_drops_drafts(author_client: Client, author: User) -> None:
    posted = make_work(author, title="Tide Tables")
    draft = make_work(author, title="Unfinished Tide", post=False)
    series = add_to_series(posted, author, "Coastlines")
    author_client.post(_delete_url(author), {**PLEASE, "keep_names": "on"})
    assert _creators(posted) == ["Quillfeather (orphan_account)"]
    assert not Work.objects.filter(pk=draft.pk).exists()
    assert [str(p) for p in Series.objects.get(pk=series.pk).creators.all()] == ["Quillfeather (orphan_account)"]
    assert "Tide Tables" in Client().get(reverse("discovery:user_works", args=[ORPHAN_USERNAME])).content.decode()


def test_deleting_works_on_deletion_keeps_co_created_ones_for_the_others(
    author_client: Client, author: User, reader: User
) -> None:
    alone = make_work(author, title="Alone")
    shared = make_work(author, title="Together")
    Creatorship.objects.create(work=shared, pseud=reader.default_pseud(), position=1)
    author_client.post(_delete_url(author), {**PLEASE, "works": "delete"})
    assert not Work.objects.filter(pk=alone.pk).exists()
    assert _creators(shared) == ["Pageturner"]
    assert "Alone" not in Client().get(reverse("discovery:works")).content.decode()


def test_comments_stay_as_from_a_deleted_account(author: User, reader: User) -> None:
    work = make_work(author)
    comment = post_comment(work, "The lamp scene made me cry.", user=reader, pseud=reader.default_pseud())
    signed_in_client(reader).post(_delete_url(reader), PLEASE)
    comment.refresh_from_db()
    assert (comment.user_id, comment.pseud_id, comment.text) == (None, None, "<p>The lamp scene made me cry.</p>")
    page = Client().get(work.get_absolute_url()).content.decode()
    assert "(deleted account)" in page
    assert "Pageturner" not in page
    assert "(Guest)" not in page
    work.refresh_from_db()
    assert work.comment_count == 1


def test_comments_go_too_when_asked_and_threads_stay_readable(author: User, reader: User) -> None:
    work = make_work(author)
    alone = post_comment(work, "A lonely thought.", user=reader, pseud=reader.default_pseud())
    answered = post_comment(work, "A question for you.", user=reader, pseud=reader.default_pseud())
    post_comment(work, "An answer.", user=author, pseud=author.default_pseud(), parent=answered)
    signed_in_client(reader).post(_delete_url(reader), {**PLEASE, "delete_comments": "on"})
    assert not Comment.objects.filter(pk=alone.pk).exists()
    answered.refresh_from_db()
    assert (answered.status, answered.text, answered.user_id) == (CommentStatus.DELETED, "", None)
    page = Client().get(work.get_absolute_url()).content.decode()
    assert "(Previous comment deleted.)" in page
    assert "An answer." in page
    work.refresh_from_db()
    assert work.comment_count == 0


def test_only_the_owner_reaches_the_deletion_page(author: User, reader_client: Client) -> None:
    assert reader_client.get(_delete_url(author)).status_code == 403
    assert reader_client.post(_delete_url(author), PLEASE).status_code == 403
    guest = Client().get(_delete_url(author))
    assert guest.status_code == 302
    assert guest["Location"].startswith(reverse("account_login"))
    assert User.objects.filter(pk=author.pk).exists()


def test_a_moderator_still_deletes_an_account_without_choosing(author: User, moderator: User) -> None:
    work = make_work(author)
    delete_account(author, acting=moderator)
    assert not Work.objects.filter(pk=work.pk).exists()


# Deleting a pseud


def _pseud_delete_url(pseud: Pseud) -> str:
    return reverse("accounts:pseud_delete", args=[pseud.user.username, pseud.name])


def _seed_pseud(author: User, reader: User) -> tuple[Pseud, Work, Bookmark, Comment]:
    gull = create_pseud(author, PseudFields(name="Gull"))
    work = make_work(author, title="Gull Song", pseuds=[gull])
    bookmark = bookmark_work(author, make_work(reader, title="Sandbar"), BookmarkFields(pseud=gull, notes="Lovely."))
    comment = post_comment(Work.objects.get(title="Sandbar"), "So good.", user=author, pseud=gull)
    return gull, work, bookmark, comment


def test_a_pseuds_works_bookmarks_and_comments_move_to_another_pseud(
    author_client: Client, author: User, reader: User
) -> None:
    gull, work, bookmark, comment = _seed_pseud(author, reader)
    tern = create_pseud(author, PseudFields(name="Tern"))
    page = author_client.get(_pseud_delete_url(gull)).content.decode()
    assert "Move them to another of my pseuds" in page
    response = author_client.post(_pseud_delete_url(gull), {"works": "move", "target": tern.pk})
    assert response.status_code == 302
    assert not Pseud.objects.filter(pk=gull.pk).exists()
    assert _creators(work) == ["Tern (Quillfeather)"]
    bookmark.refresh_from_db()
    comment.refresh_from_db()
    assert bookmark.pseud == comment.pseud == tern


def test_a_pseuds_works_can_be_orphaned_as_it_is_deleted(author_client: Client, author: User, reader: User) -> None:
    gull, work, bookmark, comment = _seed_pseud(author, reader)
    author_client.post(_pseud_delete_url(gull), {"works": "orphan", "keep_names": "on"})
    assert _creators(work) == ["Gull (orphan_account)"]
    bookmark.refresh_from_db()
    comment.refresh_from_db()
    assert bookmark.pseud == comment.pseud == author.default_pseud()


def test_a_pseuds_works_can_be_deleted_with_it(author_client: Client, author: User, reader: User) -> None:
    gull, work, bookmark, _ = _seed_pseud(author, reader)
    author_client.post(_pseud_delete_url(gull), {"works": "delete"})
    assert not Work.objects.filter(pk=work.pk).exists()
    assert not Pseud.objects.filter(pk=gull.pk).exists()
    bookmark.refresh_from_db()
    assert bookmark.pseud == author.default_pseud()


def test_moving_to_a_pseud_of_someone_else_is_refused(author_client: Client, author: User, reader: User) -> None:
    gull, work, _, _ = _seed_pseud(author, reader)
    response = author_client.post(_pseud_delete_url(gull), {"works": "move", "target": reader.default_pseud().pk})
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert _creators(work) == ["Gull (Quillfeather)"]
