"""Comments as readers meet them on the work and chapter pages: threads, pages, permalinks, moderation buttons,
and who sees what (issue 10)."""

from __future__ import annotations

import datetime
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from pytest_django import DjangoAssertNumQueries

from fanshelf.accounts.actions import PseudFields, create_pseud, update_pseud
from fanshelf.accounts.models import User
from fanshelf.comments import actions
from fanshelf.comments.models import Comment
from fanshelf.comments.threads import PER_PAGE, REPLIES_SHOWN
from fanshelf.works.models import Work
from tests.core.pages import parse
from tests.factories import STORY, make_user, make_work, signed_in_client

pytestmark = pytest.mark.django_db


def comment(work: Work, by: User, text: str = "Lovely chapter!", **extra: object) -> Comment:
    return actions.post_comment(work, text, user=by, pseud=by.default_pseud(), **extra)  # type: ignore[arg-type]


def page_of(client: Client, url: str) -> str:
    response = client.get(url, follow=True)
    assert response.status_code == 200
    return response.content.decode()


def test_a_reader_posts_a_comment_from_the_work_page_and_lands_on_it(author: User, reader_client: Client) -> None:
    work = make_work(author)
    response = reader_client.post(reverse("comments:new", args=[work.pk]), {"text": "Made my day", "pseud": ""})
    assert response.status_code == 200  # the form again: a pseud is needed
    pseud = User.objects.get(username="Pageturner").default_pseud()
    response = reader_client.post(reverse("comments:new", args=[work.pk]), {"text": "Made my day", "pseud": pseud.pk})
    posted = Comment.objects.get()
    assert response["Location"].endswith(f"#comment-{posted.pk}")
    page = page_of(reader_client, work.get_absolute_url())
    assert "Made my day" in page
    assert "Pageturner" in page


def test_a_guest_comments_where_anyone_may_and_is_told_to_log_in_elsewhere(author: User, guest: Client) -> None:
    open_work = make_work(author, comment_permission="anyone", title="Open")
    data = {"text": "Guest love", "guest_name": "Wren", "guest_email": "wren@example.org"}
    guest.post(reverse("comments:new", args=[open_work.pk]), data)
    page = page_of(guest, open_work.get_absolute_url())
    assert "Guest love" in page
    assert "Wren" in page
    assert "wren@example.org" not in page
    closed = make_work(author, title="Closed")
    assert "Only registered users can comment" in page_of(guest, closed.get_absolute_url())
    guest.post(reverse("comments:new", args=[closed.pk]), data)
    assert not Comment.objects.filter(work=closed).exists()


def test_comments_on_a_restricted_work_are_invisible_to_guests(author: User, reader: User, guest: Client) -> None:
    work = make_work(author, restricted=True)
    secret = comment(work, reader, "Whispered secret")
    for url in (work.get_absolute_url(), reverse("comments:permalink", args=[secret.pk])):
        response = guest.get(url)
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]
    assert guest.get(reverse("comments:thread", args=[secret.pk]), follow=True).content.decode().count("Whispered") == 0


def test_held_comments_are_seen_only_by_the_creator_and_the_commenter(
    author: User, reader: User, author_client: Client, reader_client: Client
) -> None:
    work = make_work(author, moderate_comments=True)
    comment(work, reader, "Awaiting the nod")
    assert "Awaiting the nod" in page_of(reader_client, work.get_absolute_url())
    other = signed_in_client(User.objects.create_user("Bystander", "by@example.org", "x" * 12))
    assert "Awaiting the nod" not in page_of(other, work.get_absolute_url())
    creator_page = page_of(author_client, work.get_absolute_url())
    assert "Awaiting the nod" in creator_page
    assert "Approve" in creator_page
    held = Comment.objects.get()
    author_client.post(reverse("comments:moderate", args=[held.pk, "approve"]))
    assert "Awaiting the nod" in page_of(other, work.get_absolute_url())


def test_hidden_and_spam_comments_disappear_with_their_replies_for_readers(
    author: User, reader: User, author_client: Client, guest: Client
) -> None:
    work = make_work(author, comment_permission="anyone")
    hidden = comment(work, reader, "Rude remark")
    comment(work, author, "Answer to rude", parent=hidden)
    spam = comment(work, reader, "Cheap watches")
    author_client.post(reverse("comments:moderate", args=[hidden.pk, "hide"]))
    author_client.post(reverse("comments:moderate", args=[spam.pk, "spam"]))
    page = page_of(guest, work.get_absolute_url())
    assert "Rude remark" not in page
    assert "Answer to rude" not in page
    assert "Cheap watches" not in page
    assert "Rude remark" in page_of(author_client, work.get_absolute_url())
    assert guest.get(reverse("comments:permalink", args=[spam.pk])).status_code == 404


