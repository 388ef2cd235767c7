"""Orphaning (issue 11): a creator hands a work, a series, a pseud's works or all their works to the orphan account,
after confirming once more; only their own credit moves, and listings show the new byline at once."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from fanshelf.accounts.actions import PseudFields, check_new_username, create_pseud
from fanshelf.accounts.models import Pseud, User
from fanshelf.works.models import Chapter, Creatorship, Work
from fanshelf.works.orphaning import ORPHAN_USERNAME, orphan_account, orphan_all_works, orphan_work
from fanshelf.works.series import add_to_series
from tests.factories import PASSWORD, make_user, make_work

CONFIRMED = {"name_shown": "orphan", "confirm": "on"}


def _creators(work: Work) -> list[str]:
    credits = Creatorship.objects.filter(work=work).select_related("pseud__user").order_by("position", "pk")
    return [str(credit.pseud) for credit in credits]


def _co_create(work: Work, user: User) -> Pseud:
    """What an accepted co-creator invitation leaves (works/sharing.py): a credit on the work and its chapters."""
    pseud = user.default_pseud()
    Creatorship.objects.create(work=work, pseud=pseud, position=1)
    for chapter in work.chapters.all():
        chapter.creators.add(pseud)
    return pseud


def test_orphaning_a_work_asks_once_more_then_hands_it_over(author_client: Client, author: User) -> None:
    work = make_work(author, title="Lantern Oil")
    url = reverse("works:orphan", args=[work.pk])
    page = author_client.get(url).content.decode()
    assert "cannot be undone" in page
    assert "Lantern Oil" in page

    unconfirmed = author_client.post(url, {"name_shown": "orphan"})
    assert "Tick the box to confirm" in unconfirmed.content.decode()
    assert _creators(work) == ["Quillfeather"]

    response = author_client.post(url, CONFIRMED, follow=True)
    assert "“Lantern Oil” was orphaned." in response.content.decode()
    assert _creators(work) == [ORPHAN_USERNAME]
    # The link to the person is cut: they can no longer edit or orphan it, and readers see the orphan account.
    assert author_client.get(reverse("works:edit", args=[work.pk])).status_code == 404
    assert author_client.get(url).status_code == 404
    page = Client().get(work.get_absolute_url()).content.decode()
    assert ORPHAN_USERNAME in page
    assert "Quillfeather" not in page


def test_keeping_the_name_shows_it_beside_the_orphan_account(author_client: Client, author: User) -> None:
    work = make_work(author)
    author_client.post(reverse("works:orphan", args=[work.pk]), {"name_shown": "keep", "confirm": "on"})
    assert _creators(work) == ["Quillfeather (orphan_account)"]
    assert Pseud.objects.get(name="Quillfeather", user__username=ORPHAN_USERNAME).user != author
    assert "Quillfeather (orphan_account)" in Client().get(work.get_absolute_url()).content.decode()


def test_works_orphaned_under_one_kept_name_share_one_pseud(author: User) -> None:
    first, second = make_work(author, title="One"), make_work(author, title="Two")
    orphan_work(first, author, keep_names=True)
    orphan_work(second, author, keep_names=True)
    assert orphan_account().pseuds.filter(name="Quillfeather").count() == 1


def test_nobody_can_sign_in_as_the_orphan_account_or_take_its_name(author: User) -> None:
    orphan_work(make_work(author), author, keep_names=False)
    orphan = User.objects.get(username=ORPHAN_USERNAME)
    assert not orphan.has_usable_password()
    assert not orphan.is_active
    assert not Client().login(username=ORPHAN_USERNAME, password=PASSWORD)
    with pytest.raises(ValidationError, match="taken"):
        check_new_username(author, "Orphan_Account")
    signup = Client().post(
        reverse("account_signup"),
        {"username": "orphan_account", "email": "o@example.org", "password1": PASSWORD, "password2": PASSWORD},
    )
    assert User.objects.filter(username__iexact=ORPHAN_USERNAME).count() == 1
    assert signup.status_code == 200


def test_a_co_creator_keeps_their_credit_and_chapters(author: User, reader: User) -> None:
    work = make_work(author, chapters=["The first night of the storm, nobody slept.", "By morning, the gulls."])
    theirs = _co_create(work, reader)
    for chapter in work.chapters.all():
        chapter.creators.add(author.default_pseud())
    orphan_work(work, author, keep_names=False)
    assert sorted(_creators(work)) == sorted([ORPHAN_USERNAME, "Pageturner"])
    for chapter in Chapter.objects.filter(work=work):
        names = sorted(p.name for p in chapter.creators.all())
        assert names == sorted([ORPHAN_USERNAME, "Pageturner"])
        assert theirs in chapter.creators.all()
    assert work.is_created_by(reader)


def test_only_creators_may_orphan_a_work_and_drafts_cannot_be(author: User, reader_client: Client) -> None:
    work = make_work(author)
    assert reader_client.get(reverse("works:orphan", args=[work.pk])).status_code == 404
    assert reader_client.post(reverse("works:orphan", args=[work.pk]), CONFIRMED).status_code == 404
    draft = make_work(author, post=False)
    with pytest.raises(ValidationError, match="Drafts cannot be orphaned"):
        orphan_work(draft, author, keep_names=False)
    assert _creators(work) == ["Quillfeather"]


def test_listings_show_the_new_byline_at_once(author: User) -> None:
    work = make_work(author, title="Harbour Fog")
    listing = reverse("discovery:user_works", args=[author.username])
    assert "Harbour Fog" in Client().get(listing).content.decode()
    orphan_work(work, author, keep_names=False)
    assert "Harbour Fog" not in Client().get(listing).content.decode()
    orphan_listing = Client().get(reverse("discovery:user_works", args=[ORPHAN_USERNAME])).content.decode()
    assert "Harbour Fog" in orphan_listing
    search = Client().get(reverse("discovery:works"), {"q": "Quillfeather"}).content.decode()
    assert "Harbour Fog" not in search


def test_orphaning_a_series_takes_its_credit_and_the_creators_works_in_it(author: User, author_client: Client) -> None:
    first, second = make_work(author, title="Ebb"), make_work(author, title="Flow")
    series = add_to_series(first, author, "Tides")
    add_to_series(second, author, "Tides")
    kept = make_work(author, title="Not In It")
    assert "Orphan series" in author_client.get(series.get_absolute_url()).content.decode()
    response = author_client.post(reverse("works:series_orphan", args=[series.pk]), CONFIRMED)
    assert response.status_code == 302
    assert [str(p) for p in series.creators.all()] == [ORPHAN_USERNAME]
    assert _creators(first) == _creators(second) == [ORPHAN_USERNAME]
    assert _creators(kept) == ["Quillfeather"]
    assert author_client.get(reverse("works:series_edit", args=[series.pk])).status_code == 404


def test_orphaning_a_pseuds_works_leaves_the_other_pseuds_and_drafts(author: User, author_client: Client) -> None:
    gull = create_pseud(author, PseudFields(name="Gull"))
    posted = make_work(author, title="Gull Posted", pseuds=[gull])
    draft = make_work(author, title="Gull Draft", pseuds=[gull], post=False)
    other = make_work(author, title="Under The Username")
    pseuds_page = author_client.get(reverse("accounts:pseuds", args=[author.username])).content.decode()
    url = reverse("works:orphan_pseud", args=[author.username, "Gull"])
    assert url in pseuds_page
    page = author_client.get(url).content.decode()
    assert "Gull Posted" in page
    assert "Gull Draft" not in page
    author_client.post(url, {"name_shown": "keep", "confirm": "on"})
    assert _creators(posted) == ["Gull (orphan_account)"]
    assert _creators(draft) == ["Gull (Quillfeather)"]
    assert _creators(other) == ["Quillfeather"]


def test_orphaning_all_works_from_the_account_page(author: User, author_client: Client, reader: User) -> None:
    works = [make_work(author, title=f"Shell {n}") for n in range(3)]
    shared = make_work(author, title="Shared Shell")
    _co_create(shared, reader)
    dashboard = author_client.get(reverse("accounts:dashboard", args=[author.username])).content.decode()
    url = reverse("works:orphan_all", args=[author.username])
    assert url in dashboard
    assert "Shared Shell" in author_client.get(url).content.decode()
    author_client.post(url, CONFIRMED)
    assert all(_creators(work) == [ORPHAN_USERNAME] for work in works)
    assert sorted(_creators(shared)) == sorted([ORPHAN_USERNAME, "Pageturner"])
    assert not Work.objects.filter(creatorships__pseud__user=author).exists()


def test_only_the_account_owner_may_orphan_its_pseuds_works(author: User, reader_client: Client) -> None:
    make_work(author)
    assert reader_client.get(reverse("works:orphan_all", args=[author.username])).status_code == 403
    url = reverse("works:orphan_pseud", args=[author.username, author.username])
    assert reader_client.post(url, CONFIRMED).status_code == 403
    assert Client().get(url).status_code == 302  # a guest is sent to log in
    assert orphan_all_works(make_user("Driftwood"), keep_names=False) == 0


def test_a_kept_name_in_any_script_survives_orphaning(author: User) -> None:
    names = ["灯台守", "שומר המגדלור"]
    works = [make_work(author, title=f"Light {n}", pseuds=[create_pseud(author, PseudFields(name=n))]) for n in names]
    for work in works:
        orphan_work(work, author, keep_names=True)
    assert [_creators(work) for work in works] == [[f"{name} (orphan_account)"] for name in names]
    assert "灯台守 (orphan_account)" in Client().get(works[0].get_absolute_url()).content.decode()


def test_an_orphan_account_someone_can_sign_in_to_is_never_given_works(author_client: Client, author: User) -> None:
    make_user("Orphan_Account")  # made before the name was reserved, with a password
    work = make_work(author)
    response = author_client.post(reverse("works:orphan", args=[work.pk]), CONFIRMED)
    assert "The orphan account is misconfigured" in response.content.decode()
    assert _creators(work) == ["Quillfeather"]
