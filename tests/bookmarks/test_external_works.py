"""External works: bookmarked by URL, title, creator and at least one fandom; one per URL, shared by all."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from fanshelf.accounts.models import User
from fanshelf.bookmarks.actions import BookmarkFields, ExternalFields, bookmark_external
from fanshelf.bookmarks.models import Bookmark, ExternalWork
from tests.bookmarks.helpers import bookmark_elsewhere
from tests.factories import make_user

FORM = {
    "url": "https://example.org/stories/ferry",
    "title": "The Last Ferry",
    "creator": "Boatwright",
    "fandoms": "Tidewater Chronicles, River Tales",
    "rating": "General Audiences",
    "characters": "The Ferryman",
}


def _refusal(reader: User, **changes: object) -> dict[str, list[str]]:
    fields = {**FORM, "fandoms": ["Tidewater Chronicles"], "characters": [], **changes}
    fields.pop("rating")
    with pytest.raises(ValidationError) as refused:
        bookmark_external(reader, ExternalFields(**fields), BookmarkFields(pseud=reader.default_pseud()))  # type: ignore[arg-type]
    return refused.value.message_dict


@pytest.mark.parametrize("url", ["ftp://example.org/story", "javascript:alert(1)", "example.org/story", ""])
def test_an_external_work_needs_an_http_or_https_url(reader: User, url: str) -> None:
    assert "url" in _refusal(reader, url=url)
    assert not ExternalWork.objects.exists()


def test_an_external_work_needs_a_title_a_creator_and_a_fandom(reader: User) -> None:
    assert set(_refusal(reader, title=" ", creator="", fandoms=[])) == {"title", "creator", "fandoms"}


def test_one_external_work_per_url_is_shared_by_everyone_who_bookmarks_it(reader: User) -> None:
    first = bookmark_elsewhere(reader)
    second = bookmark_elsewhere(make_user(), title="Another Title For It")
    assert first.external_id == second.external_id
    assert ExternalWork.objects.get().title == "Lanterns Far Away"
    again = bookmark_elsewhere(reader, notes="Edited")
    assert again.pk == first.pk
    assert Bookmark.objects.count() == 2


def test_a_reader_bookmarks_an_external_work_through_the_form(
    reader: User, reader_client: Client, guest: Client
) -> None:
    url = reverse("bookmarks:external_form")
    response = reader_client.post(url, {**FORM, "pseud": reader.default_pseud().pk, "notes": "Found it at last."})
    assert response.status_code == 302
    external = ExternalWork.objects.get()
    assert sorted(t.name for t in external.tags.all()) == [
        "General Audiences", "River Tales", "The Ferryman", "Tidewater Chronicles",
    ]  # fmt: skip
    page = guest.get(reverse("bookmarks:user", args=[reader.username])).content.decode()
    assert "The Last Ferry" in page
    assert "Boatwright" in page
    assert "Found it at last." in page
    assert 'href="https://example.org/stories/ferry" rel="nofollow"' in page


def test_the_external_form_shows_what_to_fix_without_saving(reader: User, reader_client: Client) -> None:
    response = reader_client.post(
        reverse("bookmarks:external_form"), {**FORM, "url": "ftp://example.org/x", "pseud": reader.default_pseud().pk}
    )
    assert response.status_code == 400
    assert "starting with http:// or https://" in response.content.decode()
    assert not Bookmark.objects.exists()
