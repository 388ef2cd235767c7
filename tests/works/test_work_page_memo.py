"""Guest work pages come from a memo (works/page_memo.py): the second guest gets the same body without it being
rendered again, and every change to what the page shows reaches the very next guest."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from fanshelf.accounts.actions import PseudFields, create_pseud, update_pseud
from fanshelf.accounts.models import User
from fanshelf.comments.actions import post_comment
from fanshelf.tags.actions import rename_tag
from fanshelf.tags.models import Tag
from fanshelf.works import page_memo
from fanshelf.works.actions import (
    ChapterFields,
    WorkFields,
    add_chapter,
    set_hidden_by_moderator,
    set_work_flags,
    update_chapter,
    update_work,
)
from fanshelf.works.models import Work
from fanshelf.works.series import add_to_series
from fanshelf.works.sharing import give, invite
from tests.core.pages import page_title, parse, text_of
from tests.factories import make_user, make_work, signed_in_client

STORY = "The ferry bell rang for nobody, and the harbour answered anyway."


def guest_from(address: str) -> Client:
    """A guest browser of its own: guests are told apart by address and browser."""
    return Client(REMOTE_ADDR=address, HTTP_USER_AGENT=f"Browser at {address}")


def read(client: Client, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, path
    return str(response.content.decode())


def served() -> int:
    return page_memo.counts["served"]


def edit(work: Work, author: User, **changes: Any) -> None:
    """The work's fields as the creator would send them, with these changed."""
    fields: dict[str, Any] = {
        "title": work.title,
        "pseuds": [author.default_pseud()],
        "rating": "General Audiences",
        "warnings": ["No Archive Warnings Apply"],
        "fandoms": ["Tidewater Chronicles"],
        "expected_chapters": None,
    }
    update_work(Work.objects.get(pk=work.pk), author, WorkFields(**{**fields, **changes}))


@pytest.fixture
def work(author: User) -> Work:
    return make_work(author, title="Harbour Bells", chapters=[STORY], freeforms=["Fog"])


def test_the_second_guest_gets_the_page_from_the_memo_with_their_own_hit_counted(work: Work) -> None:
    first = read(guest_from("10.0.0.1"), work.get_absolute_url())
    before = served()
    second = read(guest_from("10.0.0.2"), work.get_absolute_url())
    assert served() == before + 1
    assert STORY in text_of(second)
    # Each page shows the hits counted before it (its own is counted once it has gone out), from the work's row.
    assert text_of(parse(first).select_one("dd.hit-count").decode()) == "0"  # type: ignore[union-attr]
    assert text_of(parse(second).select_one("dd.hit-count").decode()) == "1"  # type: ignore[union-attr]
    assert Work.objects.get(pk=work.pk).hit_count == 2
    assert page_title(second) == page_title(first) == "Harbour Bells - Quillfeather - Tidewater Chronicles [Fanshelf]"


def test_a_guest_seen_twice_still_counts_once_when_the_page_comes_from_the_memo(work: Work) -> None:
    visitor = guest_from("10.0.0.3")
    read(visitor, work.get_absolute_url())
    read(visitor, work.get_absolute_url())
    read(guest_from("10.0.0.4"), work.get_absolute_url())
    assert Work.objects.get(pk=work.pk).hit_count == 2


def test_each_guest_gets_their_own_csrf_token_and_the_kudos_button(work: Work) -> None:
    one, other = guest_from("10.0.0.5"), guest_from("10.0.0.6")
    pages = [parse(read(client, work.get_absolute_url())) for client in (one, other)]
    tokens = [page.select_one("#kudos input[name=csrfmiddlewaretoken]") for page in pages]
    assert all(token is not None for token in tokens)
    assert tokens[0]["value"] != tokens[1]["value"]  # type: ignore[index]
    response = other.post(reverse("community:kudos", args=[work.pk]), {"next": work.get_absolute_url()})
    assert response.status_code == 302
    assert "1 guest left kudos" in text_of(read(other, work.get_absolute_url()))


def test_edits_to_the_work_and_its_chapter_show_to_the_next_guest(work: Work, author: User) -> None:
    read(guest_from("10.0.1.1"), work.get_absolute_url())
    edit(work, author, title="Harbour Bells at Dusk", summary="<p>A quiet crossing.</p>")
    page = text_of(read(guest_from("10.0.1.2"), work.get_absolute_url()))
    assert "Harbour Bells at Dusk" in page
    assert "A quiet crossing." in page
    update_chapter(work.chapters.get(), ChapterFields(content="<p>The bell rang twice now.</p>"))
    page = text_of(read(guest_from("10.0.1.3"), work.get_absolute_url()))
    assert "The bell rang twice now." in page
    assert STORY not in page


