"""Wrangling reaches listings through the live index, without a rebuild: every wrangling action writes a TagChange
per affected tag (the tags app's own receiver of `tags_rewired`), and the index reloads its tag graph and re-reads
the works carrying those tags. Hits reach the index through the works outbox the same way."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.db.models import Max, Model
from django.test import Client
from django.urls import reverse

from fanshelf.accounts.models import User
from fanshelf.discovery.closure import TagGraph
from fanshelf.discovery.live import ensure_fresh
from fanshelf.discovery.query import WorkQuery
from fanshelf.discovery.search import execute
from fanshelf.tags.actions import add_metatag, find_or_create_tag, make_synonym, remove_metatag, rename_tag
from fanshelf.tags.graph import filter_ids_by_tag
from fanshelf.tags.models import Tag, TagChange, TagType
from fanshelf.works.actions import delete_work
from fanshelf.works.hits import record_hit
from fanshelf.works.models import WorkChange
from tests.core.pages import listed_titles as titles
from tests.core.pages import parse
from tests.discovery.test_listing_views import count_heading
from tests.factories import make_work
from tests.tags.conftest import canonical_tag


def top_id(model: type[Model]) -> int:
    """The outbox's highest id so far (ids are not counts: PostgreSQL never reuses them)."""
    return int(model._default_manager.aggregate(top=Max("pk"))["top"] or 0)


def facet_counts(client: Client, url: str, **params: str) -> dict[str, int]:
    """The sidebar's facet links as {tag name: count}."""
    facets = parse(client.get(url, params).content.decode()).select_one("section.facets")
    counts: dict[str, int] = {}
    for link in facets.select("a:not(.exclude)") if facets else []:
        name, _, count = " ".join(link.get_text().split()).rpartition(" (")
        counts[name] = int(count.rstrip(")").replace(",", ""))
    return counts


def test_making_a_tag_a_synonym_moves_its_works_under_the_canonical(
    author: User, moderator: User, guest: Client
) -> None:
    canonical = canonical_tag("Mira Vance", TagType.CHARACTER, moderator)
    nickname = canonical_tag("Captain Mira", TagType.CHARACTER, moderator)
    make_work(author, title="Named", characters=["Mira Vance"])
    make_work(author, title="Nicknamed", characters=["Captain Mira"])
    works = reverse("discovery:works")
    assert facet_counts(guest, works)["Mira Vance"] == 1
    index = ensure_fresh()

    make_synonym(nickname, canonical, by=moderator)

    assert facet_counts(guest, works)["Mira Vance"] == 2
    assert "Captain Mira" not in facet_counts(guest, works)
    assert sorted(titles(guest.get(canonical.get_absolute_url()))) == ["Named", "Nicknamed"]
    assert count_heading(guest.get(works, {"include": "Captain Mira"})) == "2 Works"
    assert ensure_fresh() is index, "applied through the outbox, not by rebuilding the index"


def test_a_wrangling_change_committed_after_a_later_one_still_reaches_listings(
    author: User, moderator: User, guest: Client
) -> None:
    """On PostgreSQL an outbox id is taken when a transaction inserts, not when it commits: two wranglers' changes
    to different tags become visible in either order. The index must not skip the one that commits second."""
    canonical = canonical_tag("Mira Vance", TagType.CHARACTER, moderator)
    nickname = canonical_tag("Captain Mira", TagType.CHARACTER, moderator)
    other = canonical_tag("Harbourmaster", TagType.CHARACTER, moderator)
    make_work(author, title="Named", characters=["Mira Vance"])
    make_work(author, title="Nicknamed", characters=["Captain Mira"])
    works = reverse("discovery:works")
    ensure_fresh()
    top = top_id(TagChange)
    TagChange.objects.create(pk=top + 50, tag_id=other.pk)  # another wrangler's change, committed first
    ensure_fresh()

    make_synonym(nickname, canonical, by=moderator)
    late = TagChange.objects.filter(pk__gt=top).exclude(pk=top + 50).order_by("pk").values_list("pk", flat=True)
    for number, pk in enumerate(list(late), start=1):
        TagChange.objects.filter(pk=pk).update(id=top + number)  # its ids were taken before the other's

    assert count_heading(guest.get(works, {"include": "Captain Mira"})) == "2 Works"
    assert "Captain Mira" not in facet_counts(guest, works)
    assert facet_counts(guest, works)["Mira Vance"] == 2