def test_a_deleted_comment_with_replies_keeps_its_thread_readable(
    author: User, reader: User, reader_client: Client, guest: Client
) -> None:
    work = make_work(author)
    top = comment(work, reader, "First thoughts")
    comment(work, author, "Glad you liked it", parent=top)
    reader_client.post(reverse("comments:moderate", args=[top.pk, "delete"]))
    page = page_of(guest, work.get_absolute_url())
    assert "(Previous comment deleted.)" in page
    assert "Glad you liked it" in page
    assert "First thoughts" not in page


def test_threads_show_five_levels_then_continue_on_the_threads_own_page(
    author: User, reader: User, guest: Client
) -> None:
    work = make_work(author)
    chain = [comment(work, reader, "Level 0")]
    for level in range(1, 8):
        chain.append(comment(work, author if level % 2 else reader, f"Level {level}", parent=chain[-1]))
    page = page_of(guest, work.get_absolute_url())
    assert "Level 4" in page
    assert "Level 5" not in page
    assert "Continue this thread" in page
    thread = page_of(guest, reverse("comments:thread", args=[chain[4].pk]))
    assert "Level 5" in thread
    assert "Level 7" in thread
    assert "Level 3" not in thread
    response = guest.get(reverse("comments:permalink", args=[chain[7].pk]))
    assert response["Location"] == f"{reverse('comments:thread', args=[chain[4].pk])}#comment-{chain[7].pk}"


def test_a_permalink_opens_the_page_of_comments_holding_it(author: User, reader: User, guest: Client) -> None:
    work = make_work(author)
    made = [comment(work, reader, f"Remark {n}") for n in range(PER_PAGE + 2)]
    last = guest.get(reverse("comments:permalink", args=[made[-1].pk]))["Location"]
    assert last == f"{work.get_absolute_url()}?comments_page=2#comment-{made[-1].pk}"
    page = page_of(guest, last)
    assert f'id="comment-{made[-1].pk}"' in page
    assert f'id="comment-{made[0].pk}"' not in page
    assert guest.get(work.get_absolute_url(), {"comments_page": "x"}).status_code == 400


def test_chapter_pages_show_their_own_chapters_comments(author: User, reader: User, guest: Client) -> None:
    work = make_work(author, chapters=[STORY, STORY])
    first, second = work.chapters.all()
    comment(work, reader, "About chapter one", chapter=first)
    comment(work, reader, "About chapter two", chapter=second)
    page = page_of(guest, reverse("works:chapter", args=[work.pk, second.pk]))
    assert "About chapter two" in page
    assert "About chapter one" not in page
    everything = page_of(guest, reverse("works:entire", args=[work.pk]))
    assert "About chapter two" in everything
    assert "About chapter one" in everything


def test_the_work_page_takes_as_many_queries_with_thirty_comments_as_with_one(
    author: User, reader: User, reader_client: Client, django_assert_max_num_queries: DjangoAssertNumQueries
) -> None:
    work = make_work(author)
    top = comment(work, reader, "Only one")
    url = work.get_absolute_url()
    reader_client.get(url)
    with CaptureQueriesContext(connection) as one:
        reader_client.get(url)
    for n in range(29):
        comment(work, author if n % 2 else reader, f"More {n}", parent=top if n % 3 else None)
    with django_assert_max_num_queries(len(one), info=url):
        page = reader_client.get(url).content.decode()
    # 11 threads; the first has 19 replies, of which the page shows the first REPLIES_SHOWN (10)
    assert len(re.findall(r'id="comment-\d+"', page)) == 11 + REPLIES_SHOWN
    assert f"{19 - REPLIES_SHOWN} more replies: continue this thread" in page


def test_the_work_form_sets_who_may_comment_and_moderation(author: User, author_client: Client) -> None:
    work = make_work(author)
    form = author_client.get(reverse("works:edit", args=[work.pk])).content.decode()
    assert 'name="comment_permission"' in form
    assert 'name="moderate_comments"' in form


