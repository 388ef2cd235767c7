"""The AI-use disclosure as a filter in every listing (issue 11): `ai=` keeps works that say one of the chosen uses,
`ai_exclude=` hides them; through the discovery engine, so totals and facets agree, an edit shows at once, and the
e-reader catalogue's search takes the same parameters."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.http import QueryDict
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from fanshelf.accounts.models import User
from fanshelf.discovery import search
from fanshelf.discovery.live import ensure_fresh, reset_shared_index
from fanshelf.discovery.query import QueryError, WorkQuery
from fanshelf.works.actions import update_work
from fanshelf.works.forms import WorkForm
from fanshelf.works.models import Work
from tests.core.pages import listed_titles, parse, work_form_data
from tests.factories import make_work

FANDOM = "Tidewater Chronicles"


@pytest.fixture
def shelf(author: User) -> dict[str, Work]:
    return {
        "none": make_work(author, title="By Hand"),
        "assisted": make_work(author, title="Spell-checked by a Model", ai_disclosure="assisted"),
        "generated": make_work(author, title="Dreamed by a Machine", ai_disclosure="generated"),
    }


def _titles(client: Client, url: str) -> set[str]:
    response = client.get(url)
    assert response.status_code == 200, response.content.decode()
    return set(listed_titles(response))


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ("ai=generated", {"Dreamed by a Machine"}),
        ("ai=none&ai=assisted", {"By Hand", "Spell-checked by a Model"}),
        ("ai=none,generated", {"By Hand", "Dreamed by a Machine"}),
        ("ai=AI-assisted", {"Spell-checked by a Model"}),
        ("ai_exclude=generated", {"By Hand", "Spell-checked by a Model"}),
        ("ai_exclude=assisted&ai_exclude=generated", {"By Hand"}),
        ("ai=assisted&ai_exclude=assisted", set()),
    ],
)
def test_every_listing_filters_by_ai_use(
    shelf: dict[str, Work], guest: Client, params: str, expected: set[str]
) -> None:
    for url in (
        reverse("discovery:works"),
        reverse("discovery:tag_works", args=[FANDOM]),
        reverse("discovery:user_works", args=["Quillfeather"]),
        reverse("discovery:language_works", args=["en"]),
    ):
        assert _titles(guest, f"{url}?{params}") == expected, url


def test_totals_match_the_shown_works_and_restricted_works_stay_hidden_from_guests(
    author: User, shelf: dict[str, Work], guest: Client, reader_client: Client
) -> None:
    make_work(author, title="Members' Machine", ai_disclosure="generated", restricted=True)
    query = WorkQuery.from_params(QueryDict("ai=generated"))
    assert search.execute(query, AnonymousUser(), ensure_fresh()).total == 1
    assert _titles(reader_client, f"{reverse('discovery:works')}?ai=generated") == {
        "Dreamed by a Machine",
        "Members' Machine",
    }


def test_changing_a_disclosure_moves_the_work_between_filters_at_once(
    author: User, shelf: dict[str, Work], guest: Client
) -> None:
    url = f"{reverse('discovery:works')}?ai_exclude=generated"
    assert "By Hand" in _titles(guest, url)
    work = shelf["none"]
    form = WorkForm({**work_form_data(author), **WorkForm.initial_for(work), "ai_disclosure": "generated"}, user=author)
    assert form.is_valid(), form.errors
    update_work(work, author, form.work_fields())
    assert "By Hand" not in _titles(guest, url)
    assert "By Hand" in _titles(guest, f"{reverse('discovery:works')}?ai=generated")


def test_a_rebuilt_index_filters_the_same_as_a_kept_one(shelf: dict[str, Work]) -> None:
    query = WorkQuery.from_params(QueryDict("ai=assisted&ai=generated"))
    kept = search.execute(query, AnonymousUser(), ensure_fresh()).work_ids
    reset_shared_index()
    rebuilt = search.execute(query, AnonymousUser(), ensure_fresh()).work_ids
    assert sorted(kept) == sorted(rebuilt) == sorted([shelf["assisted"].pk, shelf["generated"].pk])


def test_an_unknown_ai_use_is_a_clear_400(shelf: dict[str, Work], guest: Client) -> None:
    response = guest.get(f"{reverse('discovery:works')}?ai=robotic")
    assert response.status_code == 400
    assert "“robotic” is not an AI use: none, assisted or generated." in response.content.decode()
    with pytest.raises(QueryError):
        WorkQuery.from_params(QueryDict("ai_exclude=sometimes"))


def test_the_sidebar_offers_the_filter_and_keeps_it_ticked_in_page_links(shelf: dict[str, Work], guest: Client) -> None:
    page = parse(guest.get(f"{reverse('discovery:works')}?ai_exclude=generated").content.decode())
    ticked = page.select_one('input[name="ai_exclude"][value="generated"]')
    assert ticked is not None
    assert ticked.has_attr("checked")
    assert page.select_one('input[name="ai"][value="none"]') is not None
    assert page.select_one('input[name="ai_exclude"][value="none"]') is None
    query = WorkQuery.from_params(QueryDict("ai=none&ai_exclude=generated"))
    assert ("ai", "none") in query.to_params()
    assert ("ai_exclude", "generated") in query.to_params()


def test_the_catalogue_search_takes_the_same_parameters(shelf: dict[str, Work], guest: Client) -> None:
    response = guest.get(reverse("downloads:opds_search"), {"q": "lighthouse", "ai_exclude": "generated"})
    assert response.status_code == 200
    feed = response.content.decode()
    assert "By Hand" in feed
    assert "Spell-checked by a Model" in feed
    assert "Dreamed by a Machine" not in feed


def test_a_filtered_listing_takes_no_more_queries_with_more_works(author: User, reader_client: Client) -> None:
    url = f"{reverse('discovery:works')}?ai=assisted&ai_exclude=generated"

    def queries() -> int:
        reader_client.get(url)  # warm the session and the per-process caches
        with CaptureQueriesContext(connection) as captured:
            assert reader_client.get(url).status_code == 200
        return len(captured)

    make_work(author, title="Helped Once", ai_disclosure="assisted")
    one = queries()
    for number in range(6):
        make_work(author, title=f"Helped {number}", ai_disclosure="assisted", reuse_podfic="no")
    assert queries() <= one
