"""The web upload at /import/: a file plus the posting form's fields; clear errors, nothing saved on failure."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from bs4 import BeautifulSoup, Tag
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings
from django.urls import reverse

from fanshelf.accounts.models import User
from fanshelf.works.models import Work
from tests.imports.epubs import FIXTURES, ao3_epub

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as Response

pytestmark = pytest.mark.django_db
STORY = "“Curly” quotes — dashes … 日本語 עברית\nSecond paragraph of the story.".encode()


def _post(client: Client, upload: SimpleUploadedFile, author: User, **fields: object) -> Response:
    data: dict[str, object] = {"file": upload, "pseuds": [author.default_pseud().pk], "intent": "post", **fields}
    return client.post(reverse("imports:upload"), data)


def _errors(response: Response) -> str:
    soup = BeautifulSoup(response.content.decode(), "html.parser")
    return " ".join(el.get_text(" ", strip=True) for el in soup.select(".errorlist"))


def test_guests_are_sent_to_log_in(guest: Client) -> None:
    response = guest.get(reverse("imports:upload"))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_the_upload_form_has_a_file_field_and_the_posting_fields(author_client: Client) -> None:
    response = author_client.get(reverse("imports:upload"))
    assert response.status_code == 200
    soup = BeautifulSoup(response.content.decode(), "html.parser")
    form = soup.find("form", enctype="multipart/form-data")
    assert isinstance(form, Tag)
    names = {el.get("name") for el in form.find_all(["input", "select", "textarea"])}
    assert {"file", "title", "rating", "warnings", "fandoms", "characters", "relationships", "freeforms"} <= names
    assert all(soup.find("label", attrs={"for": f"id_{name}"}) for name in ("file", "title", "fandoms"))


def test_a_text_upload_posts_the_work_and_redirects_to_it(author_client: Client, author: User) -> None:
    upload = SimpleUploadedFile("story.txt", STORY, content_type="text/plain")
    response = _post(author_client, upload, author, title="Uploaded", fandoms="Tidewater, Saltmarsh")
    work = Work.objects.get()
    assert response.status_code == 302
    assert response["Location"] == work.get_absolute_url()
    assert work.posted
    assert work.title == "Uploaded"
    assert work.chapters.get().content == (
        "<p>“Curly” quotes — dashes … 日本語 עברית</p>\n<p>Second paragraph of the story.</p>"
    )
    assert {t.name for t in work.tags.all()} >= {"Not Rated", "Tidewater", "Saltmarsh"}


def test_an_ao3_epub_upload_needs_no_other_field_and_can_be_saved_as_a_draft(
    author_client: Client, author: User
) -> None:
    upload = SimpleUploadedFile("salt.epub", ao3_epub(), content_type="application/epub+zip")
    response = _post(author_client, upload, author, intent="draft")
    work = Work.objects.get()
    assert response.status_code == 302
    assert not work.posted
    assert work.title == "The Salt Road"
    assert work.chapters.count() == 2


def test_an_ao3_html_upload_keeps_its_tags(author_client: Client, author: User) -> None:
    data = (FIXTURES / "ao3_two_chapters.html").read_bytes()
    _post(author_client, SimpleUploadedFile("apprentice.html", data, content_type="text/html"), author)
    assert Work.objects.get().tags.filter(name="Maren Oakhollow/Tobiah Fenn").exists()


def test_an_unreadable_file_shows_a_clear_error_and_saves_nothing(author_client: Client, author: User) -> None:
    upload = SimpleUploadedFile("story.txt", "caf\xe9".encode("latin-1"))
    response = _post(author_client, upload, author, title="Kept Title", fandoms="F")
    assert response.status_code == 200
    assert "not UTF-8 text" in _errors(response)
    assert 'value="Kept Title"' in response.content.decode()
    assert Work.objects.count() == 0


def test_a_missing_fandom_is_shown_on_the_fandom_field(author_client: Client, author: User) -> None:
    response = _post(author_client, SimpleUploadedFile("story.txt", STORY), author)
    soup = BeautifulSoup(response.content.decode(), "html.parser")
    field = soup.find(id="id_fandoms")
    assert field is not None
    assert field.parent is not None
    assert "Add at least one fandom." in field.parent.get_text()
    assert Work.objects.count() == 0


@override_settings(FANSHELF_MAX_UPLOAD_BYTES=2048)
def test_a_file_over_the_size_cap_is_refused(author_client: Client, author: User) -> None:
    upload = SimpleUploadedFile("story.txt", b"words " * 1000)
    response = _post(author_client, upload, author, fandoms="F")
    assert "The file is too big (6,000 bytes); the limit is 2,048 bytes." in _errors(response)
    assert Work.objects.count() == 0


def test_a_file_of_another_kind_is_refused(author_client: Client, author: User) -> None:
    response = _post(author_client, SimpleUploadedFile("story.pdf", b"%PDF-1.7"), author, fandoms="F")
    assert "Choose a .txt, .html or .epub file." in _errors(response)


def test_a_hostile_epub_is_a_form_error_not_a_server_error(author_client: Client, author: User) -> None:
    from tests.imports.epubs import build_epub, opf

    upload = SimpleUploadedFile("x.epub", build_epub({"OEBPS/content.opf": opf(["../../etc/passwd"])}))
    response = _post(author_client, upload, author, fandoms="F")
    assert response.status_code == 200
    assert "points outside itself" in response.content.decode()
    assert Work.objects.count() == 0