def test_a_new_chapter_shows_to_the_next_guest(work: Work) -> None:
    read(guest_from("10.0.2.1"), work.get_absolute_url())
    add_chapter(Work.objects.get(pk=work.pk), ChapterFields(content="<p>Low tide at last.</p>"), post=True)
    page = parse(read(guest_from("10.0.2.2"), work.get_absolute_url()))
    assert page.select_one("a[rel=next]") is not None  # a next chapter to go to
    entire = text_of(read(guest_from("10.0.2.3"), reverse("works:entire", args=[work.pk])))
    assert "Low tide at last." in entire


def test_hiding_or_restricting_a_work_takes_it_from_guests_at_once(work: Work, author: User, moderator: User) -> None:
    read(guest_from("10.0.3.1"), work.get_absolute_url())
    set_hidden_by_moderator(Work.objects.get(pk=work.pk), True, acting=moderator)
    assert guest_from("10.0.3.2").get(work.get_absolute_url()).status_code == 404
    set_hidden_by_moderator(Work.objects.get(pk=work.pk), False, acting=moderator)
    read(guest_from("10.0.3.3"), work.get_absolute_url())
    set_work_flags(Work.objects.get(pk=work.pk), restricted=True, acting=moderator)
    response = guest_from("10.0.3.4").get(work.get_absolute_url())
    assert response.status_code in (302, 403)
    assert STORY not in response.content.decode()


def test_a_new_comment_shows_to_the_next_guest(work: Work, reader: User) -> None:
    read(guest_from("10.0.4.1"), work.get_absolute_url())
    post_comment(
        Work.objects.get(pk=work.pk), "The bell scene stayed with me.", user=reader, pseud=reader.default_pseud()
    )
    page = text_of(read(guest_from("10.0.4.2"), work.get_absolute_url()))
    assert "The bell scene stayed with me." in page


def test_changed_tags_and_a_wrangled_tag_show_to_the_next_guest(work: Work, author: User, moderator: User) -> None:
    read(guest_from("10.0.5.1"), work.get_absolute_url())
    edit(work, author, freeforms=["Fog", "Lighthouses"])
    assert "Lighthouses" in text_of(read(guest_from("10.0.5.2"), work.get_absolute_url()))
    rename_tag(Tag.objects.get(name="Fog"), "FOG", by=moderator)
    page = parse(read(guest_from("10.0.5.3"), work.get_absolute_url()))
    assert [a.get_text() for a in page.select("section.work-meta a.tag")][-2:] == ["FOG", "Lighthouses"]


def test_a_creators_pseud_rename_shows_to_the_next_guest(author: User) -> None:
    pseud = create_pseud(author, PseudFields(name="Mistwalker"))
    work = make_work(author, title="Under the Pier", pseuds=[pseud])
    assert "Mistwalker" in text_of(read(guest_from("10.0.6.1"), work.get_absolute_url()))
    update_pseud(pseud, PseudFields(name="Fogwalker"))
    page = read(guest_from("10.0.6.2"), work.get_absolute_url())
    assert "Fogwalker" in text_of(page)
    assert "Mistwalker" not in page


def test_a_retitled_series_neighbour_shows_to_the_next_guest(author: User) -> None:
    first, second = make_work(author, title="Pier One"), make_work(author, title="Pier Two")
    for part in (first, second):
        add_to_series(part, author, "The Piers")
    assert "Pier Two" in text_of(read(guest_from("10.0.11.1"), first.get_absolute_url()))
    edit(second, author, title="Pier Two, Revisited")  # an outbox row for the neighbour, none for this work
    page = parse(read(guest_from("10.0.11.2"), first.get_absolute_url()))
    assert text_of(page.select_one("nav.series-nav a[rel=next]").decode()) == "Next work: Pier Two, Revisited →"  # type: ignore[union-attr]


def test_the_adult_gate_still_asks_each_new_guest_and_not_after_they_agree(author: User) -> None:
    work = make_work(author, title="Deep Water", rating="Explicit", chapters=[STORY])
    read(guest_from("10.0.7.1"), work.get_absolute_url())  # a guest before: the gate, not the work
    agreed = guest_from("10.0.7.2")
    agreed.post(reverse("works:confirm_adult", args=[work.pk]), {"next": work.get_absolute_url()})
    assert STORY in text_of(read(agreed, work.get_absolute_url()))
    assert STORY in text_of(read(agreed, work.get_absolute_url()))
    newcomer = text_of(read(guest_from("10.0.7.3"), work.get_absolute_url()))
    assert "This work could have adult content." in newcomer
    assert STORY not in newcomer