def test_adding_and_removing_a_metatag_changes_its_listing_and_counts(
    author: User, moderator: User, guest: Client
) -> None:
    broad = canonical_tag("Tidewater Universe", TagType.FANDOM, moderator)
    narrow = canonical_tag("Tidewater Chronicles", TagType.FANDOM, moderator)
    make_work(author, title="Broad Work", fandoms=["Tidewater Universe"])
    make_work(author, title="Narrow Work", fandoms=["Tidewater Chronicles"])
    assert titles(guest.get(broad.get_absolute_url())) == ["Broad Work"]
    index = ensure_fresh()

    add_metatag(narrow, broad, by=moderator)

    assert sorted(titles(guest.get(broad.get_absolute_url()))) == ["Broad Work", "Narrow Work"]
    assert facet_counts(guest, reverse("discovery:works"))["Tidewater Universe"] == 2
    assert facet_counts(guest, reverse("discovery:works"))["Tidewater Chronicles"] == 1

    remove_metatag(narrow, broad, by=moderator)

    assert titles(guest.get(broad.get_absolute_url())) == ["Broad Work"]
    assert facet_counts(guest, reverse("discovery:works"))["Tidewater Universe"] == 1
    assert ensure_fresh() is index


def test_fandoms_under_one_metatag_are_not_a_crossover(author: User, moderator: User, guest: Client) -> None:
    universe = canonical_tag("Tidewater Universe", TagType.FANDOM, moderator)
    books, show = (canonical_tag(n, TagType.FANDOM, moderator) for n in ("Tidewater (Books)", "Tidewater (TV)"))
    make_work(author, title="Both Tellings", fandoms=["Tidewater (Books)", "Tidewater (TV)"])
    only = reverse("discovery:works")
    assert titles(guest.get(only, {"crossover": "only"})) == ["Both Tellings"]
    add_metatag(books, universe, by=moderator)
    add_metatag(show, universe, by=moderator)
    assert titles(guest.get(only, {"crossover": "only"})) == []
    assert titles(guest.get(only, {"crossover": "exclude"})) == ["Both Tellings"]


def test_a_renamed_tag_is_found_and_counted_under_its_new_name(author: User, moderator: User, guest: Client) -> None:
    canonical_tag("Pokemon", TagType.FANDOM, moderator)
    make_work(author, title="Pocket Tide", fandoms=["Pokemon"])
    works = reverse("discovery:works")
    assert facet_counts(guest, works)["Pokemon"] == 1

    rename_tag(Tag.objects.get(name="Pokemon"), "Pokémon", by=moderator)

    assert facet_counts(guest, works)["Pokémon"] == 1
    assert "Pokemon" not in facet_counts(guest, works)
    assert titles(guest.get(works, {"include": "Pokémon"})) == ["Pocket Tide"]
    assert titles(guest.get(reverse("discovery:tag_works", args=["Pokémon"]))) == ["Pocket Tide"]
    response = guest.get(works, {"include": "Pokemon"})  # the old name is no tag now: searched as text
    assert response.status_code == 200
    assert "“Pokemon” is not a tag, so it was searched for as text" in " ".join(
        parse(response.content.decode()).get_text().split()
    )


def test_every_wrangling_change_writes_one_tag_change_per_affected_tag(moderator: User) -> None:
    canonical = canonical_tag("Mira Vance", TagType.CHARACTER, moderator)
    spelling = find_or_create_tag("Mira V.", TagType.CHARACTER)
    before = top_id(TagChange)
    make_synonym(spelling, canonical, by=moderator)
    assert sorted(TagChange.objects.filter(pk__gt=before).values_list("tag_id", flat=True)) == [spelling.pk]


def test_a_refused_wrangling_change_writes_no_tag_change(moderator: User) -> None:
    tag = canonical_tag("Mira Vance", TagType.CHARACTER, moderator)
    before = TagChange.objects.count()
    with pytest.raises(ValidationError):
        make_synonym(tag, tag, by=moderator)
    assert TagChange.objects.count() == before


def test_the_index_closure_agrees_with_the_tag_graph(author: User, moderator: User) -> None:
    """closure.py walks metatags itself (it needs ordered ids and fandom families); it must find the same
    filter tags as tags.graph for every canonical tag and synonym."""
    top, middle, low = (canonical_tag(n, TagType.FANDOM, moderator) for n in ("Top", "Middle", "Low"))
    add_metatag(middle, top, by=moderator)
    add_metatag(low, middle, by=moderator)
    make_synonym(find_or_create_tag("Low Alias", TagType.FANDOM), low, by=moderator)
    graph = TagGraph.load()
    for tag_id, expected in filter_ids_by_tag().items():
        if expected:  # unwrangled tags file under nothing in tags.graph and under themselves in the index
            assert set(graph.filter_ids(tag_id)) == expected, Tag.objects.get(pk=tag_id).name
    alias = Tag.objects.get(name="Low Alias")
    assert graph.filter_ids(alias.pk)[0] == low.pk, "the first filter id is the tag's own canonical"
    assert graph.fandom_family(low.pk) == top.pk


