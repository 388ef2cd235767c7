"""Words inside Han, Kana, Hangul and Thai runs are found by any part of them, on the site and in OPDS."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from fanshelf.accounts.models import User
from fanshelf.discovery import text
from fanshelf.discovery.live import reset_shared_index
from fanshelf.works.models import Work
from tests.core.pages import listed_titles
from tests.factories import make_work

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
TEEN = "Teen And Up Audiences"
TIDE_TEXT = "港の灯台守は毎朝潮の満ち引きを数えていた。"
KOREAN_TEXT = "등대지기는 매일 아침 갈매기를 세었다."
THAI_TEXT = "ผู้ดูแลประภาคารนับนกนางนวลทุกเช้า"


@pytest.fixture
def shelf(author: User) -> dict[str, Work]:
    """One work per script, all rated Teen, plus an Explicit work holding every text that a rating filter leaves out."""
    return {
        "tide": make_work(author, title="Harbour Keeper", chapters=[TIDE_TEXT], rating=TEEN, language="ja"),
        "moon": make_work(
            author,
            title="月影の庭で",
            chapters=["静かな夜、白い石の小道に光が落ちていた。"],
            rating=TEEN,
            language="ja",
        ),
        "korean": make_work(author, title="Gull Counting", chapters=[KOREAN_TEXT], rating=TEEN, language="ko"),
        "thai": make_work(author, title="Lighthouse Birds", chapters=[THAI_TEXT], rating=TEEN, language="th"),
        "explicit": make_work(
            author,
            title="Another Harbour",
            chapters=[f"月影の庭で {TIDE_TEXT} {KOREAN_TEXT} {THAI_TEXT}"],
            rating="Explicit",
        ),
    }


def site_titles(client: Client, q: str, **params: str) -> list[str]:
    response = client.get(reverse("discovery:works"), {"q": q, **params})
    assert response.status_code == 200
    return listed_titles(response)


def opds_titles(client: Client, q: str, **params: str) -> list[str]:
    response = client.get(reverse("downloads:opds_search"), {"q": q, **params})
    assert response.status_code == 200
    feed = ET.fromstring(response.content)  # noqa: S314 (our own feed)
    return [entry.findtext(f"{ATOM}title", "") for entry in feed.iter(f"{ATOM}entry")]


SUBSTRINGS = [
    ("潮", "tide"),  # one Han character in the middle of a run of chapter text
    ("満ち引き", "tide"),
    ("月影", "moon"),  # the start of a title
    ("庭で", "moon"),
    ("影の庭", "moon"),
    ("갈매", "korean"),  # the start of 갈매기를
    ("매기", "korean"),
    ("ประภาคาร", "thai"),  # lighthouse, inside a run with no spaces
    ("นางนวล", "thai"),
]


@pytest.mark.parametrize(("q", "key"), SUBSTRINGS)
def test_a_part_of_a_cjk_or_thai_run_finds_its_work_in_the_site_search_with_a_rating_filter(
    shelf: dict[str, Work], guest: Client, q: str, key: str
) -> None:
    assert site_titles(guest, q, rating=TEEN) == [shelf[key].title]
    assert shelf["explicit"].title in site_titles(guest, q)


@pytest.mark.parametrize(("q", "key"), SUBSTRINGS)
def test_a_part_of_a_cjk_or_thai_run_finds_its_work_in_the_opds_search_with_a_rating_filter(
    shelf: dict[str, Work], guest: Client, q: str, key: str
) -> None:
    assert opds_titles(guest, q, rating=TEEN) == [shelf[key].title]
    assert shelf["explicit"].title in opds_titles(guest, q)


def test_cjk_results_follow_the_chosen_sort_on_the_site_and_in_opds(shelf: dict[str, Work], guest: Client) -> None:
    both = ["Another Harbour", "Harbour Keeper"]
    assert site_titles(guest, "潮", sort="title") == both
    assert site_titles(guest, "潮", sort="title", direction="desc") == both[::-1]
    assert opds_titles(guest, "潮", sort="title") == both
    assert opds_titles(guest, "潮 sort:title-desc") == both[::-1]


@pytest.mark.parametrize("q", ["月庭", "潮騒", "影月", "기갈", "นวลนาง", "海"])
def test_characters_that_are_not_adjacent_in_this_order_find_nothing(
    shelf: dict[str, Work], guest: Client, q: str
) -> None:
    assert site_titles(guest, q) == []
    assert opds_titles(guest, q) == []


def test_a_cjk_word_can_be_excluded_and_mixed_with_latin_words(shelf: dict[str, Work], guest: Client) -> None:
    assert site_titles(guest, "満ち引き -갈매", sort="title") == ["Harbour Keeper"]
    assert site_titles(guest, "Harbour 潮", sort="title") == ["Another Harbour", "Harbour Keeper"]


def test_a_phrase_near_the_end_of_a_long_japanese_work_is_found(author: User, guest: Client) -> None:
    # Long enough that PostgreSQL drops positions of the two-character tokens (16,383 positions, 256 per word).
    filler = "".join(chr(0x4E00 + (index * 7) % 2000) for index in range(20_000))
    make_work(author, title="A Long Night", chapters=[filler + "。潮騒の夜明け。"], language="ja")
    assert site_titles(guest, "潮騒の夜") == ["A Long Night"]
    assert site_titles(guest, "夜明け潮") == []


def test_reindex_and_a_restarted_process_rebuild_the_text_rows_that_find_cjk_parts(
    shelf: dict[str, Work], guest: Client
) -> None:
    text.clear()
    call_command("reindex", stdout=io.StringIO())
    assert site_titles(guest, "月影", rating=TEEN) == ["月影の庭で"]
    text.clear()  # as the migration that brought these tokens leaves the table
    reset_shared_index()
    assert site_titles(guest, "影の庭", rating=TEEN) == ["月影の庭で"]