def test_a_rating_raised_to_explicit_gates_the_next_guest(work: Work, author: User) -> None:
    """The gate reads the rating from the memoised tags of the work's version: a new rating is a new version."""
    assert STORY in text_of(read(guest_from("10.0.7.4"), work.get_absolute_url()))
    assert STORY in text_of(read(guest_from("10.0.7.5"), work.get_absolute_url()))
    edit(work, author, title="Harbour Bells", rating="Explicit", freeforms=["Fog"])
    newcomer = text_of(read(guest_from("10.0.7.6"), work.get_absolute_url()))
    assert "This work could have adult content." in newcomer
    assert STORY not in newcomer


def test_a_guest_work_page_reads_its_tags_and_credits_in_the_statement_that_reads_the_work(work: Work) -> None:
    """One round trip for the work, its probe, its tags' ids and its credits, memoised body or not."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for visitor in ("203.0.113.78", "203.0.113.79"):  # the body rendered, then served from the memo
        with CaptureQueriesContext(connection) as queries:
            page = text_of(read(guest_from(visitor), work.get_absolute_url()))
        assert "Fog" in page
        assert "Quillfeather" in page
        reading = [q["sql"] for q in queries if "works_work_tags" in q["sql"] or "works_creatorship" in q["sql"]]
        assert len(reading) == 1
        assert "works_creatorship" in reading[0]
        assert "works_work_tags" in reading[0]
        assert reading[0].startswith('SELECT "works_work"."id"')


def test_creators_and_moderators_never_get_the_shared_body(work: Work, client_for: dict[str, Client]) -> None:
    guest_page = read(guest_from("10.0.8.1"), work.get_absolute_url())
    before = served()
    creator_page = read(client_for["creator"], work.get_absolute_url())
    moderator_page = read(client_for["moderator"], work.get_absolute_url())
    assert served() == before
    assert "Edit work" in text_of(creator_page)
    assert "Edit work" not in text_of(guest_page)
    assert "Edit work" not in text_of(moderator_page)
    assert parse(creator_page).select_one("form[action$='/kudos/']") is None  # no kudos on one's own work


def test_signed_in_readers_get_the_shared_body_with_their_own_sharing_buttons(
    work: Work, author: User, reader: User, client_for: dict[str, Client]
) -> None:
    give(work, author, [reader.username])
    invite(work, author, [make_user("Inkwell", allow_cocreators=True).username])
    guest_page = read(guest_from("10.0.8.2"), work.get_absolute_url())
    before = served()
    recipient_page = read(client_for["reader"], work.get_absolute_url())
    other_page = read(signed_in_client(make_user("Driftwood")), work.get_absolute_url())
    invitee_page = read(signed_in_client(User.objects.get(username="Inkwell")), work.get_absolute_url())
    assert served() == before + 3
    accept = "form[action$='/invitation/accept/']"
    assert parse(invitee_page).select_one(accept) is not None
    assert parse(recipient_page).select_one(accept) is None
    for page in (guest_page, recipient_page, other_page, invitee_page):
        assert STORY in text_of(page)
        assert [line.get_text() for line in parse(page).select("p.gifts")] == [f"For {reader.username}."]
    refuse = "form[action$='/gift/refuse/']"
    assert parse(recipient_page).select_one(refuse) is not None
    assert parse(other_page).select_one(refuse) is None
    assert parse(guest_page).select_one(refuse) is None
    assert parse(other_page).select_one("#kudos form") is not None
    assert "Edit work" not in text_of(recipient_page)


def test_a_restricted_anonymous_work_shares_its_body_among_signed_in_readers_only(
    author: User, client_for: dict[str, Client]
) -> None:
    work = make_work(author, title="Locked Harbour", chapters=[STORY], restricted=True, anonymous=True)
    url = work.get_absolute_url()
    first = read(client_for["reader"], url)
    before = served()
    second = read(signed_in_client(make_user("Driftwood")), url)
    assert served() == before + 1
    for page in (first, second):
        assert STORY in text_of(page)
        assert "Restricted: registered users only" in text_of(page)
        assert [line.get_text() for line in parse(page).select("p.byline")] == ["by Anonymous"]
    answer = guest_from("10.0.8.3").get(url)
    assert answer.status_code == 302
    assert STORY not in answer.content.decode()
    creator_page = read(client_for["creator"], url)
    assert served() == before + 1
    assert parse(creator_page).select_one("p.byline a[rel=author]") is not None


def test_right_to_left_and_cjk_text_come_back_from_the_memo_unchanged(author: User) -> None:
    title, text = "مرفأ الأجراس", "<p>灯台の光が「霧」を切った。</p>"
    work = make_work(author, title=title, chapters=[text], language="ar")
    first = read(guest_from("10.0.9.1"), work.get_absolute_url())
    before = served()
    second = read(guest_from("10.0.9.2"), work.get_absolute_url())
    assert served() == before + 1
    heading = parse(second).select_one("h1#work-title")
    assert heading is not None
    assert heading.get_text() == title
    assert heading["dir"] == "rtl"
    assert "灯台の光が「霧」を切った。" in text_of(second)
    assert page_title(second) == page_title(first)


def test_the_memo_switched_off_renders_every_page(work: Work, settings: Any) -> None:
    settings.FANSHELF_WORK_PAGE_MEMO = 0
    read(guest_from("10.0.10.1"), work.get_absolute_url())
    before = served()
    assert STORY in text_of(read(guest_from("10.0.10.2"), work.get_absolute_url()))
    assert served() == before


def test_a_guest_page_not_in_the_memo_reads_the_work_once(work: Work) -> None:
    """The version is read before the work, so the body is rendered from the view's own read of it (a second
    read of the work and its tags, creators and gifts cost a third of the page)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    rendered = page_memo.counts["rendered"]
    with CaptureQueriesContext(connection) as queries:
        page = read(guest_from("203.0.113.77"), work.get_absolute_url())
    assert STORY in page
    assert page_memo.counts["rendered"] == rendered + 1
    reads_of_the_work = [q["sql"] for q in queries if q["sql"].startswith('SELECT "works_work"."id"')]
    assert len(reads_of_the_work) == 1, reads_of_the_work


