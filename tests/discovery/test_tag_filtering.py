"""Tags when filtering and posting: completions as you type, a name that is no tag searched as text with "did you
mean", AO3's otp filter, messages in the form's words, and nothing offered that does not work yet."""

from __future__ import annotations

import json
from typing import Any

from django.test import Client
from django.urls import reverse

from fanshelf.accounts.models import User
from fanshelf.discovery.query import WorkQuery
from fanshelf.tags.actions import find_or_create_tag, make_synonym
from fanshelf.tags.models import Tag, TagType
from tests.core.pages import listed_titles as titles
from tests.core.pages import parse
from tests.discovery.test_listing_views import error_message
from tests.factories import make_work
from tests.tags.conftest import canonical_tag

WORKS = "discovery:works"


def completions(client: Client, term: str, **params: str) -> list[str]:
    response = client.get(reverse("discovery:tag_names"), {"term": term, **params})
    assert response.status_code == 200
    return [tag["name"] for tag in json.loads(response.content)["tags"]]


def notice(response: object) -> str:
    box = parse(response.content.decode()).select_one(".other-tags")  # type: ignore[attr-defined]
    return " ".join(box.get_text().split()) if box is not None else ""


def test_a_partial_tag_name_finds_works_by_text_and_offers_the_tags_it_may_mean(
    author: User, moderator: User, guest: Client
) -> None:
    canonical_tag("Liesl von Trapp", TagType.CHARACTER, moderator)
    make_work(author, title="Sixteen Going On", characters=["Liesl von Trapp"])
    make_work(author, title="Edelweiss")

    response = guest.get(reverse(WORKS), {"include": "Liesl"})

    assert response.status_code == 200
    assert titles(response) == ["Sixteen Going On"]
    message = notice(response)
    assert "“Liesl” is not a tag, so it was searched for as text: works mentioning it are shown." in message
    assert "Did you mean Liesl von Trapp?" in message
    link = parse(response.content.decode()).select_one(".other-tags a")
    assert link is not None
    assert titles(guest.get(reverse(WORKS) + str(link["href"]))) == ["Sixteen Going On"]
    kept = parse(response.content.decode()).select_one("form.filters input[name=include][checked]")
    assert kept is not None
    assert kept["value"] == "Liesl"  # the form keeps it, so the next search does too


def test_a_misspelt_tag_name_is_met_with_the_tag_it_is_close_to(author: User, moderator: User, guest: Client) -> None:
    canonical_tag("Liesl von Trapp", TagType.CHARACTER, moderator)
    make_work(author, title="Sixteen Going On", characters=["Liesl von Trapp"])

    response = guest.get(reverse(WORKS), {"include": "Lisel von Trap"})

    assert response.status_code == 200
    assert "Did you mean Liesl von Trapp?" in notice(response)


def test_an_excluded_name_that_is_no_tag_leaves_out_works_mentioning_it(author: User, guest: Client) -> None:
    make_work(author, title="Grey Harbour", freeforms=["lighthouse au"])
    make_work(author, title="Open Sea")

    response = guest.get(reverse(WORKS), {"exclude": "Lighthouse AU"})

    assert titles(response) == ["Open Sea"]
    assert "works mentioning it are left out" in notice(response)


def test_canonical_tags_and_synonyms_still_filter_without_a_notice(
    author: User, moderator: User, guest: Client
) -> None:
    canonical = canonical_tag("Mira Vance", TagType.CHARACTER, moderator)
    make_synonym(find_or_create_tag("captain mira", TagType.CHARACTER), canonical, by=moderator)
    make_work(author, title="Captain's Log", characters=["captain mira"])
    make_work(author, title="Mira Mentioned", summary="Mira Vance is only named here.")

    response = guest.get(reverse(WORKS), {"include": "Captain Mira"})

    assert titles(response) == ["Captain's Log"]
    assert notice(response) == ""


def test_completions_offer_canonical_tags_by_prefix_then_by_synonym_then_anywhere_in_the_name(
    moderator: User, guest: Client
) -> None:
    canonical_tag("Liesl von Trapp", TagType.CHARACTER, moderator)
    canonical_tag("Rolf Gruber/Liesl von Trapp", TagType.RELATIONSHIP, moderator)
    canonical = canonical_tag("Maria von Trapp", TagType.CHARACTER, moderator)
    make_synonym(find_or_create_tag("Liesl's stepmother", TagType.CHARACTER), canonical, by=moderator)
    find_or_create_tag("Liesl but unwrangled", TagType.FREEFORM)

    assert completions(guest, "lie") == ["Liesl von Trapp", "Maria von Trapp", "Rolf Gruber/Liesl von Trapp"]
    assert completions(guest, "lie", type="relationship") == ["Rolf Gruber/Liesl von Trapp"]
    assert completions(guest, "   ") == []


def test_completions_never_reveal_a_tag_only_seen_on_a_draft(
    author: User, guest: Client, author_client: Client
) -> None:
    make_work(author, title="Secret", post=False, freeforms=["Secret Lighthouse"])
    assert completions(guest, "Secret") == []
    assert completions(author_client, "Secret") == []  # only canonical tags are offered, to everyone alike


def test_completion_refuses_an_unknown_tag_type_with_a_message(guest: Client) -> None:
    response = guest.get(reverse("discovery:tag_names"), {"term": "a", "type": "rating"})
    assert response.status_code == 400
    assert "Tags are completed for" in json.loads(response.content)["error"]


