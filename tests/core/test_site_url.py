"""Full links to the archive follow the address it is reached at, unless FANSHELF_SITE_URL says otherwise."""

from __future__ import annotations

import io
import os
import zipfile
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from fanshelf.accounts.models import User
from fanshelf.works.models import Work
from fanshelf.works.related import internal_work_id
from tests.core.pages import work_form_data
from tests.factories import STORY, make_work


@pytest.fixture
def instance_dir(settings: Any, tmp_path: Path) -> Path:
    """A var/ folder of this instance's own, so nothing a real `make run` recorded is read or overwritten."""
    settings.VAR_DIR = tmp_path / "var"
    settings.VAR_DIR.mkdir()
    path: Path = settings.VAR_DIR
    return path


def serve_argv(monkeypatch: pytest.MonkeyPatch, *options: str) -> list[str]:
    """The gunicorn command line `fanshelf serve` would replace itself with."""
    started: list[list[str]] = []
    monkeypatch.setattr(os, "execv", lambda _program, argv: started.append(list(argv)))
    call_command("serve", *options, stdout=StringIO())
    return started[0]


def test_feeds_link_to_the_host_and_port_the_reader_used_unless_a_site_url_is_set(
    author: User, guest: Client, settings: Any
) -> None:
    settings.SITE_URL = ""
    work = make_work(author)
    feed = guest.get(reverse("downloads:opds_new"), HTTP_HOST="127.0.0.1:8101").content.decode()
    assert f"<id>http://127.0.0.1:8101/works/{work.pk}/</id>" in feed
    assert 'href="http://127.0.0.1:8101/downloads/opds/"' in feed
    assert "8000" not in feed
    settings.SITE_URL = "https://fics.example"
    feed = guest.get(reverse("downloads:opds_new"), HTTP_HOST="127.0.0.1:8101").content.decode()
    assert f"<id>https://fics.example/works/{work.pk}/</id>" in feed
    assert "8101" not in feed


def test_downloads_name_the_work_at_the_address_it_was_downloaded_from(
    author: User, guest: Client, settings: Any
) -> None:
    settings.SITE_URL = ""
    work = make_work(author)
    address = f"http://127.0.0.1:8101/works/{work.pk}/"
    html = guest.get(f"/downloads/{work.pk}/html/", HTTP_HOST="127.0.0.1:8101")
    assert address in b"".join(html.streaming_content).decode()  # type: ignore[attr-defined]
    epub = guest.get(f"/downloads/{work.pk}/epub/", HTTP_HOST="127.0.0.1:8101")
    with zipfile.ZipFile(io.BytesIO(b"".join(epub.streaming_content))) as book:  # type: ignore[attr-defined]
        package = next(book.read(name).decode() for name in book.namelist() if name.endswith(".opf"))
    assert address in package


def test_citing_a_parent_pasted_from_another_port_of_this_archive_links_it_and_emails_a_working_address(
    author: User, reader: User, settings: Any
) -> None:
    settings.SITE_URL = ""
    parent = make_work(author, title="Salt and Lanterns")
    client = Client()
    client.force_login(reader)
    form = work_form_data(
        reader, title="Salt (read aloud)", parent_kind="podfic", parent_url=f"http://localhost:8000/works/{parent.pk}/"
    )
    assert client.post("/works/new/", form, HTTP_HOST="127.0.0.1:8101").status_code == 302
    child = Work.objects.get(title="Salt (read aloud)")
    assert child.parent_links.get().parent == parent
    assert "Approve or remove the link: http://127.0.0.1:8101/works/related/" in mail.outbox[0].body


@pytest.mark.parametrize(
    "url",
    [
        "/works/7/",
        "http://127.0.0.1:8000/works/7/",
        "http://127.0.0.1:8101/works/7",
        "https://LOCALHOST/works/7/chapters/3/",
        "http://[::1]:9000/works/7/",
        "https://fics.example:8443/works/7/",
    ],
)
def test_a_work_url_on_any_address_and_port_of_this_archive_names_that_work(url: str, settings: Any) -> None:
    settings.SITE_URL = "https://fics.example"
    assert internal_work_id(url) == 7


@pytest.mark.parametrize("allowed_hosts", [["127.0.0.1", "localhost"], ["*"]])
def test_a_work_url_on_another_site_is_not_this_archives_even_when_every_host_is_allowed(
    allowed_hosts: list[str], settings: Any
) -> None:
    settings.ALLOWED_HOSTS = allowed_hosts
    assert internal_work_id("https://archiveofourown.org/works/7/") is None
    assert internal_work_id("https://user@archiveofourown.org:443/works/7/") is None


def test_after_serve_on_port_8101_the_cli_prints_links_on_port_8101(
    author: User, instance_dir: Path, monkeypatch: pytest.MonkeyPatch, settings: Any, tmp_path: Path
) -> None:
    settings.SITE_URL = ""
    serve_argv(monkeypatch, "--bind", "0.0.0.0:8101")
    story = tmp_path / "story.txt"
    story.write_text(STORY, encoding="utf-8")
    out = StringIO()
    call_command("import_work", str(story), "--creator", author.username, "--fandom", "Tidewater", stdout=out)
    assert out.getvalue().strip().splitlines()[-1] == f"http://127.0.0.1:8101/works/{Work.objects.get().pk}/"


def test_two_instances_keep_their_gunicorn_control_sockets_in_their_own_var_folders(
    monkeypatch: pytest.MonkeyPatch, settings: Any, tmp_path: Path
) -> None:
    sockets = []
    for name in ("first", "second"):
        settings.VAR_DIR = tmp_path / name
        settings.VAR_DIR.mkdir()
        argv = serve_argv(monkeypatch, "--bind", "127.0.0.1:8101")
        sockets.append(argv[argv.index("--control-socket") + 1])
    assert sockets == [str(tmp_path / "first" / "gunicorn.ctl"), str(tmp_path / "second" / "gunicorn.ctl")]


def test_a_var_folder_too_deep_for_a_socket_gets_no_control_socket_rather_than_the_shared_one(
    monkeypatch: pytest.MonkeyPatch, settings: Any, tmp_path: Path
) -> None:
    settings.VAR_DIR = tmp_path / ("deep" * 30)
    settings.VAR_DIR.mkdir()
    argv = serve_argv(monkeypatch)
    assert "--no-control-socket" in argv
    assert "--control-socket" not in argv
