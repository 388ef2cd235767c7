"""Numbers people type are the digits 0-9: anything else is refused with a clear 400 or a form error, never a 500."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from fanshelf.accounts.models import User
from fanshelf.comments.forms import CommentForm
from fanshelf.core.numbers import DIGITS_ONLY, NotANumber, WholeNumberField, parse_digits
from fanshelf.works.models import Work
from fanshelf.works.series import add_to_series
from tests.core.pages import text_of, work_form_data
from tests.factories import STORY, make_work

# Digits to str.isdigit() that int() refuses, and digits of other scripts that int() silently accepts.
LOOK_ALIKES = ["²", "①", "٣", "３", "߃"]
NOT_PLAIN_DIGITS = [*LOOK_ALIKES, "1e9", "-1", "+1", " 1_000", "1.0", "1\x00", "9" * 5000, ""]


@pytest.mark.parametrize("text", NOT_PLAIN_DIGITS)
def test_only_the_ascii_digits_make_a_number(text: str) -> None:
    with pytest.raises(NotANumber):
        parse_digits(text)


def test_plain_digits_make_a_number_and_leading_zeros_are_fine() -> None:
    assert parse_digits("0042") == 42


def test_a_form_number_field_refuses_other_scripts_digits_with_a_message() -> None:
    field = WholeNumberField(min_value=1)
    assert field.clean(" 7 ") == 7
    with pytest.raises(Exception, match=DIGITS_ONLY):
        field.clean("٣")


@pytest.mark.parametrize("page", ["²", "٣", "1e9", "9" * 5000])
def test_a_page_number_that_is_not_digits_is_a_400_naming_the_digits_on_a_listing(
    page: str, author: User, guest: Client
) -> None:
    make_work(author)
    response = guest.get(reverse("discovery:works"), {"page": page})
    assert response.status_code == 400
    assert DIGITS_ONLY in text_of(response.content.decode())


def test_a_count_filter_in_circled_digits_is_a_400_naming_the_digits(author: User, guest: Client) -> None:
    make_work(author)
    response = guest.get(reverse("discovery:works"), {"words_from": "①"})
    assert response.status_code == 400
    assert f"Words from needs a whole number, not “①”. {DIGITS_ONLY}." in text_of(response.content.decode())


def test_a_search_operator_with_superscript_digits_is_a_400(author: User, guest: Client) -> None:
    make_work(author)
    response = guest.get(reverse("discovery:works"), {"q": "words>²"})
    assert response.status_code == 400
    assert DIGITS_ONLY in text_of(response.content.decode())


@pytest.mark.parametrize("name", ["q", "include", "language"])
def test_a_nul_character_in_a_listing_parameter_is_a_400(name: str, author: User, guest: Client) -> None:
    make_work(author)
    response = guest.get(reverse("discovery:works"), {name: "Tide\x00water"})
    assert response.status_code == 400
    assert "NUL character" in text_of(response.content.decode())


def test_a_series_page_number_in_arabic_indic_digits_is_a_400_with_a_message(author: User, guest: Client) -> None:
    series = add_to_series(make_work(author), author, "The Lighthouse Years")
    response = guest.get(series.get_absolute_url(), {"page": "٣"})
    assert response.status_code == 400
    assert f"page needs a whole number, not “٣”. {DIGITS_ONLY}." in text_of(response.content.decode())


@pytest.mark.parametrize("route", ["downloads:opds_new", "downloads:opds_fandoms", "downloads:opds_search"])
def test_a_catalogue_page_number_that_is_not_digits_is_a_400(route: str, author: User, guest: Client) -> None:
    make_work(author)
    response = guest.get(reverse(route), {"page": "²", "q": "lighthouse"})
    assert response.status_code == 400
    assert DIGITS_ONLY in text_of(response.content.decode())


def test_a_catalogue_search_with_a_nul_character_is_a_400(author: User, guest: Client) -> None:
    make_work(author)
    response = guest.get(reverse("downloads:opds_search"), {"q": "light\x00house"})
    assert response.status_code == 400
    assert "NUL character" in text_of(response.content.decode())


@pytest.mark.parametrize(
    "path", ["/tags/Tide%00water/works/", "/users/Quill%00feather/", "/downloads/feeds/tags/Tide%00water.atom"]
)
def test_a_nul_character_in_a_name_in_the_address_is_a_400(path: str, author: User, guest: Client) -> None:
    make_work(author, fandoms=["Tidewater"])
    response = guest.get(path)
    assert response.status_code == 400
    assert "The address contains a NUL character" in text_of(response.content.decode())


def test_a_page_past_the_end_of_a_series_still_shows_its_last_page(author: User, guest: Client) -> None:
    series = add_to_series(make_work(author, title="Spring Oil"), author, "The Lighthouse Years")
    response = guest.get(series.get_absolute_url(), {"page": "7"})
    assert response.status_code == 200
    assert "Spring Oil" in response.content.decode()


@pytest.mark.parametrize("expected", ["²", "٣", "-1", "0"])
def test_expected_chapters_not_in_plain_digits_is_a_form_error_and_posts_nothing(
    expected: str, author: User, author_client: Client
) -> None:
    response = author_client.post(reverse("works:new"), work_form_data(author, expected_chapters=expected))
    assert response.status_code == 200
    assert f"Enter a number of chapters, or ? if you don't know yet. {DIGITS_ONLY}." in text_of(
        response.content.decode()
    )
    assert not Work.objects.exists()


def test_expected_chapters_in_plain_digits_is_kept(author: User, author_client: Client) -> None:
    author_client.post(reverse("works:new"), work_form_data(author, expected_chapters="12"))
    assert Work.objects.get().expected_chapters == 12


def test_a_chapter_position_in_other_digits_is_a_form_error_and_keeps_the_order(
    author: User, author_client: Client
) -> None:
    work = make_work(author, chapters=(STORY, STORY + " Again."))
    first, second = work.chapters.order_by("position")
    url = reverse("works:chapters_manage", args=[work.pk])
    response = author_client.post(url, {f"position_{first.pk}": "٢", f"position_{second.pk}": "1"})
    assert response.status_code == 200
    assert DIGITS_ONLY in text_of(response.content.decode())
    assert list(work.chapters.order_by("position").values_list("pk", flat=True)) == [first.pk, second.pk]


def test_removing_a_work_from_a_series_by_a_non_number_is_a_400(author: User, author_client: Client) -> None:
    work = make_work(author)
    series = add_to_series(work, author, "The Lighthouse Years")
    response = author_client.post(reverse("works:series_edit", args=[series.pk]), {"remove_work": "²"})
    assert response.status_code == 400
    assert DIGITS_ONLY in text_of(response.content.decode())
    assert series.entries.filter(work=work).exists()


@pytest.mark.parametrize("value", ["٣", "²", "-1"])
def test_a_command_line_number_in_other_digits_is_refused(value: str, db: None) -> None:
    with pytest.raises(CommandError, match=DIGITS_ONLY):
        call_command("reindex", "--from-id", value)


@pytest.mark.parametrize("pseud", ["999999999999999999999999999999", "٣", "-1", "1e3"])
def test_a_pseud_choice_that_is_no_id_is_a_form_error_not_a_500(
    pseud: str, author: User, author_client: Client
) -> None:
    data = {**work_form_data(author), "pseuds": [pseud]}
    response = author_client.post(reverse("works:new"), data)
    assert response.status_code == 200
    assert "Select a valid choice" in text_of(response.content.decode())
    assert not Work.objects.exists()


def test_a_comment_pseud_past_any_id_is_refused_with_a_message(reader: User) -> None:
    form = CommentForm({"pseud": "9" * 40, "text": STORY}, user=reader)
    assert not form.is_valid()
    assert "pseud" in form.errors


def test_a_wrangling_bin_choice_past_any_id_is_a_form_error(author: User, moderator_client: Client) -> None:
    make_work(author, characters=["Mira Vance"])
    bin_page = reverse("tags:bin", args=["Tidewater Chronicles", "character"])
    response = moderator_client.post(bin_page, {"tags": ["9" * 30], "action": "canonical"})
    assert response.status_code in (200, 400)
    assert "Select a valid choice" in text_of(response.content.decode())
