"""One request must never stop the site: raw limits before cleaning, cleaning outside the write transaction, a
bound on cleaning time, 503 instead of 500 on lock timeouts, hits counted after the page has gone out, and saves
that keep other requests' counter increments."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

import pytest
from django.core.exceptions import ValidationError
from django.core.signals import request_finished
from django.db import OperationalError, close_old_connections, connection
from django.db.models import F
from django.test import Client, RequestFactory
from django.urls import reverse

from fanshelf.accounts.models import User
from fanshelf.community.actions import leave_kudos
from fanshelf.works import actions, cleaning, reading
from fanshelf.works.actions import ChapterFields, WorkFields, post_work, update_work
from fanshelf.works.models import Work
from fanshelf.works.views import work_detail
from tests.core.pages import parse, text_of, work_form_data
from tests.factories import make_user, make_work

NEW_WORK = "/works/new/"


def post_form(client: Client, url: str, data: dict[str, object]) -> Any:
    """POST as a browser sends this form: urlencoded (the test client's default is multipart)."""
    return client.post(url, urlencode(data, doseq=True), content_type="application/x-www-form-urlencoded")


def error_text(response: Any) -> str:
    return " ".join(
        " ".join(node.get_text(" ").split()) for node in parse(response.content.decode()).select(".errorlist")
    )


def spy_on(monkeypatch: pytest.MonkeyPatch, name: str) -> list[tuple[int, int]]:
    """Record (text length, open transactions beyond the test's own) for each call of cleaning.<name>."""
    calls: list[tuple[int, int]] = []
    real: Callable[[str], str] = getattr(cleaning, name)
    baseline = len(connection.atomic_blocks)

    def spy(text: str) -> str:
        calls.append((len(text), len(connection.atomic_blocks) - baseline))
        return real(text)

    monkeypatch.setattr(cleaning, name, spy)
    return calls


def test_a_summary_of_megabytes_is_refused_by_field_without_being_cleaned(
    author: User, author_client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = spy_on(monkeypatch, "sanitize_notes")
    huge = "x" * 5_500_000  # 5.5 MB, under the request cap
    response = post_form(author_client, NEW_WORK, work_form_data(author, summary=huge))
    assert response.status_code == 200
    assert "Summary can be at most 1,250 characters (it has 5,500,000)" in error_text(response)
    assert all(length < 5_000 for length, _ in calls)
    assert not Work.objects.exists()


def test_chapter_text_far_over_its_limit_is_refused_by_every_entry_point_without_cleaning(
    author: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = spy_on(monkeypatch, "sanitize_text")
    fields = WorkFields(
        title="Flood", pseuds=[author.default_pseud()], rating="Not Rated", warnings=["No Archive Warnings Apply"],
        fandoms=["Tidewater Chronicles"],
    )  # fmt: skip
    with pytest.raises(ValidationError) as refused:
        actions.create_work(author, fields, ChapterFields(content="&amp;" * 800_000), post=True)
    assert "Chapter text can be at most 510,000 characters" in refused.value.message_dict["content"][0]
    assert calls == []


def test_text_is_cleaned_outside_any_transaction_when_posting_and_editing(
    author: User, author_client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    text_calls = spy_on(monkeypatch, "sanitize_text")
    notes_calls = spy_on(monkeypatch, "sanitize_notes")
    response = author_client.post(NEW_WORK, work_form_data(author, summary="A <b>bold</b> summary."))
    assert response.status_code == 302
    work = Work.objects.get()
    edit = work_form_data(author, title="Renamed", summary="Another <i>summary</i>.")
    assert author_client.post(reverse("works:edit", args=[work.pk]), edit).status_code == 302
    chapter = work.chapters.get()
    chapter_edit = {"content": "The chapter, revised at length.", "intent": "post"}
    author_client.post(reverse("works:chapter_edit", args=[work.pk, chapter.pk]), chapter_edit)
    assert text_calls
    assert notes_calls
    assert {depth for _, depth in text_calls + notes_calls} == {0}
    assert Work.objects.get().title == "Renamed"


def test_markup_too_complex_to_clean_in_time_is_refused_with_a_message(author: User, author_client: Client) -> None:
    nested = "<div>" * 150_000  # 750,000 characters: html5ever needs minutes for this
    response = post_form(author_client, NEW_WORK, work_form_data(author, content=nested))
    assert response.status_code == 200
    assert "too complex to clean in time" in error_text(response)
    assert not Work.objects.exists()


def test_a_form_body_over_the_request_cap_gets_a_413_page_that_says_so(
    author: User, author_client: Client, settings: Any
) -> None:
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 100_000
    response = post_form(author_client, NEW_WORK, work_form_data(author, content="x" * 200_000))
    assert response.status_code == 413
    assert "more than the 0.1 MB the archive accepts at once" in text_of(response.content.decode())
    assert not Work.objects.exists()


def test_a_write_that_cannot_get_the_lock_in_time_answers_503_with_retry_after(
    author: User, author_client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    def locked(*args: object, **kwargs: object) -> Work:
        raise OperationalError("database is locked")

    monkeypatch.setattr(actions, "create_work", locked)
    response = author_client.post(NEW_WORK, work_form_data(author))
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert "The archive is busy" in response.content.decode()


def test_other_database_errors_are_not_disguised_as_busy(
    author: User, author_client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object, **kwargs: object) -> Work:
        raise OperationalError("no such table: works_work")

    monkeypatch.setattr(actions, "create_work", broken)
    with pytest.raises(OperationalError):
        author_client.post(NEW_WORK, work_form_data(author))


def test_the_work_page_goes_out_before_its_hit_is_counted(author: User) -> None:
    work = make_work(author)
    request = RequestFactory().get(work.get_absolute_url(), REMOTE_ADDR="198.51.100.9")
    request.user = make_user()
    request.session = {}  # type: ignore[assignment]
    response = work_detail(request, work.pk)
    assert response.status_code == 200
    assert Work.objects.get(pk=work.pk).hit_count == 0
    # What the server does once the page is sent; like Django's test client, keep the test's database connection.
    request_finished.disconnect(close_old_connections)
    try:
        response.close()
    finally:
        request_finished.connect(close_old_connections)
    assert Work.objects.get(pk=work.pk).hit_count == 1


def test_a_hit_that_cannot_be_written_never_reaches_the_reader(
    author: User, reader_client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    work = make_work(author)

    def locked(*args: object) -> bool:
        raise OperationalError("database is locked")

    monkeypatch.setattr(reading, "record_hit", locked)
    response = reader_client.get(work.get_absolute_url())
    assert response.status_code == 200
    assert work.title in response.content.decode()


def test_moderators_views_never_count_not_even_on_hidden_or_unrevealed_works(author: User) -> None:
    work = make_work(author)
    staff, superuser = make_user(is_staff=True), make_user(is_superuser=True)
    for moderator in (staff, superuser):
        client = Client()
        client.force_login(moderator)
        assert client.get(work.get_absolute_url()).status_code == 200
    actions.set_hidden_by_moderator(work, hidden=True)
    client = Client()
    client.force_login(staff)
    assert client.get(work.get_absolute_url()).status_code == 200
    Work.objects.filter(pk=work.pk).update(hidden_by_moderator=False, unrevealed=True)
    assert client.get(work.get_absolute_url()).status_code == 200
    assert Work.objects.get(pk=work.pk).hit_count == 0


def test_kudos_and_hits_counted_while_a_creator_edits_survive_the_edit(author: User, reader: User) -> None:
    work = make_work(author, post=False)
    stale = Work.objects.get(pk=work.pk)  # what the edit form loaded
    post_work(Work.objects.get(pk=work.pk))
    leave_kudos(Work.objects.get(pk=work.pk), reader, guest_key="")
    Work.objects.filter(pk=work.pk).update(hit_count=F("hit_count") + 7)
    fields = WorkFields(
        title="Salt and Lanterns, revised", pseuds=[author.default_pseud()], rating="General Audiences",
        warnings=["No Archive Warnings Apply"], fandoms=["Tidewater Chronicles"],
    )  # fmt: skip
    update_work(stale, author, fields, post=True)
    saved = Work.objects.get(pk=work.pk)
    assert (saved.title, saved.kudos_count, saved.hit_count) == ("Salt and Lanterns, revised", 1, 7)