def test_guests_at_one_address_may_post_only_a_few_comments_at_a_time(
    author: User, guest: Client, settings: object
) -> None:
    work = make_work(author, comment_permission="anyone")
    data = {"guest_name": "Wren", "guest_email": "wren@example.org"}
    url = reverse("comments:new", args=[work.pk])
    for n in range(3):
        assert guest.post(url, {**data, "text": f"Guest note {n}"}).status_code == 302
    refused = guest.post(url, {**data, "text": "One too many"})
    assert refused.status_code == 429
    assert "log in or wait" in refused.content.decode()
    assert Comment.objects.count() == 3


def test_new_accounts_share_the_guests_comment_limit_and_older_ones_do_not(author: User, reader: User) -> None:
    work = make_work(author)
    url = reverse("comments:new", args=[work.pk])
    newcomer, regular = make_user("Freshink"), make_user("Oldhand")
    User.objects.filter(pk=regular.pk).update(date_joined=timezone.now() - datetime.timedelta(days=8))
    for user, allowed in ((newcomer, 3), (regular, 5)):
        client = signed_in_client(user)
        pseud = user.default_pseud().pk
        statuses = [client.post(url, {"text": f"Note {n}", "pseud": pseud}).status_code for n in range(allowed + 1)]
        expected = [302] * allowed + ([429] if user is newcomer else [302])
        assert statuses == expected, user.username
    assert Comment.objects.filter(user=newcomer).count() == 3
    refused = signed_in_client(newcomer).post(url, {"text": "Again", "pseud": newcomer.default_pseud().pk})
    assert "New accounts may post only a few comments" in refused.content.decode()


def test_a_guest_pages_exactly_the_threads_each_page_shows(author: User, reader: User, guest: Client) -> None:
    """A guest's count of threads (compiled once, comments/threads.py) follows the page's scope and what a guest
    may read: the page links to a second page of comments only when there is one."""
    work = make_work(author, chapters=[STORY, STORY])
    first, second = work.chapters.order_by("position")
    for n in range(PER_PAGE):
        comment(work, reader, f"Chapter two, remark {n}", chapter=second)
    comment(work, reader, "On the whole work «ﾟ» 全体 כולה")
    actions.hide_comment(comment(work, reader, "Hidden on chapter two", chapter=second), author)
    next_page = "comments_page=2"
    chapter_one = page_of(guest, reverse("works:chapter", args=[work.pk, first.pk]))
    assert "On the whole work «ﾟ» 全体 כולה" in chapter_one
    assert next_page not in chapter_one
    chapter_two = page_of(guest, reverse("works:chapter", args=[work.pk, second.pk]))
    assert next_page not in chapter_two  # twenty it may read, the hidden one not counted
    entire = page_of(guest, reverse("works:entire", args=[work.pk]))
    assert next_page in entire
    assert "Hidden on chapter two" not in entire + chapter_two


def pseud_choices(client: Client, work: Work) -> list[tuple[str, bool]]:
    """The comment form's "Comment as" options on the work page: (label, selected)."""
    options = parse(page_of(client, work.get_absolute_url())).select("#id_comment_pseud option")
    return [(option.get_text(), option.has_attr("selected")) for option in options]


def test_a_readers_comment_form_lists_their_pseuds_as_they_are_now(author: User, reader: User) -> None:
    work = make_work(author)
    client = signed_in_client(reader)
    assert pseud_choices(client, work) == [("Pageturner", True)]
    added = create_pseud(reader, PseudFields(name="Lamp Keeper 灯"))
    for _ in range(2):  # the second time from the memo
        assert pseud_choices(client, work) == [("Lamp Keeper 灯 (Pageturner)", False), ("Pageturner", True)]
    update_pseud(added, PseudFields(name="Ferry"))
    assert pseud_choices(client, work) == [("Ferry (Pageturner)", False), ("Pageturner", True)]
    assert pseud_choices(signed_in_client(make_user("Driftwood")), work) == [("Driftwood", True)]


def test_a_signed_in_readers_page_counts_comments_once_and_still_shows_their_held_one(
    author: User, reader: User, reader_client: Client
) -> None:
    """One count of the work's top-level comments, whatever their state, stands in for reading the reader's
    threads when there are none: most works have none. A held comment counts, so its author still sees it."""
    work = make_work(author, moderate_comments=True)
    url = work.get_absolute_url()
    reader_client.get(url)
    with CaptureQueriesContext(connection) as quiet:
        assert "No comments yet." in page_of(reader_client, url)
    asked = [query["sql"] for query in quiet.captured_queries if "comments_comment" in query["sql"]]
    assert len(asked) == 1, asked
    comment(work, reader, "Held for the nod ✦ אהבתי")
    assert "Held for the nod ✦ אהבתי" in page_of(reader_client, url)
