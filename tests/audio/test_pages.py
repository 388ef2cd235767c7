from __future__ import annotations

import pytest
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse
from pytest_django import DjangoAssertNumQueries

from fanshelf.accounts.models import User
from fanshelf.audio.actions import upload_audio
from fanshelf.audio.models import AudioFile
from fanshelf.core.durations import duration, iso_duration
from fanshelf.works.actions import ChapterFields, add_chapter, post_chapter
from fanshelf.works.models import Work
from tests.audio.conftest import MakeAudio, as_upload, first_chapter
from tests.audio.samples import flac_bytes, mp3_bytes
from tests.core.pages import parse
from tests.factories import make_work


def chapter_page(client: Client, work: Work) -> str:
    response = client.get(reverse("audio:chapter", args=[work.pk, first_chapter(work).pk]))
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize(
    ("seconds", "shown", "iso"),
    [
        (0, "0:00:00", "PT0H0M0S"),
        (59.6, "0:01:00", "PT0H1M0S"),
        (3723.4, "1:02:03", "PT1H2M3S"),
        (36000, "10:00:00", "PT10H0M0S"),
    ],
)
def test_durations_are_shown_as_hours_minutes_seconds(seconds: float, shown: str, iso: str) -> None:
    assert duration(seconds) == shown
    assert iso_duration(seconds) == iso


def test_the_chapter_audio_page_shows_a_player_with_duration_and_size(
    reader_client: Client, podfic: Work, make_audio: MakeAudio
) -> None:
    audio = make_audio(podfic, data=flac_bytes(62.0))
    page = chapter_page(reader_client, podfic)
    assert f'<audio controls preload="metadata" src="{reverse("audio:stream", args=[audio.pk])}"' in page
    assert 'aria-label="Chapter 1, audio 1 of 1"' in page
    assert '<time datetime="PT0H1M2S">0:01:02</time>' in page
    assert audio.size_bytes == 9266
    assert '<span class="audio-size">9.0\xa0KB</span>' in page
    assert "FLAC" in page
    # The native player needs no script: the only one is the site's own tag completion, loaded from a file.
    scripts = parse(page).find_all("script")
    assert [script.get("src") for script in scripts] == ["/static/fanshelf/tags.js"]


def test_sizes_are_shown_in_human_units(reader_client: Client, podfic: Work, make_audio: MakeAudio) -> None:
    make_audio(podfic, data=mp3_bytes(2.0))
    assert "31.4\xa0KB" in chapter_page(reader_client, podfic)


def test_creators_are_offered_upload_and_delete_and_readers_are_not(
    author_client: Client, reader_client: Client, podfic: Work, make_audio: MakeAudio
) -> None:
    audio = make_audio(podfic)
    upload_link = reverse("audio:upload", args=[podfic.pk, audio.chapter_id])
    delete_link = reverse("audio:delete", args=[audio.pk])
    creator_page = chapter_page(author_client, podfic)
    assert upload_link in creator_page
    assert delete_link in creator_page
    reader_page = chapter_page(reader_client, podfic)
    assert upload_link not in reader_page
    assert delete_link not in reader_page


def test_a_chapter_without_audio_says_so(reader_client: Client, podfic: Work) -> None:
    assert "This chapter has no audio yet." in chapter_page(reader_client, podfic)


def test_the_chapter_audio_page_follows_the_works_visibility(guest: Client, author: User) -> None:
    restricted = make_work(author, restricted=True)
    response = guest.get(reverse("audio:chapter", args=[restricted.pk, first_chapter(restricted).pk]))
    assert response.status_code == 302
    draft = make_work(author, post=False)
    assert guest.get(reverse("audio:chapter", args=[draft.pk, first_chapter(draft).pk])).status_code == 404


def test_an_adult_works_audio_page_asks_first(reader_client: Client, author: User) -> None:
    work = make_work(author, rating="Explicit")
    page = chapter_page(reader_client, work)
    assert "This work could have adult content." in page
    assert "<audio" not in page


