"""A listing's body built in Python (discovery/listing_body.py) must be the very body discovery/listing_body.html
renders: each listing below is read twice, once built each way, and the two pages compared."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from fanshelf.accounts.models import User
from fanshelf.discovery import views
from fanshelf.discovery.listing_body import listing_body
from fanshelf.tags.models import TagType
from tests.factories import make_work, signed_in_client
from tests.tags.conftest import canonical_tag

pytestmark = pytest.mark.django_db
FANDOM = "Tidewater Chronicles"  # make_work's
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')


def both_ways(monkeypatch: pytest.MonkeyPatch, client: Client, path: str, **query: str) -> tuple[str, str]:
    """The page with its body built in Python, then with the template's (CSRF tokens left out)."""
    built: list[str] = []

    def counted(template: str, context: dict[str, Any]) -> str | None:
        html = listing_body(template, context)
        built.extend([html] if html is not None else [])
        return html

    views._bodies.clear()
    with monkeypatch.context() as patched:
        patched.setattr(views, "listing_body", counted)
        python = client.get(path, query)
    assert built, f"{path} {query}: the body was not built in Python"
    views._bodies.clear()
    with monkeypatch.context() as patched:
        patched.setattr(views, "listing_body", lambda template, context: None)
        template = client.get(path, query)
    assert python.status_code == template.status_code == 200
    return TOKEN.sub("token", python.content.decode()), TOKEN.sub("token", template.content.decode())


def guest() -> Client:
    return Client(REMOTE_ADDR="10.9.2.1", HTTP_USER_AGENT="Guest browser")


@pytest.fixture
def works(author: User, moderator: User) -> None:
    canonical_tag(FANDOM, TagType.FANDOM, moderator)
    titles = ["“Salt” & <lanterns>", "灯台の冬", "מגדלור בערב", *(f"Tide {number}" for number in range(20))]
    for number, title in enumerate(titles):
        make_work(author, title=title, freeforms=["Lighthouses", f"Storm {number}"], summary="<p>Fog & bells</p>")


@pytest.mark.usefixtures("works")
@pytest.mark.parametrize(
    ("query", "heading"),
    [
        ({}, "23 Works"),  # two pages
        ({"page": "2", "sort": "title", "include": FANDOM}, "23 Works"),  # the last page, its links keeping filters
        ({"exclude": FANDOM}, "0 Works"),  # no work at all
        ({"q": "Salt"}, "1 Work"),
        ({"q": "“Salt” 灯台"}, "0 Works"),  # the search box's text
        ({"words_from": "1", "direction": "asc"}, "23 Works"),
    ],
)
def test_a_guests_listing_built_both_ways(monkeypatch: pytest.MonkeyPatch, query: dict[str, str], heading: str) -> None:
    python, template = both_ways(monkeypatch, guest(), "/works/", **query)
    assert python == template
    assert f'<h2 class="count" id="results-heading">{heading}</h2>' in python


@pytest.mark.usefixtures("works")
def test_a_signed_in_readers_listing_and_a_language_page_built_both_ways(
    monkeypatch: pytest.MonkeyPatch, reader: User
) -> None:
    python, template = both_ways(monkeypatch, signed_in_client(reader), "/works/", sort="kudos")
    assert python == template
    assert "My shelves" in python  # the form a signed-in reader has
    python, template = both_ways(monkeypatch, guest(), "/works/language/en/")
    assert python == template
    assert "Works in English" in python
