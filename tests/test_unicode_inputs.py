"""Whatever a reader types, the archive never answers 500: arbitrary Unicode (look-alike digits, huge numbers, NUL
and other control characters, markup) goes into every query parameter of every listing, search, feed, catalogue
and paginated page, and into every field of the main forms, as a guest and as a signed-in user.

Listing parameters come from the filter form, and form fields from the form classes, so a new parameter or field
is covered without touching this file. Examples per route are few: the suite runs twice (SQLite, PostgreSQL).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

import pytest
from django import forms
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import QueryDict
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fanshelf.accounts.forms import PreferencesForm, PseudForm
from fanshelf.accounts.models import User
from fanshelf.discovery.exclusion_forms import ExclusionForm
from fanshelf.discovery.forms import FilterForm
from fanshelf.imports.forms import ImportForm
from fanshelf.tags.forms import BinForm, TagEditForm
from fanshelf.tags.models import Tag, TagType
from fanshelf.works.forms import ChapterForm, WorkForm
from fanshelf.works.series import add_to_series
from fanshelf.works.series_views import SeriesForm
from tests.core.pages import chapter_form_data, work_form_data
from tests.factories import STORY, make_user, make_work
from tests.tags.conftest import assign, canonical_tag

FANDOM = "Tidewater Chronicles"
CHARACTER = "Mira Vance"
HOSTILE = [
    *("²", "①", "٣", "３", "١٢", "߃", "⁹⁹"),
    *("1e9", "-1", "+1", "1.5", "1,000", "1_000", "0", "?", "", " ", "0x1F", "NaN", "∞"),
    *("9" * 30, "9" * 400, "1" * 5000),
    *("\x00", "Tide\x00water", "%00", "\x07\x1b[31m", "\r\n", "\u202eevil", "\u200b", "\U0001f30a"),
    *("<a href='x'>", "&amp;" * 200, "words>²", 'q"', "include,exclude", FANDOM, "Tidewater Chronicles\x00"),
]
VALUES = st.one_of(
    st.sampled_from(HOSTILE),
    st.text(max_size=40),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.text(st.characters(categories=("Nd", "No", "Nl")), min_size=1, max_size=6),
)
EXAMPLES = settings(
    max_examples=35,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def listing_parameters() -> list[str]:
    """Every filter of the listing form, plus the tag lists the template renders and the page number."""
    return sorted({*FilterForm(QueryDict()).fields, "include", "exclude", "page", "exclusions"})


def field_names(*form_classes: type[forms.Form] | type[forms.ModelForm[Any]]) -> list[str]:
    return sorted({name for form_class in form_classes for name in form_class.base_fields})


@dataclass
class Archive:
    """A little of everything: a work with two chapters in a canonical fandom, a series, a pseud, a tag bin."""

    owner: Client
    moderator: Client
    guest: Client
    urls: dict[str, str] = field(default_factory=dict)
    chapter_ids: list[int] = field(default_factory=list)


@pytest.fixture
def archive(author: User, author_client: Client, moderator: User, moderator_client: Client, guest: Client) -> Archive:
    canonical_tag(FANDOM, TagType.FANDOM, moderator)
    work = make_work(author, fandoms=[FANDOM], characters=[CHARACTER], chapters=(STORY, STORY + " Again."))
    make_work(make_user("Saltwind"), title="Restricted Harbour", fandoms=[FANDOM], restricted=True)
    series = add_to_series(work, author, "The Lighthouse Years")
    assign(moderator, Tag.objects.get(name=FANDOM))
    username = author.username
    urls = {
        "works": reverse("discovery:works"),
        "language": reverse("discovery:language_works", args=["en"]),
        "tag works": reverse("discovery:tag_works", args=[FANDOM]),
        "user works": reverse("discovery:user_works", args=[username]),
        "pseud works": reverse("discovery:pseud_works", args=[username, username]),
        "home": reverse("home"),
        "series": series.get_absolute_url(),
        "drafts": reverse("works:drafts"),
        "uncategorized": reverse("discovery:uncategorized"),
        "bin": reverse("tags:bin", args=[FANDOM, TagType.CHARACTER]),
        "tag feed": reverse("downloads:tag_feed", args=[FANDOM]),
        "opds root": reverse("downloads:opds_root"),
        "opds new": reverse("downloads:opds_new"),
        "opds fandoms": reverse("downloads:opds_fandoms"),
        "opds tag": reverse("downloads:opds_tag", args=[FANDOM]),
        "opds search": reverse("downloads:opds_search"),
        "new work": reverse("works:new"),
        "new chapter": reverse("works:chapter_new", args=[work.pk]),
        "chapter order": reverse("works:chapters_manage", args=[work.pk]),
        "edit work": reverse("works:edit", args=[work.pk]),
        "edit series": reverse("works:series_edit", args=[series.pk]),
        "pseuds": reverse("accounts:pseuds", args=[username]),
        "preferences": reverse("accounts:preferences", args=[username]),
        "exclusions": reverse("discovery:exclusions", args=[username]),
        "import": reverse("imports:upload"),
        "tag edit": reverse("tags:edit", args=[CHARACTER]),
    }
    chapter_ids = list(work.chapters.order_by("position").values_list("pk", flat=True))
    return Archive(author_client, moderator_client, guest, urls, chapter_ids)


def assert_no_server_error(response: object, what: str) -> None:
    status = response.status_code  # type: ignore[attr-defined]
    assert status < 500, f"{what} answered {status}"


# -- query parameters ---------------------------------------------------------------------------------------------

PAGE_ONLY = ["page", "q"]
MODERATOR_ROUTES = {"bin", "tag edit"}  # wrangling pages; every other page is signed in as the work's creator
GET_ROUTES: dict[str, list[str]] = {
    **{name: listing_parameters() for name in ("works", "language", "tag works", "user works", "pseud works")},
    **dict.fromkeys(("home", "series", "drafts", "uncategorized", "bin", "tag feed"), PAGE_ONLY),
    **dict.fromkeys(("opds root", "opds new", "opds fandoms", "opds tag", "opds search"), PAGE_ONLY),
}


@pytest.mark.parametrize("route", list(GET_ROUTES))
def test_no_query_parameter_value_makes_a_page_fail(route: str, archive: Archive) -> None:
    names = GET_ROUTES[route]

    @EXAMPLES
    @given(st.dictionaries(st.sampled_from(names), VALUES, min_size=1, max_size=3), st.sampled_from(["in", "out"]))
    def check(params: dict[str, str], signed: str) -> None:
        client = archive.guest if signed == "out" else archive.moderator if route in MODERATOR_ROUTES else archive.owner
        response = client.get(archive.urls[route], params)
        assert_no_server_error(response, f"GET {route} {params!r} signed {signed}")

    check()


NAMED_ROUTES = [
    "/tags/{}/works/", "/tags/{}/", "/users/{}/works/", "/users/{}/pseuds/{}/", "/users/{}/", "/works/language/{}/",
    "/downloads/opds/tags/{}/", "/downloads/feeds/tags/{}.atom", "/works/{}/", "/downloads/{}/epub/",
]  # fmt: skip


@pytest.mark.parametrize("route", NAMED_ROUTES)
def test_no_name_in_the_address_makes_a_page_fail(route: str, archive: Archive) -> None:
    @EXAMPLES
    @given(VALUES.filter(bool), st.sampled_from(["in", "out"]))
    def check(name: str, signed: str) -> None:
        client = archive.guest if signed == "out" else archive.owner
        path = route.replace("{}", quote(name, safe=""))
        assert_no_server_error(client.get(path), f"GET {path} signed {signed}")

    check()


def test_the_listing_parameters_come_from_the_filter_form() -> None:
    # A guard on the enumeration itself: the count filters the issue reported are among them.
    assert {"words_from", "kudos_to", "audio_from", "updated_to", "q", "sort", "page"} <= set(listing_parameters())


# -- form fields --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FormRoute:
    """A form to post: its route, the fields to spoil and a valid submission to spoil them in."""

    route: str
    fields: list[str]
    valid: Callable[[Archive, User], dict[str, object]]


def _story_file() -> SimpleUploadedFile:
    return SimpleUploadedFile("tide.txt", STORY.encode(), content_type="text/plain")


FORM_ROUTES = [
    FormRoute("new work", [*field_names(WorkForm, ChapterForm), "intent"], lambda a, u: work_form_data(u)),
    FormRoute(
        "edit work",
        [*field_names(WorkForm), "intent"],
        lambda a, u: {k: v for k, v in work_form_data(u, fandoms=FANDOM).items() if k in WorkForm.base_fields},
    ),
    FormRoute("new chapter", [*field_names(ChapterForm), "intent"], lambda a, u: chapter_form_data()),
    FormRoute(
        "chapter order",
        ["position_first", "position_second"],
        lambda a, u: {f"position_{a.chapter_ids[0]}": "2", f"position_{a.chapter_ids[1]}": "1"},
    ),
    FormRoute(
        "edit series",
        [*field_names(SeriesForm), "remove_work"],
        lambda a, u: {"title": "The Lighthouse Years", "summary": "Four seasons.", "notes": ""},
    ),
    FormRoute("pseuds", field_names(PseudForm), lambda a, u: {"name": "Gullwatcher", "description": "Plain."}),
    FormRoute("preferences", field_names(PreferencesForm), lambda a, u: {"time_zone": "UTC", "show_warnings": "on"}),
    FormRoute("exclusions", field_names(ExclusionForm), lambda a, u: {"tags": FANDOM, "creators": "Saltwind"}),
    FormRoute(
        "import",
        [name for name in field_names(ImportForm) if name != "file"],
        lambda a, u: {"file": _story_file(), "pseuds": [u.default_pseud().pk], "fandoms": FANDOM},
    ),
    FormRoute(
        "tag edit",
        [*field_names(TagEditForm), "remove_synonyms", "remove_parents", "remove_metatags"],
        lambda a, u: {"name": CHARACTER, "add_parents": FANDOM},
    ),
    FormRoute(
        "bin",
        [*field_names(BinForm), "tags"],
        lambda a, u: {"action": "canonical", "target": ""},
    ),
]


def _spoiled(archive: Archive, data: dict[str, object], spoils: dict[str, str]) -> dict[str, object]:
    """The valid submission with some fields replaced; the chapter order's two fields are named by chapter id."""
    named = {
        "position_first": f"position_{archive.chapter_ids[0]}",
        "position_second": f"position_{archive.chapter_ids[1]}",
    }
    return {**data, **{named.get(name, name): value for name, value in spoils.items()}}


@pytest.mark.parametrize("form", FORM_ROUTES, ids=[form.route for form in FORM_ROUTES])
def test_no_form_field_value_makes_a_form_fail(
    form: FormRoute, archive: Archive, author: User, moderator: User
) -> None:
    poster, user = (archive.moderator, moderator) if form.route in MODERATOR_ROUTES else (archive.owner, author)
    url = archive.urls[form.route]

    @EXAMPLES
    @given(
        st.dictionaries(st.sampled_from(form.fields), VALUES, min_size=1, max_size=3), st.sampled_from(["in", "out"])
    )
    def check(spoils: dict[str, str], signed: str) -> None:
        data = _spoiled(archive, form.valid(archive, user), spoils)
        response = (poster if signed == "in" else archive.guest).post(url, data)
        assert_no_server_error(response, f"POST {form.route} {spoils!r} signed {signed}")

    check()
