"""Reuse permissions and the AI-use disclosure (issue 11, "Reuse and AI consent"): set on the work form from the
creator's preferences, shown on the work page and in blurbs, honoured by citations, and "no AI training" carried
to crawlers in meta tags, headers, robots.txt and tdmrep.json."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from fanshelf.accounts.actions import update_preferences
from fanshelf.accounts.models import User
from fanshelf.imports.actions import ImportChoices, import_file
from fanshelf.works.actions import update_work
from fanshelf.works.forms import WorkForm
from fanshelf.works.models import RelatedWork, Work
from fanshelf.works.related import ParentReference, cite_parent
from fanshelf.works.reuse import AI_CRAWLERS, current_reservations, robots_txt, tdmrep_rules
from tests.core.pages import parse, work_form_data
from tests.factories import make_work

NO_AI = "noai, noimageai"


def _select(markup: str, name: str) -> str:
    """The chosen option of a <select>."""
    chosen = parse(markup).select_one(f'select[name="{name}"] option[selected]')
    assert chosen is not None, name
    return str(chosen["value"])


def _edit(work: Work, user: User, **changes: str) -> Work:
    data = WorkForm.initial_for(work)
    form = WorkForm({**work_form_data(user), **data, **changes}, user=user)
    assert form.is_valid(), form.errors
    return update_work(work, user, form.work_fields())


# -- the form and the creator's defaults ---------------------------------------------------------------------------


def test_a_new_work_takes_its_creators_reuse_preferences(author: User) -> None:
    update_preferences(author, {"reuse_podfic": "no", "reuse_translation": "yes", "reuse_ai_training": "ask"})
    work = make_work(author)
    assert (work.reuse_podfic, work.reuse_translation, work.reuse_remix) == ("no", "yes", "yes")
    assert (work.reuse_ai_training, work.ai_disclosure) == ("ask", "none")


def test_the_post_form_starts_from_the_preferences_and_keeps_what_the_creator_chose(
    author: User, author_client: Client
) -> None:
    update_preferences(author, {"reuse_remix": "ask"})
    page = author_client.get(reverse("works:new")).content.decode()
    assert _select(page, "reuse_remix") == "ask"
    assert _select(page, "reuse_ai_training") == "no"
    form = work_form_data(author, reuse_podfic="no", reuse_ai_training="yes", ai_disclosure="assisted")
    assert author_client.post(reverse("works:new"), form).status_code == 302
    work = Work.objects.get(title="The Ferry at Dawn")
    assert (work.reuse_podfic, work.reuse_remix, work.reuse_ai_training) == ("no", "ask", "yes")
    assert work.ai_disclosure == "assisted"


def test_editing_a_work_changes_its_permissions_and_keeps_them_when_the_form_leaves_them_out(
    author: User, author_client: Client
) -> None:
    work = make_work(author)
    page = author_client.get(reverse("works:edit", args=[work.pk])).content.decode()
    assert _select(page, "reuse_translation") == "ask"
    form = {**work_form_data(author), "reuse_translation": "no", "ai_disclosure": "generated", "intent": "save"}
    assert author_client.post(reverse("works:edit", args=[work.pk]), form).status_code == 302
    work.refresh_from_db()
    assert (work.reuse_translation, work.ai_disclosure) == ("no", "generated")
    # An older page (or a script) that sends none of the new fields changes none of them.
    assert (
        author_client.post(reverse("works:edit", args=[work.pk]), work_form_data(author, intent="save")).status_code
        == 302
    )
    work.refresh_from_db()
    assert (work.reuse_translation, work.ai_disclosure) == ("no", "generated")


def test_an_unknown_answer_is_refused_by_the_form_and_by_the_action(author: User, author_client: Client) -> None:
    response = author_client.post(reverse("works:new"), work_form_data(author, reuse_podfic="maybe"))
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    work = make_work(author)
    form = WorkForm(work_form_data(author), user=author)
    assert form.is_valid()
    fields = form.work_fields()
    fields.ai_disclosure = "mostly"
    with pytest.raises(ValidationError) as refused:
        update_work(work, author, fields)
    assert "ai_disclosure" in refused.value.message_dict


def test_the_preferences_page_sets_the_defaults_and_an_older_form_keeps_them(
    author: User, author_client: Client
) -> None:
    url = reverse("accounts:preferences", args=[author.username])
    page = author_client.get(url).content.decode()
    assert "Training AI on my works" in page
    assert _select(page, "reuse_ai_training") == "no"
    base = {"time_zone": "UTC", "comment_emails": "each", "subscription_emails": "immediately"}
    response = author_client.post(url, {**base, "reuse_podfic": "ask", "reuse_ai_training": "yes"})
    assert response.status_code == 302
    author.refresh_from_db()
    assert (author.reuse_podfic, author.reuse_ai_training) == ("ask", "yes")
    assert author_client.post(url, base).status_code == 302
    author.refresh_from_db()
    assert (author.reuse_podfic, author.reuse_ai_training) == ("ask", "yes")


def test_an_imported_work_takes_the_importers_preferences(author: User) -> None:
    update_preferences(author, {"reuse_podfic": "no", "reuse_ai_training": "yes"})
    text = b"The tide came in twice that night, and the keeper wrote both down."
    work = import_file(author, "two-tides.txt", text, ImportChoices(fandoms=["Tidewater Chronicles"]), post=True)
    assert (work.reuse_podfic, work.reuse_translation, work.reuse_ai_training) == ("no", "ask", "yes")


# -- where the permissions show -------------------------------------------------------------------------------------


def test_the_work_page_shows_a_permissions_block_and_the_ai_use(author: User, guest: Client) -> None:
    work = make_work(author, reuse_translation="ask", reuse_ai_training="no", ai_disclosure="assisted")
    page = parse(guest.get(work.get_absolute_url()).content.decode())
    permissions = page.select_one("dd.permissions")
    assert permissions is not None
    assert permissions.get_text() == "Podfic: yes · Translation: ask first · Remix: yes · AI training: no"
    ai_use = page.select_one("dd.ai-use")
    assert ai_use is not None
    assert ai_use.get_text() == "AI-assisted"


def test_blurbs_show_permissions_briefly_and_the_ai_use_only_when_some_was_disclosed(
    author: User, guest: Client
) -> None:
    make_work(author, title="Drawn by Hand")
    make_work(author, title="Machine Tides", ai_disclosure="generated", reuse_podfic="no")
    page = parse(guest.get(reverse("discovery:works")).content.decode())
    blurbs = {b.select_one("h3 a").get_text(): b for b in page.select("li.blurb")}  # type: ignore[union-attr]
    generated = blurbs["Machine Tides"].select_one("p.reuse")
    assert generated is not None
    assert " ".join(generated.get_text().split()) == (
        "AI-generated · Permissions: Podfic: no · Translation: ask · Remix: yes · AI training: no"
    )
    by_hand = blurbs["Drawn by Hand"].select_one("p.reuse")
    assert by_hand is not None
    assert "AI-" not in by_hand.get_text()
    assert "No AI used" not in by_hand.get_text()


def test_an_edit_shows_on_the_listing_blurb_at_once(author: User, guest: Client) -> None:
    work = make_work(author, title="Machine Tides")

    def blurb_line() -> str:
        found = parse(guest.get(reverse("discovery:works")).content.decode()).select_one("li.blurb p.reuse")
        assert found is not None
        return found.get_text()

    assert "AI-generated" not in blurb_line()
    _edit(work, author, ai_disclosure="generated", reuse_remix="no")
    assert "AI-generated" in blurb_line()
    assert "Remix: no" in blurb_line()


# -- citations ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "permission", "words"),
    [("podfic", "reuse_podfic", "podfic"), ("translation", "reuse_translation", "translations")],
)
def test_citing_as_podfic_or_translation_a_work_whose_creators_said_no_is_refused_with_the_reason(
    author: User, reader: User, kind: str, permission: str, words: str
) -> None:
    said_no: dict[str, Any] = {permission: "no"}
    parent = make_work(author, title="Salt Songs", **said_no)
    response = Client()
    response.force_login(reader)
    answer = response.post(
        reverse("works:new"),
        work_form_data(reader, title="Salt Songs, again", parent_kind=kind, parent_url=f"/works/{parent.pk}/"),
    )
    assert answer.status_code == 200
    assert f"The creators of “Salt Songs” do not allow {words} of it" in answer.content.decode()
    assert not Work.objects.filter(title="Salt Songs, again").exists()


def test_ask_first_lets_the_link_wait_for_approval_and_no_leaves_other_kinds_alone(author: User, reader: User) -> None:
    asks = make_work(author, title="Ask Me", reuse_podfic="ask")
    refuses = make_work(author, title="Not As Podfic", reuse_podfic="no", reuse_translation="no")
    child = make_work(reader, title="Read Aloud")
    link = cite_parent(child, reader, ParentReference(url=f"/works/{asks.pk}/", kind="podfic"))
    assert not link.approved
    inspired = cite_parent(child, reader, ParentReference(url=f"/works/{refuses.pk}/", kind="inspired"))
    assert RelatedWork.objects.filter(pk=inspired.pk).exists()


def test_creators_may_cite_their_own_work_whatever_it_says(author: User) -> None:
    parent = make_work(author, title="Mine", reuse_podfic="no")
    child = make_work(author, title="Mine, read aloud")
    link = cite_parent(child, author, ParentReference(url=f"/works/{parent.pk}/", kind="podfic"))
    assert link.approved


# -- AI training: meta tags, headers, robots.txt, tdmrep.json -------------------------------------------------------


@pytest.mark.parametrize("answer", ["no", "ask"])
def test_a_work_that_reserves_ai_training_says_so_in_its_pages_meta_and_headers(
    author: User, guest: Client, answer: str
) -> None:
    work = make_work(author, chapters=("One tide, counted.", "Two tides, counted."), reuse_ai_training=answer)
    chapter = work.chapters.order_by("position").last()
    assert chapter is not None
    for url in (
        work.get_absolute_url(),
        reverse("works:entire", args=[work.pk]),
        reverse("works:chapter", args=[work.pk, chapter.pk]),
    ):
        response = guest.get(url)
        assert response.status_code == 200
        assert response["tdm-reservation"] == "1"
        page = parse(response.content.decode())
        assert page.select_one('head meta[name="robots"]')["content"] == NO_AI  # type: ignore[index]
        assert page.select_one('head meta[name="tdm-reservation"]')["content"] == "1"  # type: ignore[index]


def test_a_work_that_allows_ai_training_carries_no_reservation(author: User, guest: Client) -> None:
    work = make_work(author, reuse_ai_training="yes")
    response = guest.get(work.get_absolute_url())
    assert "tdm-reservation" not in response
    page = parse(response.content.decode())
    assert page.select_one('meta[name="robots"]') is None
    assert page.select_one('meta[name="tdm-reservation"]') is None


def test_robots_txt_keeps_ai_crawlers_from_reserved_works_a_guest_can_open(author: User, guest: Client) -> None:
    reserved = make_work(author, title="Kept Back")
    allowed = make_work(author, title="Free to Train", reuse_ai_training="yes")
    restricted = make_work(author, title="Members Only", restricted=True)
    draft = make_work(author, title="Unfinished", post=False)
    response = guest.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    text = response.content.decode()
    groups = text.split("\n\n")
    assert "User-agent: *" in groups[0]
    assert f"/works/{reserved.pk}/" not in groups[0]
    for name in ("GPTBot", "ClaudeBot", "CCBot", "Google-Extended", "PerplexityBot", "Bytespider"):
        assert f"User-agent: {name}\n" in groups[1]
    assert set(AI_CRAWLERS) >= {"Applebot-Extended", "meta-externalagent"}
    lines = groups[1].splitlines()
    assert f"Disallow: /works/{reserved.pk}/" in lines
    assert f"Disallow: /downloads/{reserved.pk}/" in lines
    for other in (allowed, restricted, draft):
        assert f"/works/{other.pk}/" not in text


def test_tdmrep_json_reserves_the_same_works(author: User, guest: Client) -> None:
    reserved = make_work(author, reuse_ai_training="ask")
    make_work(author, reuse_ai_training="yes")
    assert guest.head("/.well-known/tdmrep.json").status_code == guest.head("/robots.txt").status_code == 200
    assert guest.post("/robots.txt").status_code == 405
    response = guest.get("/.well-known/tdmrep.json")
    assert response["Content-Type"] == "application/json"
    assert json.loads(response.content) == [
        {"location": f"/works/{reserved.pk}/*", "tdm-reservation": 1},
        {"location": f"/downloads/{reserved.pk}/*", "tdm-reservation": 1},
    ]


def test_robots_txt_follows_an_edit_at_once(author: User, guest: Client) -> None:
    work = make_work(author, reuse_ai_training="yes")
    assert f"/works/{work.pk}/" not in guest.get("/robots.txt").content.decode()
    _edit(work, author, reuse_ai_training="no")
    assert f"Disallow: /works/{work.pk}/" in guest.get("/robots.txt").content.decode()
    _edit(work, author, reuse_ai_training="yes")
    assert f"/works/{work.pk}/" not in guest.get("/robots.txt").content.decode()


def test_past_the_limit_ai_crawlers_are_kept_from_all_works_but_those_whose_creators_said_yes(author: User) -> None:
    first = make_work(author, title="One")
    make_work(author, title="Two")
    allowed = make_work(author, title="Three", reuse_ai_training="yes")
    reservations = current_reservations(limit=1)
    assert reservations.everywhere
    assert reservations.allowed == (allowed.pk,)
    lines = robots_txt(reservations).split("\n\n")[1].splitlines()
    assert {"Disallow: /works/", "Disallow: /downloads/", f"Allow: /works/{allowed.pk}/"} <= set(lines)
    assert f"Disallow: /works/{first.pk}/" not in lines
    assert tdmrep_rules(reservations)[-2:] == [
        {"location": "/works/*", "tdm-reservation": 1},
        {"location": "/downloads/*", "tdm-reservation": 1},
    ]
    assert tdmrep_rules(reservations)[0] == {"location": f"/works/{allowed.pk}/*", "tdm-reservation": 0}
    # Past the limit on both sides, everything there is reserved and no work is named.
    make_work(author, title="Four", reuse_ai_training="yes")
    both = current_reservations(limit=1)
    assert both.everywhere
    assert both.allowed == ()
