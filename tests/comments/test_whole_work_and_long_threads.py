"""Comments left on the entire-work page show on the first chapter's page too (as AO3 files them under chapter 1),
and a long thread shows its first replies on the work page, then a link to the thread's own page with the rest."""

from __future__ import annotations

import datetime
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pytest_django import DjangoAssertNumQueries

from fanshelf.accounts.models import User
from fanshelf.comments import actions, threads
from fanshelf.comments.models import Comment
from fanshelf.comments.threads import PER_PAGE, REPLIES_SHOWN
from fanshelf.works.actions import reorder_chapters
from tests.comments.test_comment_pages import comment, page_of
from tests.factories import STORY, make_work, signed_in_client

pytestmark = pytest.mark.django_db


def test_a_comment_on_the_entire_work_shows_on_chapter_one_and_the_entire_work(
    author: User, reader: User, guest: Client
) -> None:
    work = make_work(author, chapters=[STORY, STORY, STORY])
    first, second, _ = work.chapters.order_by("position")
    client = signed_in_client(reader)
    entire = reverse("works:entire", args=[work.pk])
    assert 'name="chapter"' not in page_of(client, entire)  # the entire-work form names no chapter
    response = client.post(reverse("comments:new", args=[work.pk]), {"text": "Read it all in one go «ﾟ»", "pseud":
                           reader.default_pseud().pk})  # fmt: skip
    posted = Comment.objects.get()
    assert posted.chapter_id is None
    assert response["Location"] == f"{entire}?comments_page=1#comment-{posted.pk}"
    comment(work, reader, "Chapter two's own", chapter=second)
    for url in (work.get_absolute_url(), reverse("works:chapter", args=[work.pk, first.pk]), entire):
        assert "Read it all in one go «ﾟ»" in page_of(guest, url), url
    chapter_two = page_of(guest, reverse("works:chapter", args=[work.pk, second.pk]))
    assert "Read it all in one go" not in chapter_two
    assert "Chapter two's own" in chapter_two
    assert "Chapter two's own" in page_of(guest, entire)
    # Chapter 1 is whichever chapter comes first now.
    reorder_chapters(work, [second.pk, first.pk, *work.chapters.exclude(pk__in=[first.pk, second.pk]).values_list(
        "pk", flat=True)])  # fmt: skip
    work.refresh_from_db()
    assert "Read it all in one go" in page_of(guest, reverse("works:chapter", args=[work.pk, second.pk]))
    assert "Read it all in one go" not in page_of(guest, reverse("works:chapter", args=[work.pk, first.pk]))


def test_a_first_chapter_permalink_counts_the_entire_work_comments_before_it(
    author: User, reader: User, guest: Client
) -> None:
    work = make_work(author, chapters=[STORY, STORY])
    first = work.chapters.order_by("position")[0]
    for number in range(PER_PAGE):
        comment(work, reader, f"Whole work note {number}")
    late = comment(work, reader, "Late chapter one note", chapter=first)
    location = guest.get(reverse("comments:permalink", args=[late.pk]))["Location"]
    assert location == f"{reverse('works:chapter', args=[work.pk, first.pk])}?comments_page=2#comment-{late.pk}"
    assert "Late chapter one note" in page_of(guest, location)


def test_a_long_thread_shows_its_first_replies_then_continues_on_its_own_page(
    author: User, reader: User, guest: Client
) -> None:
    work = make_work(author)
    top = comment(work, reader, "Which lighthouse was it?")
    replies = [comment(work, author if n % 2 else reader, f"Answer number {n}.", parent=top) for n in range(15)]
    page = page_of(guest, work.get_absolute_url())
    shown = {n for n in range(15) if f"Answer number {n}." in page}
    assert shown == set(range(REPLIES_SHOWN))  # the oldest first
    thread_url = reverse("comments:thread", args=[top.pk])
    more = 15 - REPLIES_SHOWN
    assert re.search(rf'<a href="{thread_url}">{more} more replies: continue this thread →</a>', page)
    thread = page_of(guest, thread_url)
    assert all(f"Answer number {n}." in thread for n in range(15))
    # A permalink (and the page after posting a reply) opens the thread page for a reply the work page leaves out.
    assert guest.get(reverse("comments:permalink", args=[replies[-1].pk]))["Location"] == (
        f"{thread_url}#comment-{replies[-1].pk}"
    )
    assert guest.get(reverse("comments:permalink", args=[replies[0].pk]))["Location"].startswith(
        work.get_absolute_url()
    )
    client = signed_in_client(reader)
    response = client.post(reverse("comments:reply", args=[top.pk]), {"text": "One more!",
                           "pseud": reader.default_pseud().pk})  # fmt: skip
    newest = Comment.objects.latest("pk")
    assert response["Location"] == f"{thread_url}#comment-{newest.pk}"