def test_hits_reach_the_index_so_the_hits_sort_moves(author: User, reader: User, guest: Client) -> None:
    quiet = make_work(author, title="Quiet Tide")
    make_work(author, title="Later Tide")
    url = reverse("discovery:works")
    assert titles(guest.get(url, {"sort": "hits"})) == ["Later Tide", "Quiet Tide"]  # ties: newest id first
    before = top_id(WorkChange)
    assert record_hit(quiet, "visitor-1", reader)
    assert WorkChange.objects.filter(pk__gt=before, kind="hit").count() == 1
    assert not record_hit(quiet, "visitor-1", reader)  # the same visitor the same day counts once
    assert WorkChange.objects.filter(pk__gt=before).count() == 1
    assert titles(guest.get(url, {"sort": "hits"})) == ["Quiet Tide", "Later Tide"]
    assert titles(guest.get(url, {"hits_from": "1"})) == ["Quiet Tide"]


@pytest.mark.parametrize("value", ["abc", "nan", "-1"])
def test_a_bad_refresh_interval_stops_start_up_with_a_clear_error(value: str) -> None:
    env = {**os.environ, "FANSHELF_DISCOVERY_REFRESH_SECONDS": value, "DJANGO_SETTINGS_MODULE": "fanshelf.settings"}
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"], env=env, capture_output=True, text=True, check=False
    )
    assert result.returncode != 0
    assert "FANSHELF_DISCOVERY_REFRESH_SECONDS must be" in result.stderr


def test_a_fandoms_page_counts_the_other_fandoms_of_its_works(author: User, moderator: User, guest: Client) -> None:
    """Other fandoms on a fandom's page come only from its works with several fandoms (counted apart from the
    rest): crossovers, and its metatag once it has one; kept right as works come, go and are wrangled. The page
    links the other fandoms; the engine's own facet has the fandom itself too, on every work."""
    universe, chronicles = (canonical_tag(n, TagType.FANDOM, moderator) for n in ("Tidewater", "Tidewater Chronicles"))
    for name in ("Harbor Lights", "Salt Road"):
        canonical_tag(name, TagType.FANDOM, moderator)
    make_work(author, title="Alone", fandoms=["Tidewater Chronicles"])
    crossing = make_work(author, title="Crossing", fandoms=["Tidewater Chronicles", "Harbor Lights"])
    make_work(author, title="Three Shores", fandoms=["Tidewater Chronicles", "Salt Road", "Harbor Lights"])
    make_work(author, title="Elsewhere", fandoms=["Harbor Lights"])
    page = chronicles.get_absolute_url()
    fandoms = ("Tidewater Chronicles", "Tidewater", "Harbor Lights", "Salt Road")

    def linked(url: str) -> dict[str, int]:
        return {name: count for name, count in facet_counts(guest, url).items() if name in fandoms}

    def engine_counts(name: str) -> list[tuple[str, int]]:
        result = execute(WorkQuery(include=(name,)), AnonymousUser(), ensure_fresh())
        return [(facet.name, facet.count) for facet in result.facets["fandom"]]

    assert linked(page) == {"Harbor Lights": 2, "Salt Road": 1}
    assert engine_counts("Tidewater Chronicles") == [
        ("Tidewater Chronicles", 3),
        ("Harbor Lights", 2),
        ("Salt Road", 1),
    ]
    add_metatag(chronicles, universe, by=moderator)
    assert linked(page) == {"Tidewater": 3, "Harbor Lights": 2, "Salt Road": 1}
    assert linked(universe.get_absolute_url()) == {"Tidewater Chronicles": 3, "Harbor Lights": 2, "Salt Road": 1}
    make_work(author, title="Low Tide", fandoms=["Tidewater Chronicles", "Salt Road"])
    delete_work(crossing)
    assert linked(page) == {"Tidewater": 3, "Harbor Lights": 1, "Salt Road": 2}
    assert engine_counts("Tidewater")[:2] == [("Tidewater", 3), ("Tidewater Chronicles", 3)]
