"""Banned tags: moderators ban them in the admin; to everyone else they answer as if they did not exist, no work can
add them, and works already carrying them keep them without showing them (docs/moderation.md)."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from fanshelf.accounts.models import User
from fanshelf.moderation.models import AuditEntry
from fanshelf.tags.actions import find_or_create_tag, make_synonym, set_tag_banned
from fanshelf.tags.models import Tag, TagType
from fanshelf.works.actions import update_work
from fanshelf.works.cleaning import WorkFields
from fanshelf.works.models import Work
from tests.core.pages import work_form_data
from tests.factories import make_work, signed_in_client
from tests.tags.conftest import canonical_tag

# Right-to-left and CJK in one name: Hebrew "lighthouse" and Japanese "tide".
BANNED = "מגדלור 潮"


@pytest.fixture
def banned_work(author: User, moderator: User) -> Work:
    """A public work carrying a canonical freeform that a moderator then bans in the admin."""
    canonical_tag(BANNED, TagType.FREEFORM, moderator)
    work = make_work(author, title="Keeper of the Light", freeforms=[BANNED, "Salt Spray"])
    admin = signed_in_client(moderator)
    tag = Tag.objects.named(BANNED).get()
    response = admin.post(
        reverse("admin:tags_tag_changelist"), {"action": "ban_tags", "_selected_action": [tag.pk]}, follow=True
    )
    assert "1 tag(s) banned." in response.content.decode()
    return work


def _tag_urls() -> list[str]:
    tag = Tag.objects.named(BANNED).get()
    return [
        reverse("tags:detail", args=[tag.url_part]),
        reverse("discovery:tag_works", args=[tag.url_part]),
        reverse("downloads:tag_feed", args=[tag.url_part]),
    ]


@pytest.mark.django_db
def test_a_banned_tag_answers_guests_and_readers_as_if_it_did_not_exist(
    banned_work: Work, guest: Client, reader: User
) -> None:
    for client in (guest, signed_in_client(reader)):
        for url in _tag_urls():
            assert client.get(url).status_code == 404, url
        assert client.get(reverse("discovery:tag_names"), {"term": "מגדלור"}).json() == {"tags": []}
        listing = client.get(reverse("discovery:works")).content.decode()
        work_page = client.get(banned_work.get_absolute_url()).content.decode()
        assert "Keeper of the Light" in listing
        assert "Salt Spray" in listing
        assert BANNED not in listing, "neither on the blurb nor among the filters"
        assert "Salt Spray" in work_page
        assert BANNED not in work_page


@pytest.mark.django_db
def test_a_moderator_still_finds_the_banned_tag_and_its_works(banned_work: Work, moderator_client: Client) -> None:
    detail, works, _feed = _tag_urls()
    assert moderator_client.get(detail).status_code == 200
    listing = moderator_client.get(works)
    assert listing.status_code == 200
    assert "Keeper of the Light" in listing.content.decode()


@pytest.mark.django_db
def test_a_work_cannot_add_a_banned_tag_and_is_told_why(banned_work: Work, author: User) -> None:
    with pytest.raises(ValidationError) as refused:
        make_work(author, title="Second Light", freeforms=["מגדלור 潮"])
    assert refused.value.message_dict["freeforms"] == [
        f"“{BANNED}” can't be used: the moderators have banned this tag."
    ]
    response = signed_in_client(author).post(
        reverse("works:new"), work_form_data(author, title="Third Light", freeforms=BANNED.upper())
    )
    assert response.status_code in {200, 400}
    assert "the moderators have banned this tag" in response.content.decode()
    assert not Work.objects.filter(title="Third Light").exists()


@pytest.mark.django_db
def test_a_work_carrying_a_banned_tag_keeps_it_until_its_creator_next_saves(banned_work: Work, author: User) -> None:
    assert banned_work.tags.filter(name=BANNED).exists()
    fields = WorkFields(
        title="Keeper of the Light, revised",
        pseuds=[author.default_pseud()],
        rating="General Audiences",
        warnings=["No Archive Warnings Apply"],
        fandoms=["Tidewater Chronicles"],
        freeforms=["Salt Spray"],  # what the edit form offers: the banned tag is not in it
    )
    update_work(banned_work, author, fields)
    assert not banned_work.tags.filter(name=BANNED).exists()


@pytest.mark.django_db
def test_banning_is_audited_and_only_for_moderators(banned_work: Work, moderator: User, reader: User) -> None:
    entry = AuditEntry.objects.get(action="banned tag")
    assert (entry.actor_name, entry.target) == (moderator.username, BANNED)
    assert entry.details["after"] == {"banned": True}
    tag = Tag.objects.named(BANNED).get()
    with pytest.raises(PermissionDenied):
        set_tag_banned(tag, False, acting=reader)
    assert set_tag_banned(tag, False, acting=moderator)
    assert Client().get(reverse("tags:detail", args=[tag.url_part])).status_code == 200


@pytest.mark.django_db
def test_a_synonym_of_a_banned_tag_is_hidden_and_refused_too(
    banned_work: Work, author: User, moderator: User, guest: Client
) -> None:
    synonym = find_or_create_tag("Lamp Room Secrets", TagType.FREEFORM)
    make_synonym(synonym, Tag.objects.named(BANNED).get(), by=moderator)
    assert guest.get(reverse("tags:detail", args=[synonym.url_part])).status_code == 404
    with pytest.raises(ValidationError) as refused:
        make_work(author, title="Fourth Light", freeforms=["lamp room secrets"])
    assert "the moderators have banned this tag" in refused.value.message_dict["freeforms"][0]


@pytest.mark.django_db
def test_a_banned_fandom_is_named_on_the_fandom_lists_to_moderators_only(
    author: User, moderator: User, guest: Client, reader: User, moderator_client: Client
) -> None:
    fandom = canonical_tag("Gezeiten 潮汐 גאות", TagType.FANDOM, moderator)
    make_work(author, title="Low Water", fandoms=[fandom.name])
    set_tag_banned(fandom, True, acting=moderator)
    pages = [reverse("discovery:fandoms"), reverse("discovery:uncategorized"), reverse("downloads:opds_fandoms")]
    for client in (guest, signed_in_client(reader)):
        for url in pages:
            response = client.get(url)
            assert response.status_code == 200, url
            assert fandom.name not in response.content.decode(), url
    for url in pages:
        assert fandom.name in moderator_client.get(url).content.decode(), url
