"""A reader's work body built in Python (works/reader_body.py) must be the very body works/_work_body.html renders
for that reader: each page below is read twice, once built each way, and the two pages compared."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from fanshelf.accounts.models import User
from fanshelf.core import switches
from fanshelf.works import page_memo, reader_body
from fanshelf.works.actions import add_chapter
from fanshelf.works.cleaning import ChapterFields
from fanshelf.works.models import Work
from fanshelf.works.series import add_to_series
from fanshelf.works.sharing import give
from tests.factories import make_user, make_work, signed_in_client

pytestmark = pytest.mark.django_db
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')


def both_ways(monkeypatch: pytest.MonkeyPatch, client: Client, path: str) -> tuple[str, str]:
    """The page with its body built in Python, then with the template's; CSRF tokens (masked anew for every page)
    left out. The reader saw the page before, so both show the same counts."""
    built: list[str] = []
    original = reader_body.reader_body

    def counted(context: dict[str, Any]) -> str | None:
        html = original(context)
        built.extend([html] if html is not None else [])
        return html

    client.get(path)
    page_memo.clear()
    with monkeypatch.context() as patched:
        patched.setattr(page_memo, "reader_body", counted)
        python = client.get(path)
    assert built, f"{path}: the body was not built in Python"
    page_memo.clear()
    with monkeypatch.context() as patched:
        patched.setattr(page_memo, "reader_body", lambda context: None)
        template = client.get(path)
    assert python.status_code == template.status_code == 200
    return TOKEN.sub("token", python.content.decode()), TOKEN.sub("token", template.content.decode())


def guest() -> Client:
    return Client(REMOTE_ADDR="10.9.1.1", HTTP_USER_AGENT="Guest browser")


def test_a_one_chapter_work_with_everything_around_its_text(monkeypatch: pytest.MonkeyPatch, author: User) -> None:
    work = make_work(
        author,
        title="“Lanterns” <at> the 灯台 & מגדלור",
        chapters=["<p>The bell rang & the ‘fog’ lifted.</p>"],
        summary="<p>Salt & fog</p>",
        notes="<p>For the harbour “crew”.</p>",
        end_notes="<p>שלום, and thanks.</p>",
        relationships=["Keeper/Gull"],
        characters=["The Keeper", "A Gull"],
        freeforms=["Fog", "Quiet “evenings” & tea"],
        categories=["Gen"],
    )
    reader = make_user("Driftwood")
    give(work, author, [reader.username, "a friend at the pier"])
    python, template = both_ways(monkeypatch, guest(), work.get_absolute_url())
    assert python == template
    assert "a friend at the pier" in python


def test_a_right_to_left_anonymous_restricted_work(monkeypatch: pytest.MonkeyPatch, author: User) -> None:
    work = make_work(
        author, title="מגדלור בערפל", chapters=["<p>האור עבר על המים.</p>"], language="he", restricted=True,
        anonymous=True, summary="<p>ערב שקט</p>",
    )  # fmt: skip
    python, template = both_ways(monkeypatch, signed_in_client(make_user("Driftwood")), work.get_absolute_url())
    assert python == template
    assert 'dir="rtl"' in python
    assert '<p class="byline">by <span class="anonymous">Anonymous</span></p>' in python


@pytest.mark.parametrize("view", ["first", "middle", "entire"])
def test_a_work_of_several_chapters_chapter_by_chapter_and_entire(
    monkeypatch: pytest.MonkeyPatch, author: User, view: str
) -> None:
    work = make_work(author, title="Three Tides", chapters=["<p>Low tide at the pier.</p>"], notes="<p>Work notes.</p>")
    add_chapter(
        work,
        ChapterFields(
            content="<p>Mid tide at the pier.</p>", title="The “middle” — 中 & <it's>", summary="<p>Turning.</p>",
            notes="<p>Before.</p>", end_notes="<p>After.</p>",
        ),
        post=True,
    )  # fmt: skip
    add_chapter(work, ChapterFields(content="<p>High tide at the pier.</p>"), post=True)
    middle = work.chapters.order_by("position")[1]
    path = {
        "first": work.get_absolute_url(),
        "middle": f"/works/{work.pk}/chapters/{middle.pk}/",
        "entire": f"/works/{work.pk}/entire/",
    }[view]
    python, template = both_ways(monkeypatch, guest(), path)
    assert python == template
    assert "Chapter index" in python


def test_a_work_in_a_series_between_two_others_with_downloads_off(
    monkeypatch: pytest.MonkeyPatch, author: User
) -> None:
    before, work, after = (make_work(author, title=title) for title in ("Ebb", "Slack “water”", "Flood"))
    for each in (before, work, after):
        add_to_series(Work.objects.get(pk=each.pk), author, "The Tides & Us")
    python, template = both_ways(monkeypatch, guest(), work.get_absolute_url())
    assert python == template
    assert "Previous work:" in python
    assert "Next work:" in python
    assert "Download:" in python
    first, template = both_ways(monkeypatch, guest(), before.get_absolute_url())  # a next work and no previous
    assert first == template
    assert "Next work:" in first
    assert "Previous work:" not in first
    switches.publish(switches.Switches(downloads=False))
    python, template = both_ways(monkeypatch, guest(), work.get_absolute_url())
    assert python == template
    assert "Download:" not in python
