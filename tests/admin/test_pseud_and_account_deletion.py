"""Deleting a pseud or an account in /admin/ decides what becomes of its works, as the site does: a pseud with works
is kept (with a message saying why), and a deleted account's own works go while works made with others stay."""

from __future__ import annotations

from django.test import Client

from fanshelf.accounts.actions import PseudFields, create_pseud
from fanshelf.accounts.models import Pseud, User
from fanshelf.community.actions import leave_kudos
from fanshelf.works.models import Creatorship, Work
from fanshelf.works.series import add_to_series
from tests.admin.conftest import run_action
from tests.admin.guest_view import bylines, found, listed, tag_listing
from tests.factories import make_work

PSEUDS_ADMIN = "/admin/accounts/pseud/"
USERS_ADMIN = "/admin/accounts/user/"


def test_deleting_a_pseud_with_works_in_the_admin_is_refused_with_a_message(
    moderator_client: Client, author: User, guest: Client
) -> None:
    petrel = create_pseud(author, PseudFields(name="Storm Petrel"))
    make_work(author, title="Lantern Signals", pseuds=[petrel])

    response = moderator_client.post(f"{PSEUDS_ADMIN}{petrel.pk}/delete/", {"post": "yes"}, follow=True)

    assert response.status_code == 200
    assert "“Storm Petrel” still has 1 work." in response.content.decode()
    assert Pseud.objects.filter(pk=petrel.pk).exists()
    assert bylines(guest, "Lantern") == ["Lantern Signals by Storm Petrel (Quillfeather)"]

    spare = create_pseud(author, PseudFields(name="Spare Name"))
    assert moderator_client.post(f"{PSEUDS_ADMIN}{spare.pk}/delete/", {"post": "yes"}).status_code == 302
    assert not Pseud.objects.filter(pk=spare.pk).exists()


def test_bulk_deleting_pseuds_keeps_those_with_works_and_the_default_and_says_why(
    moderator_client: Client, author: User, guest: Client
) -> None:
    petrel = create_pseud(author, PseudFields(name="Storm Petrel"))
    spare = create_pseud(author, PseudFields(name="Spare Name"))
    make_work(author, title="Lantern Signals", pseuds=[petrel])

    page = run_action(moderator_client, PSEUDS_ADMIN, "delete_pseuds", petrel, spare, author.default_pseud())

    assert "Deleted 1 pseud." in page
    assert "“Storm Petrel” still has 1 work." in page
    assert "default pseud cannot be deleted" in page
    assert sorted(author.pseuds.values_list("name", flat=True)) == ["Quillfeather", "Storm Petrel"]
    assert bylines(guest, "Lantern") == ["Lantern Signals by Storm Petrel (Quillfeather)"]


def test_the_pseuds_on_an_account_page_cannot_be_renamed_or_deleted_there(
    superuser_client: Client, author: User
) -> None:
    petrel = create_pseud(author, PseudFields(name="Storm Petrel"))
    page = superuser_client.get(f"{USERS_ADMIN}{author.pk}/change/").content.decode()
    assert "Storm Petrel" in page
    assert 'name="pseuds-0-name"' not in page
    assert 'name="pseuds-0-DELETE"' not in page

    pseud_page = superuser_client.get(f"{PSEUDS_ADMIN}{petrel.pk}/change/").content.decode()
    assert 'name="name"' not in pseud_page
    assert superuser_client.post(f"{PSEUDS_ADMIN}{petrel.pk}/change/", {"name": "Renamed"}).status_code == 403
    petrel.refresh_from_db()
    assert petrel.name == "Storm Petrel"


def test_deleting_an_account_in_the_admin_deletes_its_works_and_uncredits_it_from_shared_ones(
    moderator_client: Client, author: User, reader: User, guest: Client
) -> None:
    make_work(author, title="Lantern Signals", summary="A zephyrine crossing.")
    make_work(author, title="Unfinished Lantern", post=False)
    shared = make_work(reader, title="Two Keepers")
    # No action credits a second account yet (co-creator invitations are to come); the account deletion must
    # already leave such a work to its other creators.
    Creatorship.objects.create(work=shared, pseud=author.default_pseud(), position=1)
    make_work(reader, title="Open Water")
    assert bylines(guest, "Keepers") == ["Two Keepers by Pageturner, Quillfeather"]

    response = moderator_client.post(f"{USERS_ADMIN}{author.pk}/delete/", {"post": "yes"})

    assert response.status_code == 302
    assert not User.objects.filter(pk=author.pk).exists()
    assert found(guest, "zephyrine") == []
    assert found(guest, "Quillfeather") == []
    assert bylines(guest, "Keepers") == ["Two Keepers by Pageturner"]
    count, titles = tag_listing(guest)
    assert (count, sorted(titles)) == ("2 Works", ["Open Water", "Two Keepers"])
    assert sorted(Work.objects.values_list("title", flat=True)) == ["Open Water", "Two Keepers"]


def test_bulk_deleting_accounts_in_the_admin_also_settles_their_works(
    superuser_client: Client, author: User, reader: User, guest: Client
) -> None:
    make_work(author, title="Lantern Signals")
    make_work(reader, title="Open Water")
    data = {"action": "delete_selected", "_selected_action": [author.pk], "post": "yes"}

    superuser_client.post(USERS_ADMIN, data)

    assert not User.objects.filter(pk=author.pk).exists()
    assert listed(guest) == ["Open Water"]


def test_a_deleted_accounts_kudos_and_solo_series_go_with_it(
    moderator_client: Client, author: User, reader: User, guest: Client
) -> None:
    liked = make_work(author, title="Lantern Signals")
    leave_kudos(liked, reader, "")
    own = make_work(reader, title="Open Water")
    series = add_to_series(own, reader, "Tidewater Stories")

    moderator_client.post(f"{USERS_ADMIN}{reader.pk}/delete/", {"post": "yes"})

    liked.refresh_from_db()
    assert liked.kudos_count == 0
    assert guest.get(series.get_absolute_url()).status_code == 404
    assert listed(guest) == ["Lantern Signals"]
