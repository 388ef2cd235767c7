"""Reading works through the real pages: the adult gate, hits, kudos, chapters, a long work, listing queries."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pytest_django import DjangoAssertNumQueries

from fanshelf.accounts.actions import update_preferences
from fanshelf.accounts.models import User
from fanshelf.works.models import Work
from tests.core.pages import parse, text_of
from tests.factories import make_user, make_work

GATE = "This work could have adult content."
STORY_START = "The lighthouse keeper counted the gulls"


def shown(client: Client, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, path
    return text_of(response.content.decode())


def guest_from(address: str) -> Client:
    """A guest browser of its own: guests are told apart by address and browser."""
    return Client(REMOTE_ADDR=address, HTTP_USER_AGENT=f"Reader's browser at {address}")


# --- Adult gate ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rating", "gated"),
    [
        ("General Audiences", False),
        ("Teen And Up Audiences", False),
        ("Mature", True),
        ("Explicit", True),
        ("Not Rated", True),
    ],
)
def test_adult_ratings_ask_first(rating: str, gated: bool, author: User, client: Client) -> None:
    work = make_work(author, rating=rating)
    page = shown(client, work.get_absolute_url())
    assert (GATE in page) is gated
    assert (STORY_START in page) is not gated


def test_yes_continue_opens_the_work_and_is_remembered_for_the_visit(author: User, client: Client) -> None:
    first = make_work(author, title="First Adult Work", rating="Explicit")
    second = make_work(author, title="Second Adult Work", rating="Mature")
    gate = parse(client.get(first.get_absolute_url()).content.decode())
    form = gate.find("form", action=reverse("works:confirm_adult", args=[first.pk]))
    assert form is not None
    assert "Yes, continue" in form.get_text()

    response = client.post(reverse("works:confirm_adult", args=[first.pk]), {"next": first.get_absolute_url()})
    assert response.status_code == 302
    assert response["Location"] == first.get_absolute_url()
    assert STORY_START in shown(client, first.get_absolute_url())
    assert STORY_START in shown(client, reverse("works:entire", args=[second.pk]))
    # A fresh browser is asked again.
    assert GATE in shown(Client(), first.get_absolute_url())


def test_the_gate_never_sends_a_reader_to_another_site(author: User, client: Client) -> None:
    work = make_work(author, rating="Explicit")
    response = client.post(reverse("works:confirm_adult", args=[work.pk]), {"next": "https://evil.example/"})
    assert response["Location"] == work.get_absolute_url()


def test_creators_are_not_asked_about_their_own_work(author: User, author_client: Client) -> None:
    work = make_work(author, rating="Explicit")
    assert STORY_START in shown(author_client, work.get_absolute_url())


def test_readers_who_chose_to_skip_the_gate_are_not_asked(author: User, reader: User, reader_client: Client) -> None:
    work = make_work(author, rating="Explicit")
    assert GATE in shown(reader_client, work.get_absolute_url())
    update_preferences(reader, {"skip_adult_gate": True})
    assert STORY_START in shown(reader_client, work.get_absolute_url())


# --- Hits ------------------------------------------------------------------------------------------------------


def hits_shown(client: Client, work: Work) -> str:
    stat = parse(client.get(work.get_absolute_url()).content.decode()).select_one(".hit-count")
    assert stat is not None
    return stat.get_text()


def test_hits_count_each_visitor_once_a_day_and_never_the_creator(
    author: User, author_client: Client, reader_client: Client
) -> None:
    work = make_work(author, chapters=["First chapter of the story.", "Second chapter of the story."])
    first_guest, second_guest = guest_from("198.51.100.1"), guest_from("198.51.100.2")

    first_guest.get(work.get_absolute_url())
    first_guest.get(reverse("works:entire", args=[work.pk]))
    last_chapter = work.chapters.order_by("position").values_list("pk", flat=True)[1]
    first_guest.get(reverse("works:chapter", args=[work.pk, last_chapter]))
    work.refresh_from_db()
    assert work.hit_count == 1

    second_guest.get(work.get_absolute_url())
    reader_client.get(work.get_absolute_url())
    reader_client.get(work.get_absolute_url())
    author_client.get(work.get_absolute_url())
    author_client.get(work.get_absolute_url())
    work.refresh_from_db()
    assert work.hit_count == 3
    assert hits_shown(author_client, work) == "3"


def test_a_visitor_coming_back_the_next_day_counts_again(
    author: User, reader_client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    work = make_work(author)
    reader_client.get(work.get_absolute_url())
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: tomorrow)
    reader_client.get(work.get_absolute_url())
    work.refresh_from_db()
    assert work.hit_count == 2


def test_the_adult_gate_is_not_a_hit(author: User, client: Client) -> None:
    work = make_work(author, rating="Explicit")
    client.get(work.get_absolute_url())
    work.refresh_from_db()
    assert work.hit_count == 0


# --- Kudos -----------------------------------------------------------------------------------------------------


def leave_kudos(client: Client, work: Work) -> str:
    """Press the kudos button and return the message the page then shows."""
    response = client.post(reverse("community:kudos", args=[work.pk]), follow=True)
    assert response.status_code == 200
    messages = parse(response.content.decode()).select(".messages .message")
    return " ".join(message.get_text() for message in messages)


def test_a_reader_leaves_kudos_once(author: User, reader_client: Client) -> None:
    work = make_work(author)
    assert "Thank you for leaving kudos!" in leave_kudos(reader_client, work)
    assert "already left kudos" in leave_kudos(reader_client, work)
    work.refresh_from_db()
    assert work.kudos_count == 1


def test_each_guest_leaves_kudos_once_per_work(author: User) -> None:
    work = make_work(author)
    other_work = make_work(author, title="Another Work")
    first_guest, second_guest = guest_from("192.0.2.10"), guest_from("192.0.2.11")
    assert "Thank you" in leave_kudos(first_guest, work)
    assert "already left kudos" in leave_kudos(first_guest, work)
    assert "Thank you" in leave_kudos(second_guest, work)
    assert "Thank you" in leave_kudos(first_guest, other_work)
    work.refresh_from_db()
    other_work.refresh_from_db()
    assert (work.kudos_count, other_work.kudos_count) == (2, 1)


def test_creators_cannot_leave_kudos_on_their_own_work(author: User, author_client: Client) -> None:
    work = make_work(author)
    page = parse(author_client.get(work.get_absolute_url()).content.decode())
    assert page.find("form", action=reverse("community:kudos", args=[work.pk])) is None
    assert "You can't leave kudos on your own work." in leave_kudos(author_client, work)
    work.refresh_from_db()
    assert work.kudos_count == 0


def test_the_kudos_count_shows_on_the_work_and_in_blurbs(author: User, reader_client: Client, client: Client) -> None:
    work = make_work(author)
    leave_kudos(reader_client, work)
    leave_kudos(client, work)
    page = parse(client.get(work.get_absolute_url()).content.decode())
    count = page.select_one(".kudos-count")
    assert count is not None
    assert count.get_text() == "2"
    summary = page.select_one(".kudos-summary")
    assert summary is not None
    assert summary.get_text() == "Pageturner as well as 1 guest left kudos on this work!"
    for listing in (reverse("home"), reverse("discovery:works")):
        blurb = parse(client.get(listing).content.decode()).select_one(f"#work_{work.pk}")
        assert blurb is not None
        assert "Kudos: 2" in " ".join(blurb.get_text(" ").split())


# --- Chapters --------------------------------------------------------------------------------------------------

CHAPTERS = ["Chapter one begins at the harbour.", "Chapter two crosses the bay.", "Chapter three reaches home."]


def test_the_entire_work_shows_every_chapter_in_order(author: User, client: Client) -> None:
    work = make_work(author, chapters=CHAPTERS)
    page = shown(client, reverse("works:entire", args=[work.pk]))
    positions = [page.index(text) for text in CHAPTERS]
    assert positions == sorted(positions)
    assert "Chapter 1" in page
    assert "Chapter 3" in page


def test_the_work_page_of_a_multi_chapter_work_starts_at_chapter_one(author: User, client: Client) -> None:
    work = make_work(author, chapters=CHAPTERS)
    page = shown(client, work.get_absolute_url())
    assert CHAPTERS[0] in page
    assert CHAPTERS[1] not in page


def navigation_links(client: Client, path: str) -> dict[str, str]:
    page = parse(client.get(path).content.decode())
    nav = page.select_one("nav.chapter-nav")
    assert nav is not None
    links: dict[str, str] = {}
    for link in nav.find_all("a", recursive=False):
        rel = link.get("rel")
        key = rel[0] if isinstance(rel, list) and rel else link.get_text().strip()
        links[key] = str(link.get("href"))
    return links


def test_chapter_pages_link_to_their_neighbours_and_the_entire_work(author: User, client: Client) -> None:
    work = make_work(author, chapters=CHAPTERS)
    first, second, third = (reverse("works:chapter", args=[work.pk, c.pk]) for c in work.chapters.all())
    entire = reverse("works:entire", args=[work.pk])

    assert navigation_links(client, first) == {"next": second, "Entire work": entire}
    assert navigation_links(client, second) == {"prev": first, "next": third, "Entire work": entire}
    assert navigation_links(client, third) == {"prev": second, "Entire work": entire}
    assert navigation_links(client, entire) == {"Chapter by chapter": first}
    for path in (first, second, third):
        assert shown(client, path).count("Chapter") >= 1


def test_a_single_chapter_work_has_no_chapter_navigation(author: User, client: Client) -> None:
    work = make_work(author)
    assert parse(client.get(work.get_absolute_url()).content.decode()).select_one("nav.chapter-nav") is None


# --- A long work ---------------------------------------------------------------------------------------------


def ten_thousand_words(chapter: int) -> str:
    sentence = f"Chapter {chapter} carries the tide-worn lantern past every sleeping house on the quay once again."
    assert len(sentence.split()) == 15
    paragraph = " ".join([sentence] * 20)  # 300 words
    return "\n\n".join([paragraph] * 33) + "\n\n" + " ".join(sentence.split()[:10] * 10)  # 9,900 + 100


def test_a_fifty_thousand_word_work_renders_whole(author: User, client: Client) -> None:
    work = make_work(author, chapters=[ten_thousand_words(n) for n in range(1, 6)])
    assert work.word_count == 50_000
    page = shown(client, reverse("works:entire", args=[work.pk]))
    assert "Words: 50,000" in page
    assert "Chapter 5 carries the tide-worn lantern" in page
    assert "Chapters: 5/5" in page


# --- Listing queries -------------------------------------------------------------------------------------------

LISTING_FANDOM = "Query Count Fandom"


@pytest.fixture
def twenty_works(author: User) -> list[Work]:
    """Twenty works by several creators, each with every kind of tag, two pseuds on some, and kudos."""
    creators = [author, make_user("Second_Creator"), make_user("Third_Creator")]
    works = []
    for number in range(20):
        creator = creators[number % 3]
        works.append(
            make_work(
                creator,
                title=f"Listed Work {number}",
                fandoms=[LISTING_FANDOM, f"Side Fandom {number}"],
                relationships=[f"Person {number}/Person {number + 1}"],
                characters=[f"Person {number}", f"Person {number + 1}"],
                freeforms=[f"Trope {number}", "Shared Trope"],
                categories=["Gen"],
                anonymous=number % 5 == 0,
            )
        )
    return works


# Session, user and page queries plus one per prefetch; a tag page also reads the tag's synonyms, parents and
# metatags. One query per work would add twenty, far past these bounds.
LISTING_QUERY_BOUNDS = {
    reverse("home"): 8,
    reverse("discovery:works"): 8,
    reverse("discovery:tag_works", args=[LISTING_FANDOM]): 16,
}


@pytest.mark.parametrize("viewer", ["guest", "reader"])
def test_listings_of_twenty_works_take_a_fixed_number_of_queries(
    viewer: str,
    twenty_works: list[Work],
    client: Client,
    reader_client: Client,
    django_assert_max_num_queries: DjangoAssertNumQueries,
) -> None:
    browser = client if viewer == "guest" else reader_client
    for path, most_queries in LISTING_QUERY_BOUNDS.items():
        browser.get(path)  # warm the session and any per-process caches
        with django_assert_max_num_queries(most_queries, info=path):
            response = browser.get(path)
        assert response.status_code == 200
        assert text_of(response.content.decode()).count("Listed Work") == 20, path


def test_kudos_on_a_later_chapter_returns_the_reader_to_that_chapter(author: User, reader_client: Client) -> None:
    work = make_work(author, chapters=["The first night was calm.", "The second night brought the storm."])
    second = work.chapters.get(position=2)
    chapter_path = f"/works/{work.pk}/chapters/{second.pk}/"
    response = reader_client.post(f"/works/{work.pk}/kudos/", {"next": chapter_path})
    assert response["Location"] == f"{chapter_path}#kudos"


def test_kudos_never_redirects_off_the_work(author: User, reader_client: Client) -> None:
    work = make_work(author)
    response = reader_client.post(f"/works/{work.pk}/kudos/", {"next": "https://elsewhere.example/"})
    assert response["Location"] == f"/works/{work.pk}/#kudos"