def test_a_thread_at_the_cap_shows_no_continue_link(author: User, reader: User, guest: Client) -> None:
    work = make_work(author)
    top = comment(work, reader, "Short thread")
    for n in range(REPLIES_SHOWN):
        comment(work, author, f"Reply {n}", parent=top)
    page = page_of(guest, work.get_absolute_url())
    assert "continue this thread" not in page.lower()
    assert len(re.findall(r'id="comment-\d+"', page)) == 1 + REPLIES_SHOWN


def test_a_page_of_long_threads_takes_the_queries_of_a_page_of_short_ones(
    author: User, reader: User, reader_client: Client, django_assert_max_num_queries: DjangoAssertNumQueries
) -> None:
    work = make_work(author)
    tops = [comment(work, reader, f"Thread {n}") for n in range(3)]
    for top in tops:
        comment(work, author, "A first answer", parent=top)
    url = work.get_absolute_url()
    reader_client.get(url)
    with CaptureQueriesContext(connection) as short:
        reader_client.get(url)
    budget = len(short)
    for top in tops:
        for n in range(3 * REPLIES_SHOWN):
            comment(work, author if n % 2 else reader, f"Answer {n}", parent=top)
    reader_client.get(url)
    with django_assert_max_num_queries(budget, info=url):
        page = reader_client.get(url).content.decode()
    assert len(re.findall(r'id="comment-\d+"', page)) == 3 * (1 + REPLIES_SHOWN)


def test_comment_dates_and_links_follow_the_reader(author: User, reader: User) -> None:
    """Dates and addresses are prepared once a page (threads._prepared), not by template tags: still the reader's
    time zone, and every link leads where its tag used to."""
    work = make_work(author)
    top = comment(work, reader, "Night owl remark")
    Comment.objects.filter(pk=top.pk).update(created_at=datetime.datetime(2026, 3, 1, 23, 30, tzinfo=datetime.UTC))
    reader.time_zone = "Asia/Tokyo"
    reader.save(update_fields=["time_zone"])
    page = page_of(signed_in_client(reader), work.get_absolute_url())
    assert "2026-03-02 08:30" in page
    assert f'href="{reverse("comments:permalink", args=[top.pk])}"' in page
    assert f'href="{reverse("comments:edit", args=[top.pk])}"' in page
    assert f'href="{reverse("accounts:dashboard", args=[reader.username])}"' in page
    creator_page = page_of(signed_in_client(author), work.get_absolute_url())
    for what in ("delete", "hide", "spam", "freeze"):
        assert f'action="{reverse("comments:moderate", args=[top.pk, what])}"' in creator_page
    assert "2026-03-01 23:30" in creator_page  # the creator keeps the default zone, UTC


def test_a_guest_reads_every_page_of_comments_as_a_reader_does_compiled_or_not(
    author: User, reader: User, guest: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A guest's first COMPILED_PAGES pages are read by compiled statements, the later ones by the ORM: both give
    the threads, names and replies a signed-in reader who muted nobody sees."""
    monkeypatch.setattr(threads, "COMPILED_PAGES", 1)
    work = make_work(author, comment_permission="anyone")
    tops = [comment(work, reader, f"“Top” note {n} 灯台 אהבה") for n in range(PER_PAGE + 3)]
    actions.post_comment(work, "A passing guest’s word", user=None, guest_name="Wanderer of the Quay",
                         guest_email="wanderer@example.org")  # fmt: skip
    comment(work, author, "The author answers", parent=tops[1])
    comment(work, reader, "Late reply on page two", parent=tops[PER_PAGE + 1])
    client = signed_in_client(reader)

    def section(client: Client, number: int) -> str:
        page = page_of(client, f"{work.get_absolute_url()}?comments_page={number}")
        return page[page.index('id="comments"') :]

    def shown(client: Client, number: int) -> list[str]:
        found = r"“Top” note \d+|A passing guest’s word|Wanderer of the Quay|The author answers|Late reply"
        return re.findall(found, section(client, number))

    for number in (1, 2):
        assert shown(guest, number) == shown(client, number), number
    assert "The author answers" in shown(guest, 1)
    assert shown(guest, 2)[:2] == ["“Top” note 20", "“Top” note 21"]
    for name in ("Pageturner", "Quillfeather"):  # the commenters' names and links, read with their comments
        assert f'href="{reverse("accounts:dashboard", args=[name])}"' in section(guest, 1)
    assert "Wanderer of the Quay" in shown(guest, 2)
    assert "Late reply" in shown(guest, 2)
