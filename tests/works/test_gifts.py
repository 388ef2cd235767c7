"""Gifts (issue 11, "Sharing a work"): a work given to pseuds or plain names, the recipients told in their inbox,
"For X" on the work and its blurbs, each person's Gifts page, and refusing a gift. Also "Not cited" (AO3's
protected users) and the sharing preferences."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import TYPE_CHECKING

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from fanshelf.accounts.actions import update_preferences
from fanshelf.accounts.blocking import block
from fanshelf.accounts.models import User
from fanshelf.inbox.models import EntryKind, InboxEntry
from fanshelf.works.actions import post_work, set_hidden_by_moderator, set_work_flags
from fanshelf.works.models import Gift, RelatedWork, Work
from fanshelf.works.sharing import give
from tests.core.pages import parse, work_form_data
from tests.factories import make_user, make_work

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as Response

Committed = Callable[[], AbstractContextManager[None]]
Capture = Callable[..., AbstractContextManager[object]]


@pytest.fixture
def committed(django_capture_on_commit_callbacks: Capture) -> Committed:
    """Run on-commit callbacks: recipients are told after the work's transaction commits."""

    @contextmanager
    def run() -> Iterator[None]:
        with django_capture_on_commit_callbacks(execute=True):
            yield

    return run


def _give(client: Client, user: User, committed: Committed, **fields: object) -> Work:
    with committed():
        response = client.post(reverse("works:new"), work_form_data(user, **fields))
    assert response.status_code == 302, parse(response.content.decode()).select(".errorlist")
    return Work.objects.latest("pk")


def _gifts_page(client: Client, username: str = "Pageturner") -> Response:
    return client.get(reverse("user_gifts", args=[username]))


def _gift_titles(client: Client, username: str = "Pageturner") -> list[str]:
    page = parse(_gifts_page(client, username).content.decode())
    return [a.get_text() for a in page.select("ol.gifts li.blurb h3 a[href^='/works/']")]


def test_a_gift_to_a_pseud_tells_the_recipient_and_shows_on_the_work_blurbs_and_gifts_page(
    author: User, reader: User, author_client: Client, guest: Client, committed: Committed
) -> None:
    work = _give(author_client, author, committed, title="Harbour Gift", gifts="Pageturner, Mx. Ferryman")
    assert sorted((g.pseud_id is not None, g.recipient_name) for g in Gift.objects.filter(work=work)) == [
        (False, "Mx. Ferryman"),
        (True, ""),
    ]
    entry = InboxEntry.objects.get(user=reader, kind=EntryKind.GIFT)
    assert entry.subject == "“Harbour Gift” by Quillfeather is a gift for you"
    page = parse(guest.get(work.get_absolute_url()).content.decode())
    assert page.select_one("p.gifts").get_text() == "For Pageturner, Mx. Ferryman."  # type: ignore[union-attr]
    listing = parse(guest.get(reverse("discovery:works")).content.decode())
    heading = listing.select_one(f"#work_{work.pk}_title")
    assert heading is not None
    assert heading.get_text().endswith("by Quillfeather for Pageturner, Mx. Ferryman")
    assert _gift_titles(guest) == ["Harbour Gift"]


def test_a_recipient_who_refuses_gifts_or_blocked_the_giver_is_refused_with_a_message(
    author: User, reader: User, author_client: Client
) -> None:
    update_preferences(reader, {"allow_gifts": False})
    page = author_client.post(
        reverse("works:new"), work_form_data(author, title="Unwanted", gifts="Pageturner")
    ).content.decode()
    assert "Pageturner does not accept gifts." in page
    assert not Work.objects.filter(title="Unwanted").exists()
    update_preferences(reader, {"allow_gifts": True})
    block(reader, author)
    page = author_client.post(
        reverse("works:new"), work_form_data(author, title="Unwanted", gifts="Pageturner")
    ).content.decode()
    assert "Pageturner cannot be given this work." in page
    assert not Gift.objects.exists()


