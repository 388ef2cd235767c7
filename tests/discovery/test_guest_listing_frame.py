"""A guest's listing page comes in the kept frame (core/guest_frame.py): it must be the page
discovery/listing.html gives that guest, its title and feed link included."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import pytest
from django.test import Client

from fanshelf.accounts.models import User
from fanshelf.core import guest_frame
from fanshelf.tags.models import Tag
from tests.factories import make_work


def listing_both_ways(monkeypatch: pytest.MonkeyPatch, path: str) -> tuple[str, str]:
    """The listing as a guest gets it, then as discovery/listing.html renders it for the same guest."""
    guest = Client(REMOTE_ADDR="10.9.1.1", HTTP_USER_AGENT="Guest browser")
    kept = guest.get(path)
    with monkeypatch.context() as patched:
        patched.setattr(guest_frame, "fits", lambda request: False)
        whole = guest.get(path)
    assert kept.status_code == whole.status_code
    return kept.content.decode(), whole.content.decode()


@pytest.mark.django_db
def test_a_tag_listing_with_markup_and_right_to_left_in_its_name_is_the_templates_page(
    monkeypatch: pytest.MonkeyPatch, author: User
) -> None:
    fandom = "Salt & Ash — “מגדלור” 灯台"
    make_work(author, title="Harbour “Lights”", fandoms=[fandom])
    Tag.objects.filter(name=fandom).update(canonical=True)  # a canonical tag's page links its feed
    built: list[str] = []
    original = guest_frame.page

    def counted(*args: Any) -> str:
        built.append("page")
        return original(*args)

    monkeypatch.setattr(guest_frame, "page", counted)
    kept, whole = listing_both_ways(monkeypatch, f"/tags/{quote(fandom)}/works/?sort=kudos")
    assert built == ["page"]
    assert kept == whole
    assert "<title>Works in Salt &amp; Ash — “מגדלור” 灯台 - " in kept
    assert 'type="application/atom+xml"' in kept  # the tag's feed, in the head


@pytest.mark.django_db
def test_the_works_index_and_a_refused_query_are_the_templates_pages(
    monkeypatch: pytest.MonkeyPatch, author: User
) -> None:
    make_work(author, title="Quiet Harbour")
    kept, whole = listing_both_ways(monkeypatch, "/works/?q=harbour")
    assert kept == whole
    assert "Quiet Harbour" in kept
    kept, whole = listing_both_ways(monkeypatch, "/works/?words_from=ten")
    assert kept == whole
