"""Who may download what, and how the file is sent."""

from __future__ import annotations

import base64
from pathlib import Path
from urllib.parse import unquote

import pytest
from django.test import Client
from django.urls import reverse

from fanshelf.accounts.models import User
from tests.core.pages import text_of
from tests.downloads.conftest import TYPOGRAPHY, make_rich_work
from tests.downloads.states import STATES, make_work_in_state
from tests.factories import PASSWORD, make_work

# Posted, listed works download for whoever may read them; drafts, hidden and unrevealed works never do, not
# even for their creators or moderators; guests asking for a restricted work are sent to log in.
EXPECTED = {
    "public": {"guest": 200, "reader": 200, "creator": 200, "moderator": 200},
    "restricted": {"guest": 302, "reader": 200, "creator": 200, "moderator": 200},
    "anonymous": {"guest": 200, "reader": 200, "creator": 200, "moderator": 200},
    "draft": {"guest": 404, "reader": 404, "creator": 404, "moderator": 404},
    "hidden": {"guest": 404, "reader": 404, "creator": 404, "moderator": 404},
    "unrevealed": {"guest": 404, "reader": 404, "creator": 404, "moderator": 404},
}


def url(work_id: int, format_name: str = "html") -> str:
    return reverse("downloads:work", args=[work_id, format_name])


def basic(username: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{username}:{password}".encode()).decode()


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("viewer", ["guest", "reader", "creator", "moderator"])
def test_download_visibility_matrix(
    state: str,
    viewer: str,
    author: User,
    client_for: dict[str, Client],
) -> None:
    work = make_work_in_state(author, state)
    client = client_for[viewer]
    response = client.get(url(work.pk))
    assert response.status_code == EXPECTED[state][viewer]


def test_guest_is_sent_to_login_and_back_for_a_restricted_download(author: User, guest: Client) -> None:
    work = make_work_in_state(author, "restricted")
    response = guest.get(url(work.pk, "epub"))
    assert response.status_code == 302
    assert "login" in response["Location"]
    assert unquote(response["Location"]).endswith(f"next={url(work.pk, 'epub')}")


def test_download_is_an_attachment_named_after_the_title(author: User, guest: Client) -> None:
    work = make_work(author, title="Salt: and/or “Lanterns”?")
    response = guest.get(url(work.pk, "epub"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/epub+zip"
    assert response["Content-Disposition"] == (
        'attachment; filename="Salt and or Lanterns.epub"; '
        "filename*=UTF-8''Salt%20and%20or%20%E2%80%9CLanterns%E2%80%9D.epub"
    )


def test_each_format_has_its_content_type(author: User, guest: Client) -> None:
    work = make_work(author)
    types = {name: guest.get(url(work.pk, name))["Content-Type"] for name in ("epub", "pdf", "html")}
    assert types == {"epub": "application/epub+zip", "pdf": "application/pdf", "html": "text/html; charset=utf-8"}


def test_pdf_download_is_a_pdf(author: User, guest: Client) -> None:
    response = guest.get(url(make_work(author).pk, "pdf"))
    assert b"".join(response.streaming_content).startswith(b"%PDF-")  # type: ignore[attr-defined]


def test_unknown_format_is_not_found(author: User, guest: Client) -> None:
    assert guest.get(url(make_work(author).pk, "docx")).status_code == 404


def test_anonymous_work_download_names_no_creator_even_for_the_creator(author: User, author_client: Client) -> None:
    work = make_rich_work(author, chapters=(TYPOGRAPHY,), anonymous=True)
    response = author_client.get(url(work.pk, "html"))
    body = b"".join(response.streaming_content)  # type: ignore[attr-defined]
    assert "by Anonymous" in text_of(body.decode())
    assert author.username.encode() not in body
    assert author.username not in response["Content-Disposition"]


def test_restricted_download_is_not_stored_by_shared_caches(author: User, reader_client: Client) -> None:
    response = reader_client.get(url(make_work_in_state(author, "restricted").pk))
    assert response["Cache-Control"] == "private, max-age=0"


def test_public_download_may_be_kept_by_shared_caches_for_a_few_minutes(author: User, guest: Client) -> None:
    response = guest.get(url(make_work(author).pk))
    assert response["Cache-Control"] == "public, max-age=300"


def test_e_reader_app_downloads_a_restricted_work_with_basic_credentials(author: User, reader: User) -> None:
    work = make_work_in_state(author, "restricted")
    response = Client().get(url(work.pk, "epub"), HTTP_AUTHORIZATION=basic(reader.username, PASSWORD))
    assert response.status_code == 200
    assert "Authorization" in response["Vary"]


def test_wrong_basic_credentials_are_challenged(author: User, reader: User) -> None:
    work = make_work_in_state(author, "restricted")
    response = Client().get(url(work.pk), HTTP_AUTHORIZATION=basic(reader.username, "wrong"))
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Basic realm=")


def test_repeated_wrong_basic_credentials_are_slowed_down(author: User, reader: User) -> None:
    work = make_work(author)
    statuses = [
        Client()
        .get(url(work.pk), HTTP_AUTHORIZATION=basic(reader.username, "wrong"), REMOTE_ADDR="203.0.113.9")
        .status_code
        for _ in range(6)
    ]
    assert statuses == [401, 401, 401, 401, 401, 429]


def test_download_is_stored_under_the_work_folder(author: User, guest: Client, tmp_path: Path) -> None:
    work = make_work(author)
    guest.get(url(work.pk, "epub"))
    stored = list((tmp_path / "media" / "downloads" / str(work.pk)).iterdir())
    assert [path.suffix for path in stored] == [".epub"]