def test_a_drafts_recipient_is_told_only_when_it_is_posted(
    author: User, reader: User, author_client: Client, committed: Committed
) -> None:
    work = _give(author_client, author, committed, title="Not Yet", gifts="Pageturner", intent="draft")
    assert not InboxEntry.objects.filter(user=reader).exists()
    with committed():
        post_work(work)
    assert InboxEntry.objects.filter(user=reader, kind=EntryKind.GIFT, work=work).count() == 1
    other = _give(author_client, author, committed, title="Posted From The Form", gifts="Pageturner", intent="draft")
    form = work_form_data(author, title="Posted From The Form", gifts="Pageturner", intent="post")
    with committed():
        author_client.post(reverse("works:edit", args=[other.pk]), form)
    assert InboxEntry.objects.filter(user=reader, kind=EntryKind.GIFT, work=other).count() == 1


def test_no_notice_for_a_hidden_work_and_editing_tells_nobody_twice(
    author: User, reader: User, author_client: Client, committed: Committed
) -> None:
    work = make_work(author, title="Hidden Cove")
    set_hidden_by_moderator(work, hidden=True)
    form = work_form_data(author, title="Hidden Cove", gifts="Pageturner")
    with committed():
        author_client.post(reverse("works:edit", args=[work.pk]), form)
    assert Gift.objects.filter(work=work).exists()
    assert not InboxEntry.objects.filter(user=reader).exists()
    shown = make_work(author, title="Open Cove")
    with committed():
        author_client.post(reverse("works:edit", args=[shown.pk]), {**form, "title": "Open Cove"})
    with committed():
        author_client.post(reverse("works:edit", args=[shown.pk]), {**form, "title": "Open Cove, revised"})
    assert InboxEntry.objects.filter(user=reader, kind=EntryKind.GIFT).count() == 1


def test_refusing_a_gift_takes_it_off_the_work_and_the_gifts_page_for_good(
    author: User, reader: User, author_client: Client, reader_client: Client, guest: Client, committed: Committed
) -> None:
    work = _give(author_client, author, committed, title="Returned Shell", gifts="Pageturner")
    page = reader_client.get(work.get_absolute_url()).content.decode()
    assert "Refuse this gift" in page
    assert "Refuse this gift" in _inbox(reader_client)
    response = reader_client.post(reverse("works:refuse_gift", args=[work.pk]), {"next": work.get_absolute_url()})
    assert response.status_code == 302
    page = guest.get(work.get_absolute_url()).content.decode()
    assert 'class="gifts"' not in page
    assert _gift_titles(guest) == []
    listing = parse(guest.get(reverse("discovery:works")).content.decode())
    assert "Pageturner" not in listing.select_one(f"#work_{work.pk}_title").get_text()  # type: ignore[union-attr]
    again = author_client.post(
        reverse("works:edit", args=[work.pk]), work_form_data(author, title="Returned Shell", gifts="Pageturner")
    )
    assert "Pageturner refused this gift." in again.content.decode()
    assert reader_client.post(reverse("works:refuse_gift", args=[work.pk])).status_code == 404


def _inbox(client: Client) -> str:
    return client.get(reverse("inbox:inbox")).content.decode()


def test_the_refuse_button_on_the_gifts_page_is_only_for_its_owner(
    author: User, reader: User, author_client: Client, reader_client: Client, guest: Client, committed: Committed
) -> None:
    _give(author_client, author, committed, title="Sea Glass", gifts="Pageturner")
    assert "Refuse this gift" in _gifts_page(reader_client).content.decode()
    assert "Refuse this gift" not in _gifts_page(guest).content.decode()
    assert "Refuse this gift" not in _gifts_page(author_client).content.decode()


def test_the_gifts_page_follows_visibility_restricted_for_users_and_anonymous_creators_unnamed(
    author: User, reader: User, author_client: Client, guest: Client, moderator_client: Client, committed: Committed
) -> None:
    _give(author_client, author, committed, title="Members Only", gifts="Pageturner", restricted="on")
    _give(author_client, author, committed, title="Who Sent This", gifts="Pageturner", anonymous="on")
    _give(author_client, author, committed, title="Still A Draft", gifts="Pageturner", intent="draft")
    assert _gift_titles(guest) == ["Who Sent This"]
    assert sorted(_gift_titles(moderator_client)) == ["Members Only", "Who Sent This"]
    page = _gifts_page(guest).content.decode()
    assert "Quillfeather" not in page
    assert "Anonymous" in page
    assert _gifts_page(guest, "nosuchperson").status_code == 404


