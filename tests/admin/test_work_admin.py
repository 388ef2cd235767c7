"""A moderator's changes to works in /admin/ reach every page a guest reads: listings, text search, tag counts,
feeds, OPDS and downloads. The work's admin page itself changes nothing."""

from __future__ import annotations

from django.test import Client

from fanshelf.accounts.models import User
from fanshelf.works.models import Work
from tests.admin.conftest import run_action
from tests.admin.guest_view import bylines, epub_text, feed_entries, found, listed, opds_new, tag_listing
from tests.core.pages import listed_titles
from tests.factories import make_work

WORKS_ADMIN = "/admin/works/work/"


def _change_form_post(work: Work, **changes: object) -> dict[str, object]:
    """What a browser would send from an editable work form, with some fields changed."""
    data: dict[str, object] = {
        "title": work.title,
        "language": work.language,
        "expected_chapters": "1",
        "creatorships-TOTAL_FORMS": "0",
        "creatorships-INITIAL_FORMS": "0",
        "chapters-TOTAL_FORMS": "0",
        "chapters-INITIAL_FORMS": "0",
        "_save": "Save",
    }
    data.update(changes)
    return data


def test_a_work_restricted_in_the_admin_disappears_for_guests_but_not_for_readers(
    moderator_client: Client, author: User, guest: Client, reader_client: Client
) -> None:
    work = make_work(author, title="Lantern Signals", summary="A zephyrine crossing.")
    make_work(author, title="Open Water")
    assert found(guest, "zephyrine") == ["Lantern Signals"]

    page = run_action(moderator_client, WORKS_ADMIN, "restrict_works", work)

    assert "1 work(s) restricted." in page
    assert found(guest, "zephyrine") == []
    assert listed(guest) == ["Open Water"]
    assert tag_listing(guest) == ("1 Work", ["Open Water"])
    assert "Lantern Signals" not in feed_entries(guest)
    assert "Lantern Signals" not in opds_new(guest)
    assert epub_text(guest, work) is None
    assert found(reader_client, "zephyrine") == ["Lantern Signals"]


def test_a_work_opened_to_guests_in_the_admin_shows_up_for_them(
    moderator_client: Client, author: User, guest: Client
) -> None:
    work = make_work(author, title="Lantern Signals", restricted=True)
    assert found(guest, "Lantern") == []

    run_action(moderator_client, WORKS_ADMIN, "unrestrict_works", work)

    assert found(guest, "Lantern") == ["Lantern Signals"]
    assert tag_listing(guest) == ("1 Work", ["Lantern Signals"])


def test_a_work_made_anonymous_in_the_admin_no_longer_names_its_creator_anywhere(
    moderator_client: Client, author: User, guest: Client
) -> None:
    work = make_work(author, title="Lantern Signals")
    assert bylines(guest, "Lantern") == ["Lantern Signals by Quillfeather"]

    run_action(moderator_client, WORKS_ADMIN, "make_anonymous", work)

    assert bylines(guest, "Lantern") == ["Lantern Signals by Anonymous"]
    assert found(guest, "Quillfeather") == []
    assert listed_titles(guest.get("/users/Quillfeather/works/")) == []
    assert "Quillfeather" not in feed_entries(guest)
    assert "Quillfeather" not in opds_new(guest)
    text = epub_text(guest, work)
    assert text is not None
    assert "Lantern Signals" in text
    assert "Quillfeather" not in text


def test_a_work_credited_again_in_the_admin_names_its_creator(
    moderator_client: Client, author: User, guest: Client
) -> None:
    work = make_work(author, title="Lantern Signals", anonymous=True)

    run_action(moderator_client, WORKS_ADMIN, "reveal_creators", work)

    assert bylines(guest, "Quillfeather") == ["Lantern Signals by Quillfeather"]


def test_an_unrevealed_work_leaves_every_listing_and_the_counts_match_the_lists(
    moderator_client: Client, author: User, guest: Client, reader_client: Client
) -> None:
    work = make_work(author, title="Lantern Signals", summary="A zephyrine crossing.")
    make_work(author, title="Open Water")

    run_action(moderator_client, WORKS_ADMIN, "make_unrevealed", work)

    assert found(guest, "zephyrine") == []
    assert found(reader_client, "zephyrine") == []
    assert tag_listing(guest) == ("1 Work", ["Open Water"])
    assert tag_listing(reader_client) == ("1 Work", ["Open Water"])
    assert "Lantern Signals" not in feed_entries(guest)
    assert "Lantern Signals" not in opds_new(guest)
    assert epub_text(guest, work) is None
    assert reader_client.get(work.get_absolute_url()).status_code == 404

    run_action(moderator_client, WORKS_ADMIN, "reveal_works", work)

    assert found(guest, "zephyrine") == ["Lantern Signals"]
    count, titles = tag_listing(guest)
    assert (count, sorted(titles)) == ("2 Works", ["Lantern Signals", "Open Water"])


def test_the_works_admin_page_changes_nothing_when_posted_to(
    moderator_client: Client, superuser_client: Client, author: User, guest: Client
) -> None:
    work = make_work(author, title="Lantern Signals")
    url = f"{WORKS_ADMIN}{work.pk}/change/"
    page = moderator_client.get(url).content.decode()
    assert "Lantern Signals" in page
    assert 'name="restricted"' not in page
    assert 'name="title"' not in page
    assert 'name="creatorships-0-pseud"' not in page
    assert 'name="chapters-0-title"' not in page

    for client in (moderator_client, superuser_client):
        data = _change_form_post(work, title="Renamed", restricted="on", anonymous="on", unrevealed="on")
        assert client.post(url, data).status_code == 403

    work.refresh_from_db()
    assert (work.title, work.restricted, work.anonymous, work.unrevealed) == ("Lantern Signals", False, False, False)
    assert bylines(guest, "Lantern") == ["Lantern Signals by Quillfeather"]


def test_a_work_deleted_on_its_admin_delete_page_leaves_the_listings(
    moderator_client: Client, author: User, guest: Client
) -> None:
    work = make_work(author, title="Lantern Signals", summary="A zephyrine crossing.")
    make_work(author, title="Open Water")
    assert found(guest, "zephyrine") == ["Lantern Signals"]

    response = moderator_client.post(f"{WORKS_ADMIN}{work.pk}/delete/", {"post": "yes"})

    assert response.status_code == 302
    assert not Work.objects.filter(pk=work.pk).exists()
    assert found(guest, "zephyrine") == []
    assert tag_listing(guest) == ("1 Work", ["Open Water"])


def test_the_works_list_offers_no_bulk_delete_that_skips_the_listings(moderator_client: Client) -> None:
    actions = moderator_client.get(WORKS_ADMIN).context["action_form"].fields["action"].choices
    names = [name for name, _ in actions]
    assert "delete_selected" not in names
    assert {"delete_works", "restrict_works", "make_anonymous", "make_unrevealed"} <= set(names)