def test_tag_boxes_on_the_filter_form_and_the_post_form_ask_for_completions(
    author_client: Client, guest: Client
) -> None:
    endpoint = reverse("discovery:tag_names")
    listing = parse(guest.get(reverse(WORKS)).content.decode())
    assert listing.select_one(f'input#id_include_new[data-tag-complete="{endpoint}"]') is not None
    assert listing.select_one('script[src$="fanshelf/tags.js"]') is not None
    post_form = parse(author_client.get(reverse("works:new")).content.decode())
    box = post_form.select_one(f'input[name=relationships][data-tag-complete="{endpoint}"]')
    assert box is not None
    assert box["data-tag-type"] == "relationship"
    assert post_form.select_one("script:not([src])") is None  # the site's CSP allows no inline script


def test_otp_finds_works_with_exactly_one_relationship_counting_a_synonym_as_one(
    author: User, moderator: User, guest: Client
) -> None:
    pairing = canonical_tag("Mira Vance/Oren Hale", TagType.RELATIONSHIP, moderator)
    make_synonym(find_or_create_tag("Miren", TagType.RELATIONSHIP), pairing, by=moderator)
    make_work(author, title="Only Them", relationships=["Mira Vance/Oren Hale"])
    make_work(author, title="Them Twice", relationships=["Mira Vance/Oren Hale", "Miren"])
    make_work(author, title="Crowded Harbour", relationships=["Mira Vance/Oren Hale", "Kestrel & Tamsin"])
    make_work(author, title="Nobody Together")

    box = sorted(titles(guest.get(reverse(WORKS), {"otp": "on"})))
    typed = sorted(titles(guest.get(reverse(WORKS), {"q": "otp:true"})))
    not_otp = sorted(titles(guest.get(reverse(WORKS), {"q": "otp:false"})))

    assert box == typed == ["Only Them", "Them Twice"]
    assert not_otp == ["Crowded Harbour", "Nobody Together"]
    form = parse(guest.get(reverse(WORKS), {"otp": "on"}).content.decode())
    assert form.select_one("form.filters input[name=otp][checked]") is not None


def test_otp_follows_wrangling_without_a_rebuild(author: User, moderator: User, guest: Client) -> None:
    pairing = canonical_tag("Mira Vance/Oren Hale", TagType.RELATIONSHIP, moderator)
    make_work(author, title="Them Twice", relationships=["Mira Vance/Oren Hale", "Miren"])
    assert titles(guest.get(reverse(WORKS), {"otp": "1"})) == []

    make_synonym(Tag.objects.get(name="Miren"), pairing, by=moderator)

    assert titles(guest.get(reverse(WORKS), {"otp": "1"})) == ["Them Twice"]


def test_messages_use_the_words_on_the_form(author: User, guest: Client) -> None:
    make_work(author)
    for params, message in (
        ({"words_from": "lots"}, "Words from needs a whole number, not “lots”."),
        ({"posted_to": "soon"}, "Date posted to must be a date like 2024-12-31"),
        ({"otp": "maybe"}, "One relationship only must be yes or no"),
        ({"sort": "popularity"}, "sorted by best match, creator, title, date posted, date updated, word count"),
    ):
        response = guest.get(reverse(WORKS), params)
        assert response.status_code == 400
        assert message in error_message(response)
        assert "_from" not in error_message(response)
        assert "_to " not in error_message(response)


def test_the_filter_form_offers_comment_and_bookmark_sorts_and_ranges(guest: Client) -> None:
    form = parse(guest.get(reverse(WORKS)).content.decode()).select_one("form.filters")
    assert form is not None
    sorts = [option["value"] for option in form.select("select[name=sort] option")]
    assert {"kudos", "comments", "bookmarks"} <= set(sorts)
    assert form.select_one("input[name=words_from]") is not None
    assert form.select_one("input[name=comments_from]") is not None
    assert form.select_one("input[name=bookmarks_from]") is not None


def test_preferences_for_built_features_are_offered(author_client: Client, author: User) -> None:
    page = author_client.get(reverse("accounts:preferences", args=[author.username])).content.decode()
    assert "Show archive warnings in listings" in page
    for offered in ("allow_cocreators", "allow_gifts"):  # built: docs/sharing.md
        assert f'name="{offered}"' in page


def test_the_additional_tags_bin_heading_says_tags_once(
    author: User, moderator: User, moderator_client: Client
) -> None:
    fandom = canonical_tag("Tidewater Chronicles", TagType.FANDOM, moderator)
    make_work(author, fandoms=[fandom.name], freeforms=["salt everywhere"])

    page = parse(moderator_client.get(reverse("tags:bin", args=[fandom.url_part, "freeform"])).content.decode())

    heading = page.select_one("h1")
    assert heading is not None
    assert " ".join(heading.get_text().split()) == "Unwrangled additional tags in Tidewater Chronicles"


def test_typed_names_are_resolved_together_each_as_it_would_be_alone(
    moderator: User, django_assert_num_queries: Any
) -> None:
    """Synonyms, case and spaces, a banned tag and a name that is no tag, included and excluded: one query for all."""
    canonical = canonical_tag("Mira Vance", TagType.CHARACTER, moderator)
    make_synonym(find_or_create_tag("captain mira", TagType.CHARACTER), canonical, by=moderator)
    canonical_tag("灯台 “Lighthouse”", TagType.FREEFORM, moderator)
    Tag.objects.filter(pk=canonical_tag("Forbidden Word", TagType.FREEFORM, moderator).pk).update(banned=True)
    typed = {
        "include": ["  CAPTAIN mira ", "灯台 “Lighthouse”", "Mira Vance", "no such   tag"],
        "exclude": ["forbidden word", "לא תג"],
    }

    with django_assert_num_queries(1):
        query = WorkQuery.from_params(typed)

    assert (query.include, query.other_include) == (("Mira Vance", "灯台 “Lighthouse”"), ("no such tag",))
    assert (query.exclude, query.other_exclude) == ((), ("forbidden word", "לא תג"))