def test_the_gifts_page_costs_the_same_queries_for_one_gift_or_a_full_page(
    author: User, reader: User, guest: Client
) -> None:
    give(make_work(author, title="Gift 0"), author, ["Pageturner"])
    with CaptureQueriesContext(connection) as one:
        assert _gift_titles(guest) == ["Gift 0"]
    for number in range(1, 22):
        give(make_work(author, title=f"Gift {number}"), author, ["Pageturner", "A Friend"])
    with CaptureQueriesContext(connection) as full:
        assert len(_gift_titles(guest)) == 20
    assert len(full) <= len(one)


def test_the_edit_form_shows_the_recipients_and_taking_one_out_takes_the_gift_back(
    author: User, reader: User, author_client: Client, committed: Committed
) -> None:
    work = _give(author_client, author, committed, title="Two Shells", gifts="Pageturner, Mx. Ferryman")
    page = parse(author_client.get(reverse("works:edit", args=[work.pk])).content.decode())
    assert page.select_one("input[name=gifts]")["value"] == "Pageturner, Mx. Ferryman"  # type: ignore[index]
    form = work_form_data(author, title="Two Shells", gifts="Mx. Ferryman")
    assert author_client.post(reverse("works:edit", args=[work.pk]), form).status_code == 302
    assert [g.recipient_name for g in Gift.objects.filter(work=work)] == ["Mx. Ferryman"]
    # A form without the field (an older page) leaves the gifts as they are.
    form.pop("gifts")
    author_client.post(reverse("works:edit", args=[work.pk]), form)
    assert Gift.objects.filter(work=work).count() == 1


def test_gift_names_keep_any_script(author: User, author_client: Client, guest: Client, committed: Committed) -> None:
    work = _give(author_client, author, committed, title="Lantern", gifts="“Nadia” ناديا, 灯台守")
    page = parse(guest.get(work.get_absolute_url()).content.decode())
    assert page.select_one("p.gifts").get_text() == "For “Nadia” ناديا, 灯台守."  # type: ignore[union-attr]


def test_a_creator_who_forbids_citing_cannot_be_cited_but_may_cite_themselves(
    author: User, reader: User, author_client: Client, reader_client: Client
) -> None:
    parent = make_work(author, title="Protected Shore")
    update_preferences(author, {"allow_citing": False})
    form = work_form_data(reader, title="Answer Song", parent_url=f"/works/{parent.pk}/")
    page = reader_client.post(reverse("works:new"), form).content.decode()
    assert "The creator of that work does not allow others to cite it." in page
    assert not RelatedWork.objects.exists()
    own = work_form_data(author, title="Sequel", parent_url=f"/works/{parent.pk}/")
    assert author_client.post(reverse("works:new"), own).status_code == 302
    assert RelatedWork.objects.filter(parent=parent).count() == 1


def test_the_preferences_page_offers_co_creators_gifts_and_citing(author: User, author_client: Client) -> None:
    url = reverse("accounts:preferences", args=[author.username])
    page = author_client.get(url).content.decode()
    for name in ("allow_cocreators", "allow_gifts", "allow_citing"):
        assert f'name="{name}"' in page
    update_preferences(author, {"allow_citing": True})
    assert make_user("Bystander").allow_citing


def test_a_gift_notice_stops_naming_creators_once_the_work_turns_anonymous(
    author: User, reader: User, author_client: Client, reader_client: Client, committed: Committed
) -> None:
    work = _give(author_client, author, committed, title="Quiet Harbour", gifts="Pageturner")
    set_work_flags(work, anonymous=True)
    inbox = reader_client.get(reverse("inbox:inbox")).content.decode()
    assert "“Quiet Harbour” is a gift for you" in inbox
    assert "Quillfeather" not in inbox
