"""Related works name a work only to readers who may open it: "Works citing yours", the parent's and the child's
pages, a creator's list of parents and the email to a parent's creators follow WorkQuerySet, as the work's own
page does."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail
from django.test import Client

from fanshelf.accounts.models import User
from fanshelf.works.actions import set_hidden_by_moderator, set_work_flags
from fanshelf.works.models import RelatedWork, RelationKind, Work
from fanshelf.works.related import ParentReference, approve_link, cite_parent
from tests.factories import make_user, make_work

CHILD = "Ember Variations"
CHILD_CREATOR = "Emberwright"


@pytest.fixture
def child_creator(db: None) -> User:
    return make_user(CHILD_CREATOR)


@pytest.fixture
def parent(author: User) -> Work:
    return make_work(author, title="Salt and Lanterns")


def cite(child_creator: User, parent: Work, *, approve: bool = True, **flags: Any) -> tuple[Work, RelatedWork]:
    """A posted child by `child_creator` citing `parent` (approved by its creator unless told not to)."""
    child = make_work(child_creator, title=CHILD, anonymous=flags.pop("anonymous", False))
    link = cite_parent(child, child_creator, ParentReference(url=f"/works/{parent.pk}/", kind=RelationKind.INSPIRED))
    if approve:
        approve_link(link, parent.creator_pseuds[0].user)
    if flags.pop("hidden", False):
        set_hidden_by_moderator(child, hidden=True)
    set_work_flags(child, **flags)
    return child, link


def page(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_a_hidden_child_is_unknown_to_the_parents_creator_everywhere(
    parent: Work, child_creator: User, author_client: Client
) -> None:
    child, link = cite(child_creator, parent, approve=False, hidden=True)
    assert author_client.get(child.get_absolute_url()).status_code == 404
    citing = page(author_client, "/works/related/")
    assert CHILD not in citing
    assert CHILD_CREATOR not in citing
    assert author_client.post(f"/works/related/{link.pk}/approve/").status_code == 404
    assert not RelatedWork.objects.get(pk=link.pk).approved


@pytest.mark.parametrize("flag", ["hidden", "unrevealed"])
def test_an_approved_child_hidden_or_unrevealed_later_leaves_the_parents_page(
    flag: str, parent: Work, child_creator: User, author_client: Client, reader_client: Client, guest: Client
) -> None:
    cite(child_creator, parent, **{flag: True})
    for client in (author_client, reader_client, guest):
        shown = page(client, parent.get_absolute_url())
        assert CHILD not in shown
        assert CHILD_CREATOR not in shown
        assert "Works inspired by this one" not in shown


def test_a_moderator_still_sees_a_hidden_child_on_the_parents_page(
    parent: Work, child_creator: User, moderator_client: Client
) -> None:
    cite(child_creator, parent, hidden=True)
    assert CHILD in page(moderator_client, parent.get_absolute_url())


def test_a_restricted_child_is_a_restricted_work_to_guests_and_named_to_readers(
    parent: Work, child_creator: User, reader_client: Client, guest: Client
) -> None:
    cite(child_creator, parent, restricted=True)
    to_guest = page(guest, parent.get_absolute_url())
    assert "A restricted work" in to_guest
    assert CHILD not in to_guest
    assert CHILD_CREATOR not in to_guest
    assert f"{CHILD}</a> by <bdi>{CHILD_CREATOR}</bdi>" in page(reader_client, parent.get_absolute_url())


def test_an_anonymous_child_is_by_anonymous_on_the_parent_and_in_works_citing_yours(
    parent: Work, child_creator: User, author_client: Client, guest: Client
) -> None:
    cite(child_creator, parent, anonymous=True)
    assert f"{CHILD}</a> by <bdi>Anonymous</bdi>" in page(guest, parent.get_absolute_url())
    citing = page(author_client, "/works/related/")
    assert CHILD in citing
    assert CHILD_CREATOR not in citing
    assert CHILD_CREATOR not in mail.outbox[0].body
    assert "Anonymous" in mail.outbox[0].body


def test_a_parent_hidden_later_is_not_named_on_its_childs_page_or_parent_list(
    parent: Work, child_creator: User
) -> None:
    child, _ = cite(child_creator, parent)
    set_hidden_by_moderator(parent, hidden=True)
    client = Client()
    client.force_login(child_creator)
    for url in (child.get_absolute_url(), f"/works/{child.pk}/parents/"):
        assert parent.title not in page(client, url)
