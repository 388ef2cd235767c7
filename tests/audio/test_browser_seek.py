"""A podfic seeks in a real browser: Chromium's own <audio> player asks for byte ranges and gets them."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from django.urls import reverse

from tests.audio.conftest import MakeAudio, first_chapter
from tests.audio.samples import flac_bytes, mp3_bytes
from tests.browser import conftest as browser_fixtures
from tests.factories import make_user, make_work

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Response
    from pytest_django.live_server_helper import LiveServer

# Rows made by data migrations (ratings, warnings) must survive the live server's flush between tests.
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
browser = browser_fixtures.browser  # Debian's chromium through Playwright, skipped where it is missing

TIMEOUT_MS = 10_000
# Run by Playwright, not by the page (whose CSP allows no inline script): seek, and report where it landed.
SEEK = """
async (seconds) => {
  const audio = document.querySelector("audio");
  if (audio.readyState < 1) await new Promise((done) => audio.addEventListener("loadedmetadata", done, {once: true}));
  const seeked = new Promise((done) => audio.addEventListener("seeked", done, {once: true}));
  audio.currentTime = seconds;
  await seeked;
  return {duration: audio.duration, position: audio.currentTime, error: audio.error && audio.error.code};
}
"""


@pytest.mark.parametrize(("name", "build"), [("mp3", lambda: mp3_bytes(6.0)), ("flac", lambda: flac_bytes(6.0))])
def test_a_reader_seeks_in_a_podfic_and_the_player_is_served_byte_ranges(
    live_server: LiveServer, browser: Browser, make_audio: MakeAudio, name: str, build: object
) -> None:
    work = make_work(make_user("Voicebox"), title="Salt and Lanterns (podfic)")
    audio = make_audio(work, data=build(), name=f"reading.{name}")  # type: ignore[operator]
    stream_path = reverse("audio:stream", args=[audio.pk])
    context = browser.new_context()
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    answers: list[Response] = []
    page.on("response", lambda response: answers.append(response) if stream_path in response.url else None)
    page.goto(live_server.url + reverse("audio:chapter", args=[work.pk, first_chapter(work).pk]))
    landed = page.evaluate(SEEK, 4.5)
    context.close()
    assert landed["error"] is None
    assert landed["duration"] == pytest.approx(6.0, abs=0.1)
    assert landed["position"] == pytest.approx(4.5, abs=0.1)
    assert answers, "the player never asked for the audio"
    assert all(answer.status == 206 for answer in answers)
    assert all(answer.headers["content-type"] == audio.mime_type for answer in answers)