def test_the_chapter_audio_page_uses_a_fixed_number_of_queries(
    reader_client: Client, podfic: Work, make_audio: MakeAudio, django_assert_max_num_queries: DjangoAssertNumQueries
) -> None:
    for _ in range(5):
        make_audio(podfic)
    # 13: the work's tags are read as ids, then by id (inside a test's transaction none is kept from before)
    with django_assert_max_num_queries(13):
        chapter_page(reader_client, podfic)


def test_the_snippet_renders_for_a_chapter_on_the_work_page(podfic: Work, make_audio: MakeAudio) -> None:
    audio = make_audio(podfic)
    html = render_to_string("audio/chapter_audio.html", {"chapter": first_chapter(podfic), "is_creator": False})
    assert "<h3" in html
    assert "Podfic audio" in html
    assert reverse("audio:stream", args=[audio.pk]) in html


def test_the_snippet_renders_nothing_for_readers_of_a_chapter_without_audio(podfic: Work) -> None:
    assert render_to_string("audio/chapter_audio.html", {"chapter": first_chapter(podfic)}).strip() == ""


def test_a_works_total_audio_counts_its_posted_chapters_only(podfic: Work, make_audio: MakeAudio) -> None:
    assert podfic.audio_seconds == 0
    make_audio(podfic, data=flac_bytes(2.0))
    make_audio(podfic, data=flac_bytes(3.0))
    draft = add_chapter(podfic, ChapterFields(content="A draft chapter, not yet posted."), post=False)
    upload_audio(draft, as_upload(flac_bytes(10.0)))
    assert AudioFile.objects.count() == 3
    podfic.refresh_from_db()
    assert podfic.audio_seconds == 5
    post_chapter(draft)
    podfic.refresh_from_db()
    assert podfic.audio_seconds == 15


def test_works_are_sorted_and_filtered_by_their_stored_audio_length(author: User, make_audio: MakeAudio) -> None:
    short, long_, _silent = (make_work(author, title=title) for title in ("Short", "Long", "Silent"))
    make_audio(short, data=flac_bytes(2.0))
    make_audio(long_, data=flac_bytes(3.0))
    make_audio(long_, data=flac_bytes(4.0))
    works = Work.objects.order_by("-audio_seconds")
    assert [(work.title, work.audio_seconds) for work in works] == [("Long", 7), ("Short", 2), ("Silent", 0)]
    assert [work.title for work in Work.objects.filter(audio_seconds__gte=3)] == ["Long"]


def test_the_entire_work_shows_each_posted_chapters_own_audio_and_a_drafts_only_to_its_creators(
    author: User, author_client: Client, guest: Client, reader_client: Client
) -> None:
    work = make_work(author, title="Lanterns Read Aloud 灯", chapters=("The first reading.", "The second reading."))
    first, second = work.chapters.order_by("position")
    draft = add_chapter(work, ChapterFields(content="A reading not posted yet."), post=False)
    uploads = [
        upload_audio(first, as_upload(mp3_bytes(2.0), "one.mp3")),
        upload_audio(second, as_upload(flac_bytes(3.0), "two.flac")),
        upload_audio(first, as_upload(flac_bytes(4.0), "one-more.flac")),
        upload_audio(draft, as_upload(mp3_bytes(5.0), "draft.mp3")),
    ]
    streams = [reverse("audio:stream", args=[audio.pk]) for audio in uploads]

    def players(client: Client) -> dict[str, list[str]]:
        page = parse(client.get(reverse("works:entire", args=[work.pk])).content.decode())
        return {
            str(section["id"]): [str(player["src"]) for player in section.select("audio")]
            for section in page.select("section.chapter")
        }

    for client in (guest, guest, reader_client):  # the guest's second view comes from the memo
        assert players(client) == {"chapter-1": [streams[0], streams[2]], "chapter-2": [streams[1]]}
    assert players(author_client)["chapter-3"] == [streams[3]]


def test_audio_uploaded_after_guests_read_the_work_plays_for_the_next_guest(
    podfic: Work, make_audio: MakeAudio
) -> None:
    def players() -> list[str]:
        guest = Client(REMOTE_ADDR="10.0.12.1")
        return [
            str(player["src"])
            for player in parse(guest.get(podfic.get_absolute_url()).content.decode()).select("audio")
        ]

    assert players() == []
    audio = make_audio(podfic)
    assert players() == [reverse("audio:stream", args=[audio.pk])]
