from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.test import Client
from django.urls import NoReverseMatch, reverse, set_script_prefix

from fanshelf.core.addresses import address
from fanshelf.tags.models import tag_to_url_part, works_url
from fanshelf.works.models import Work
from tests.factories import make_user

NAMES = [
    "Fluff", "Hurt/Comfort", "Re:Zero", "What?", "#1 Fan", "100% Done", "C++", "a b", ".", "..", "~tilde", "@home",
    "“Curly” quotes", "灯台の章", "אהבתי", "Ça va & ça ira", "semi;colon", "plus+sign", "back\\slash", "new\nline",
]  # fmt: skip


@pytest.fixture(params=["/", "/archive/", "/fan shelf/"])
def script_prefix(request: pytest.FixtureRequest) -> Iterator[str]:
    set_script_prefix(request.param)
    yield request.param
    set_script_prefix("/")


def test_addresses_are_what_reverse_gives_in_every_script_and_under_any_prefix(script_prefix: str) -> None:
    for name in NAMES:
        part = tag_to_url_part(name)
        assert address("discovery:tag_works", part) == reverse("discovery:tag_works", args=[part]), name
        assert works_url(script_prefix, name) == reverse("discovery:tag_works", args=[part]), name
        pseud = name.replace("/", " ")
        expected = reverse("discovery:pseud_works", args=["reader_1", pseud])
        assert address("discovery:pseud_works", "reader_1", pseud) == expected, name


def test_numbered_addresses_are_what_reverse_gives(script_prefix: str) -> None:
    for number in (0, 7, 918_273_645, 2**40):
        assert address("works:detail", number) == reverse("works:detail", args=[number]), number
        assert Work(pk=number).get_absolute_url() == reverse("works:detail", args=[number])
    assert address("tags:bin", "Fandom 1", "character") == reverse("tags:bin", args=["Fandom 1", "character"])


def test_a_part_reverse_refuses_is_refused_the_same_way() -> None:
    for refused in ("", "a/b"):
        with pytest.raises(NoReverseMatch):
            address("discovery:pseud_works", "reader_1", refused)
    with pytest.raises(NoReverseMatch):
        address("works:detail", -1)


def test_addresses_without_arguments_are_what_reverse_gives(script_prefix: str) -> None:
    # The signed-in header links these on every page; an empty list of stand-ins once split the address apart.
    for name in ("works:new", "inbox:inbox", "account_logout", "home"):
        assert address(name) == reverse(name), name


@pytest.mark.django_db
def test_the_signed_in_header_links_the_reader_s_own_pages(client: Client) -> None:
    reader = make_user("Ŝtelo_灯台")
    client.force_login(reader)
    page = client.get("/works/").content.decode()
    for name, args in [
        ("works:new", []), ("accounts:dashboard", [reader.username]), ("inbox:inbox", []),
        ("bookmarks:user", [reader.username]), ("reading:shelf", [reader.username, "to-read"]), ("account_logout", []),
    ]:  # fmt: skip
        assert f'href="{reverse(name, args=args)}"' in page or f'action="{reverse(name, args=args)}"' in page, name
