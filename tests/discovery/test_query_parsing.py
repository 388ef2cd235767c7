"""Readable URL parameters and search-text operators parse into one WorkQuery; nonsense gets a clear message."""

from __future__ import annotations

import datetime

import pytest
from django.http import QueryDict

from fanshelf.discovery.query import DateRange, QueryError, Range, WorkQuery, with_text
from fanshelf.tags.models import Tag, TagType


@pytest.fixture
def tidewater(db: None) -> Tag:
    canonical = Tag.objects.create(name="Tidewater Chronicles", type=TagType.FANDOM, canonical=True)
    Tag.objects.create(name="TC", type=TagType.FANDOM, merger=canonical)
    return canonical


def parse(query_string: str) -> WorkQuery:
    return WorkQuery.from_params(QueryDict(query_string))


def test_tag_names_in_any_case_and_synonyms_resolve_to_the_canonical_name(tidewater: Tag) -> None:
    query = parse("include=tidewater+chronicles&include=TC&exclude=tc")
    assert query.include == ("Tidewater Chronicles",)
    assert query.exclude == ("Tidewater Chronicles",)


def test_comma_separated_tag_lists_are_split(tidewater: Tag) -> None:
    Tag.objects.create(name="Fluff", type=TagType.FREEFORM, canonical=True)
    assert parse("include=Fluff,TC").include == ("Fluff", "Tidewater Chronicles")


def test_a_name_that_is_no_tag_is_searched_as_text_and_kept_in_links(db: None) -> None:
    query = parse("include=Nowhere+Fandom&exclude=grim")
    assert (query.include, query.other_include, query.phrases) == ((), ("Nowhere Fandom",), ("Nowhere Fandom",))
    assert (query.exclude, query.other_exclude, query.excluded_phrases) == ((), ("grim",), ("grim",))
    assert ("include", "Nowhere Fandom") in query.to_params()


def test_every_filter_parameter_parses(db: None) -> None:
    query = parse(
        "rating=E&rating=general+audiences&warning=No+Archive+Warnings+Apply&category=F/F&crossover=only"
        "&complete=1&single_chapter=yes&words_from=1,000&words_to=5000&kudos_from=10&hits_to=99"
        "&comments_from=1&bookmarks_to=4&posted_from=2024-01-01&updated_to=2024-12-31&language=fr"
        "&sort=kudos&direction=asc&page=3"
    )
    assert query.ratings == ("Explicit", "General Audiences")
    assert query.warnings == ("No Archive Warnings Apply",)
    assert query.categories == ("F/F",)
    assert (query.crossover, query.complete, query.single_chapter) == ("only", True, True)
    assert query.words == Range(1000, 5000)
    assert (query.kudos, query.hits, query.comments, query.bookmarks) == (
        Range(10, None),
        Range(None, 99),
        Range(1, None),
        Range(None, 4),
    )
    assert query.posted == DateRange(datetime.date(2024, 1, 1), None)
    assert query.updated == DateRange(None, datetime.date(2024, 12, 31))
    assert (query.language, query.sort, query.descending, query.page) == ("fr", "kudos", False, 3)


def test_parameters_round_trip_through_to_params(tidewater: Tag) -> None:
    query = parse("include=TC&rating=Explicit&complete=0&words_from=10&q=lanterns+kudos>3&sort=title&page=2")
    again = WorkQuery.from_params(QueryDict("&".join(f"{k}={v}" for k, v in query.to_params())))
    assert again == query


@pytest.mark.parametrize(
    ("query_string", "message"),
    [
        ("words_from=lots", "Words from needs a whole number"),
        ("kudos_to=-3", "Kudos to needs a whole number"),
        ("page=0", "Page must be between"),
        ("page=abc", "Page needs a whole number"),
        ("sort=popularity", "Works can be sorted by"),
        ("direction=sideways", "Direction must be ascending or descending"),
        ("crossover=maybe", "Crossovers must be include, exclude or only"),
        ("complete=perhaps", "Completion status must be yes or no"),
        ("rating=PG-13", "“PG-13” is not a rating"),
        ("warning=Spiders", "is not an archive warning"),
        ("category=Het", "is not a category"),
        ("posted_from=yesterday", "Date posted from must be a date"),
        ("q=%22unclosed+phrase", "quotation mark"),
        ("q=words>many", "needs a whole number"),
        ("q=kudos:9-3", "starts after it ends"),
        ("q=complete:sometimes", "complete:sometimes"),
        ("q=sort:popularity", "Works can be sorted by"),
    ],
)
def test_malformed_input_gets_a_readable_error(db: None, query_string: str, message: str) -> None:
    with pytest.raises(QueryError, match=message):
        parse(query_string)


def test_text_operators_narrow_ranges_and_set_sort_and_flags() -> None:
    query = with_text(
        WorkQuery(words=Range(500, None)),
        'lantern words>1000 kudos<=5 hits:3-9 sort:title-desc complete:true "salt road" -angst'
        ' -"sad ending" crossover:exclude',
    )
    assert query.phrases == ("lantern", "salt road")
    assert query.excluded_phrases == ("angst", "sad ending")
    assert query.words == Range(1001, None)
    assert query.kudos == Range(None, 5)
    assert query.hits == Range(3, 9)
    assert (query.sort, query.direction, query.complete, query.crossover) == ("title", "desc", True, "exclude")


def test_a_word_with_a_colon_that_is_no_operator_is_searched_as_text() -> None:
    query = with_text(WorkQuery(), "Re:Zero -- & ")
    assert query.phrases == ("Re:Zero",)
    assert query.excluded_phrases == ()


def test_best_match_is_the_default_sort_only_for_text_searches() -> None:
    assert WorkQuery().effective_sort == "updated"
    assert with_text(WorkQuery(), "lantern").effective_sort == "best_match"
    assert WorkQuery(sort="best_match").effective_sort == "updated"
    assert with_text(WorkQuery(), "lantern sort:title").descending is False
