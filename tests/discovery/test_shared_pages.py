"""Listing pages are memoised (whole pages for guests, blurbs for everyone) by what they show; a reader must never
notice: every change shows at once, and nobody gets a page or blurb meant for someone else."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from fanshelf.accounts.actions import PseudFields, create_pseud, update_preferences, update_pseud
from fanshelf.accounts.models import User
from fanshelf.community.actions import leave_kudos
from fanshelf.works.actions import set_hidden_by_moderator
from tests.core.pages import listed_titles, parse
from tests.factories import make_work

WORKS = reverse("discovery:works")


def kudos_shown(page: object, title: str) -> str:
    for blurb in parse(page.content.decode()).select("li.blurb"):  # type: ignore[attr-defined]
        heading = blurb.select_one("h3 a")
        if heading is not None and heading.get_text() == title:
            figure = blurb.select_one("dl.stats dt:-soup-contains('Kudos:') + dd")
            assert figure is not None
            return figure.get_text()
    raise AssertionError(f"no blurb for {title}")


def bylines(page: object) -> list[str]:
    return [h3.get_text(" ", strip=True) for h3 in parse(page.content.decode()).select("li.blurb h3")]  # type: ignore[attr-defined]


def test_a_guest_sees_new_kudos_hides_and_posts_on_the_next_load(author: User, reader: User, guest: Client) -> None:
    kept = make_work(author, title="Harbour Bells")
    hidden = make_work(author, title="Fog Signals")
    assert kudos_shown(guest.get(WORKS), "Harbour Bells") == "0"
    assert sorted(listed_titles(guest.get(WORKS))) == ["Fog Signals", "Harbour Bells"]

    leave_kudos(kept, reader, "")
    set_hidden_by_moderator(hidden, True)
    make_work(author, title="Tide Tables")

    page = guest.get(WORKS)
    assert kudos_shown(page, "Harbour Bells") == "1"
    assert sorted(listed_titles(page)) == ["Harbour Bells", "Tide Tables"]


def test_a_renamed_pseud_shows_and_sorts_by_its_new_name(author: User, guest: Client) -> None:
    pseud = create_pseud(author, PseudFields(name="Brine"))
    make_work(author, title="Under Brine", pseuds=[pseud])
    make_work(author, title="Under the Username")
    by_creator = f"{WORKS}?sort=creator"
    assert listed_titles(guest.get(by_creator)) == ["Under Brine", "Under the Username"]

    update_pseud(pseud, PseudFields(name="Zephyr"))

    page = guest.get(by_creator)
    assert listed_titles(page) == ["Under the Username", "Under Brine"]
    assert "Under Brine by Zephyr (Quillfeather)" in bylines(page)


def test_a_readers_preferences_are_not_overridden_by_the_guests_page(
    author: User, reader: User, reader_client: Client, guest: Client
) -> None:
    make_work(author, title="Lantern Keepers", freeforms=["Found Family"])
    assert "Found Family" in guest.get(WORKS).content.decode()
    assert "Found Family" in reader_client.get(WORKS).content.decode()  # memoised for this reader, too
    update_preferences(reader, {"show_freeforms": False})
    assert "Found Family" not in reader_client.get(WORKS).content.decode()
    assert "Found Family" in guest.get(WORKS).content.decode()


def test_a_message_waiting_for_a_guest_is_shown_on_a_memoised_page(author: User, guest: Client) -> None:
    make_work(author, title="Harbour Bells")
    guest.get(WORKS)  # memoised for guests
    leaving = Client()
    leaving.force_login(author)
    leaving.post(reverse("account_logout"))  # "You have signed out.", shown on the next page this browser loads
    page = leaving.get(WORKS)
    assert "signed out" in page.content.decode()
    assert "signed out" not in leaving.get(WORKS).content.decode()


def test_a_username_changed_in_the_admin_updates_the_creator_links(author: User, guest: Client) -> None:
    make_work(author, title="Harbour Bells")
    assert "/users/Quillfeather/" in guest.get(WORKS).content.decode()
    author.username = "Quillwright"
    author.save()  # what the admin's change form does
    page = guest.get(WORKS).content.decode()
    assert "/users/Quillwright/" in page
    assert "/users/Quillfeather/" not in page


def test_each_reader_gets_their_own_header_around_a_memoised_listing(
    author: User, author_client: Client, reader_client: Client, guest: Client
) -> None:
    make_work(author, title="Harbour Bells")
    for _ in range(2):  # the second round is served from the memo
        assert "Log in" in guest.get(WORKS).content.decode()
        for client, name in ((author_client, "Quillfeather"), (reader_client, "Pageturner")):
            header = parse(client.get(WORKS).content.decode()).select_one("header.site-header")
            assert header is not None
            assert name in header.get_text()
            assert header.select_one("input[name=csrfmiddlewaretoken]") is not None
