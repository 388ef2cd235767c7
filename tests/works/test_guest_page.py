"""A guest's work page is put together from the kept frame (core/guest_frame.py, works/guest_page.py): it must be
the very page works/work_page.html gives that guest, whatever the work holds and wherever the guest came from."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from fanshelf.accounts.models import Reuse, User
from fanshelf.comments.actions import post_comment
from fanshelf.core import guest_frame, switches
from fanshelf.works import guest_page, page_memo
from fanshelf.works.actions import add_chapter
from fanshelf.works.cleaning import ChapterFields
from fanshelf.works.models import Work
from tests.factories import make_user, make_work

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')


@pytest.fixture
def framed(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The pages the kept frame made, in order."""
    made: list[str] = []
    original = guest_page.guest_page

    def counted(*args: Any) -> str:
        made.append(original(*args))
        return made[-1]

    monkeypatch.setattr("fanshelf.works.reading.guest_page", counted)
    return made


def page_both_ways(monkeypatch: pytest.MonkeyPatch, path: str) -> tuple[str, str]:
    """The page as a guest gets it, then as work_page.html renders it for the same guest; CSRF tokens (masked
    anew for every page) left out."""
    guest = Client(REMOTE_ADDR="10.9.0.1", HTTP_USER_AGENT="Guest browser")
    guest.get(path)  # the body memoised, the hit counted: both pages below show the same counts
    kept = guest.get(path)
    with monkeypatch.context() as patched:
        patched.setattr(guest_frame, "fits", lambda request: False)
        whole = guest.get(path)
    assert kept.status_code == whole.status_code == 200
    return TOKEN.sub("token", kept.content.decode()), TOKEN.sub("token", whole.content.decode())


@pytest.mark.django_db
def test_a_guest_page_from_the_kept_frame_is_the_templates_page(
    monkeypatch: pytest.MonkeyPatch, author: User, framed: list[str]
) -> None:
    work = make_work(
        author, title="“Lanterns” <at> the 灯台 & מגדלור", summary="<p>Salt & fog</p>", chapters=["The bell rang."]
    )
    commenter = make_user("Gullwatcher")
    post_comment(work, "A lovely ‘quiet’ piece ✦ אהבתי", user=commenter, pseud=commenter.default_pseud())
    Work.objects.filter(pk=work.pk).update(reuse_ai_training=Reuse.NO)  # its page's head reserves AI training
    kept, whole = page_both_ways(monkeypatch, work.get_absolute_url() + "?note=a%20b")
    assert framed, "the kept frame was used"
    assert kept == whole
    assert "“Lanterns” &lt;at&gt; the 灯台 &amp; מגדלור" in kept
    assert '<meta name="tdm-reservation" content="1">' in kept
    assert "A lovely ‘quiet’ piece ✦ אהבתי" in kept
    assert f"?next=/works/{work.pk}/%3Fnote%3Da%2520b" in kept  # the login link comes back here, query and all


@pytest.mark.django_db
def test_a_chapter_page_of_a_long_work_and_a_new_site_notice_come_out_the_same(
    monkeypatch: pytest.MonkeyPatch, author: User, framed: list[str]
) -> None:
    work = make_work(author, title="Ferry Log", chapters=["Morning crossing.", "Night crossing."])
    second = work.chapters.order_by("position")[1]
    page_both_ways(monkeypatch, f"/works/{work.pk}/chapters/{second.pk}/")  # the frame is kept without a notice
    switches.publish(switches.Switches(notice="Tea at four ☕ — שלום"))
    kept, whole = page_both_ways(monkeypatch, f"/works/{work.pk}/chapters/{second.pk}/")
    assert len(framed) == 4  # two pages a call: the first view and the kept one
    assert kept == whole
    assert "Tea at four ☕ — שלום" in kept
    switches.publish(switches.Switches(notice="Tea at four ☕ — שלום", read_only=True))
    kept, whole = page_both_ways(monkeypatch, f"/works/{work.pk}/chapters/{second.pk}/")
    assert kept == whole
    assert "The archive is read-only for now." in kept  # read-only mode, switched on after, shows to guests at once
    assert "Comments on Chapter 2" in kept
    assert "Night crossing." in kept


@pytest.mark.django_db
def test_a_guest_with_a_message_waiting_gets_the_whole_template(author: User, framed: list[str]) -> None:
    work = make_work(author, title="Quiet Harbour", chapters=["Still water."])
    guest = Client(REMOTE_ADDR="10.9.0.2", HTTP_USER_AGENT="Guest browser")
    guest.get(work.get_absolute_url())
    page = guest.post(f"/works/{work.pk}/kudos/", {"next": work.get_absolute_url()}, follow=True)
    assert "Thank you for leaving kudos" in page.content.decode()
    assert len(framed) == 1, "the first view used the kept frame, the page with the message did not"
    assert page_memo.counts["served"] >= 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("permission", "guest_comments", "shown"),
    [
        ("anyone", True, 'class="comment-form"'),
        ("anyone", False, "Log in</a> to comment."),
        ("registered", True, "Only registered users can comment on this work."),
        ("nobody", True, "This work&#x27;s creator has turned comments off.</p>"),
    ],
)
def test_a_page_without_comments_comes_out_the_same_whoever_may_comment(
    monkeypatch: pytest.MonkeyPatch, author: User, framed: list[str], permission: str, guest_comments: bool, shown: str
) -> None:
    """Pages that show no comments are put together in Python (works/guest_page.py `_quiet`): the comment form, or
    why there is none, must be the template's, on a chapter page whose title needs escaping too."""
    switches.publish(switches.Switches(guest_comments=guest_comments))
    work = make_work(author, title="Gull Tide", chapters=["Low water."], comment_permission=permission)
    alone, whole_alone = page_both_ways(monkeypatch, work.get_absolute_url())  # one chapter: no chapter heading
    assert alone == whole_alone
    assert "Comments</h2>" in alone
    add_chapter(work, ChapterFields(content="High water.", title="“Salt” & <foam> שקט"), post=True)
    second = work.chapters.order_by("position")[1]
    kept, whole = page_both_ways(monkeypatch, f"/works/{work.pk}/chapters/{second.pk}/?view=1")
    assert framed, "the kept frame was used"
    assert kept == whole
    assert shown in kept
    assert "Comments on Chapter 2: “Salt” &amp; &lt;foam&gt; שקט" in kept
    assert ("Log in</a> to comment." in kept) == (
        permission != "nobody" and not (guest_comments and permission == "anyone")
    )