def test_a_guests_first_view_of_a_work_without_gifts_or_audio_reads_neither(work: Work) -> None:
    """The probe says the work has neither (most have not), so the page does not ask for them."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        page = read(guest_from("203.0.113.80"), work.get_absolute_url())
    assert STORY in text_of(page)
    statements = [q["sql"] for q in queries]
    assert any(sql.startswith('SELECT "works_chapter"."id"') for sql in statements)  # the log is kept
    assert not [sql for sql in statements if sql.startswith(('SELECT "works_gift"', 'SELECT "audio_audiofile"'))]


def test_a_gift_given_after_guests_read_the_work_shows_to_the_next_guest(
    work: Work, author: User, reader: User
) -> None:
    first = read(guest_from("10.0.11.1"), work.get_absolute_url())
    assert parse(first).select("p.gifts") == []
    give(work, author, [reader.username])
    after = read(guest_from("10.0.11.2"), work.get_absolute_url())
    assert [line.get_text() for line in parse(after).select("p.gifts")] == [f"For {reader.username}."]


def test_the_kudos_line_comes_with_the_probe_and_shows_new_kudos_at_once(work: Work, reader: User) -> None:
    """Kudos change no body (the memo keeps it), and the kudos line's counts come in the probe, which the work's
    row is read with: a guest's page after new kudos shows them, with no statement of its own for the counts."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    read(guest_from("203.0.113.90"), work.get_absolute_url())
    kudos = reverse("community:kudos", args=[work.pk])
    assert signed_in_client(reader).post(kudos).status_code == 302
    assert guest_from("203.0.113.91").post(kudos).status_code == 302
    rendered = page_memo.counts["rendered"]
    with CaptureQueriesContext(connection) as queries:
        page = read(guest_from("203.0.113.92"), work.get_absolute_url())
    line = f"{reader.username} as well as 1 guest left kudos on this work!"
    assert parse(page).select_one(".kudos-summary").get_text() == line  # type: ignore[union-attr]
    assert page_memo.counts["rendered"] == rendered, "served from the memo"
    counts = [q["sql"] for q in queries if "COUNT" in q["sql"] and "community_kudos" in q["sql"]]
    assert len(counts) == 1, counts
    assert '"works_work"."title"' in counts[0], "the counts come with the work's row"
    signed_in = parse(read(signed_in_client(reader), work.get_absolute_url())).select_one(".kudos-summary")
    assert signed_in is not None
    assert signed_in.get_text() == line


def test_a_work_nobody_commented_on_reads_no_comments_and_the_first_shows_at_once(work: Work, reader: User) -> None:
    """The probe says whether any comment was left on the work at all; when none (most works), the page reads no
    comment. The first comment moves no version, and the next page shows it."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    read(guest_from("203.0.113.93"), work.get_absolute_url())
    with CaptureQueriesContext(connection) as queries:
        read(guest_from("203.0.113.94"), work.get_absolute_url())
    assert [q["sql"] for q in queries if 'FROM "comments_comment"' in q["sql"]] == []
    post_comment(work, "The bell again — 鐘の音 — הפעמון", user=reader, pseud=reader.default_pseud())
    for client in (guest_from("203.0.113.95"), signed_in_client(reader)):
        assert "The bell again — 鐘の音 — הפעמון" in text_of(read(client, work.get_absolute_url()))
