"""Account export (issue 11, "Accounts that leave"): the owner downloads a zip of everything linked to them."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from fanshelf.accounts.actions import PseudFields, create_pseud, create_token
from fanshelf.accounts.blocking import block, mute
from fanshelf.accounts.models import User
from fanshelf.audio.actions import upload_audio
from fanshelf.bookmarks.actions import BookmarkFields, bookmark_work
from fanshelf.comments.actions import hide_comment, mark_spam, post_comment
from fanshelf.community.actions import leave_kudos
from fanshelf.discovery.actions import ExclusionChoices, save_exclusion_profile
from fanshelf.exports import work_records
from fanshelf.exports.registry import FILES
from fanshelf.inbox.actions import subscribe
from fanshelf.reading.actions import record_reading, set_shelf_public, shelve
from fanshelf.works.actions import ChapterFields, add_chapter, set_hidden_by_moderator
from fanshelf.works.models import Work
from fanshelf.works.related import ParentReference, cite_parent
from fanshelf.works.sharing import accept, give, invite
from tests.audio.samples import mp3_bytes
from tests.downloads.conftest import epubcheck
from tests.exports.conftest import download_export, export_url, read_json, zip_url
from tests.factories import make_user, make_work, signed_in_client

CJK_PSEUD = "灯台守"
RTL_PSEUD = "שומר המגדלור"
CJK_COMMENT = "「海には一度では足りない」と彼は言った。"
RTL_COMMENT = "عدّ حارس المنارة النوارس مرتين."


def titles(records: list[dict[str, Any]], key: str = "work") -> list[str]:
    return [record[key]["title"] for record in records if record[key] and record[key].get("available")]


def test_the_export_page_explains_the_zip_and_offers_the_button(author: User, author_client: Client) -> None:
    page = author_client.get(export_url(author))
    assert page.status_code == 200
    text = page.content.decode()
    for entry in FILES:
        assert entry.name in text
    assert zip_url(author) in text
    assert "Download my export" in text
    dashboard = author_client.get(f"/users/{author.username}/").content.decode()
    assert export_url(author) in dashboard


def test_the_zip_holds_every_json_file_and_each_work_as_epub_and_html(author: User, author_client: Client) -> None:
    work = make_work(author, title="Harbour Lights", chapters=["The lamp was lit at dusk.", "Gulls at dawn."])
    archive = download_export(author_client, author)
    names = set(archive.namelist())
    assert {"README.txt", *(entry.name for entry in FILES)} <= names
    [record] = read_json(archive, "works.json")
    assert record["title"] == "Harbour Lights"
    assert [chapter["position"] for chapter in record["chapters"]] == [1, 2]
    assert {record["files"]["epub"], record["files"]["html"]} <= names
    html = archive.read(record["files"]["html"]).decode()
    assert "The lamp was lit at dusk." in html
    assert "Gulls at dawn." in html
    assert archive.read(record["files"]["epub"])[:2] == b"PK"
    profile = read_json(archive, "profile.json")
    assert profile["username"] == author.username
    assert profile["email"] == author.email
    assert profile["preferences"]["keep_history"] is True
    assert profile["preferences"]["time_zone"] == "UTC"
    assert author.password not in archive.read("profile.json").decode()
    assert record["url"] == f"http://testserver/works/{work.pk}/"  # the address the person used


def test_drafts_hidden_and_anonymous_works_are_in_with_their_draft_chapters(
    author: User, author_client: Client, tmp_path: Path
) -> None:
    draft = make_work(author, title="Unfinished Lantern", post=False, chapters=["A draft begins here."])
    anonymous = make_work(author, title="Letters Nobody Signed", anonymous=True)
    add_chapter(anonymous, ChapterFields(content="A chapter still in drafts."), post=False)
    set_hidden_by_moderator(make_work(author, title="Quiet Cove"), hidden=True)
    archive = download_export(author_client, author)
    works = {record["title"]: record for record in read_json(archive, "works.json")}
    assert set(works) == {"Unfinished Lantern", "Letters Nobody Signed", "Quiet Cove"}
    assert works["Unfinished Lantern"]["posted"] is False
    assert works["Letters Nobody Signed"]["creators"] == [author.username]
    assert works["Quiet Cove"]["hidden_by_moderator"] is True
    draft_html = archive.read(works["Unfinished Lantern"]["files"]["html"]).decode()
    assert "A draft begins here." in draft_html
    anonymous_html = archive.read(works["Letters Nobody Signed"]["files"]["html"]).decode()
    assert "A chapter still in drafts." in anonymous_html
    assert "(draft)" in anonymous_html
    epubcheck(archive.read(works["Unfinished Lantern"]["files"]["epub"]), tmp_path)
    assert draft.pk == works["Unfinished Lantern"]["id"]


def test_the_epub_of_a_posted_work_passes_epubcheck(author: User, author_client: Client, tmp_path: Path) -> None:
    make_work(
        author,
        title="Salt & Lanterns: “A Story”",
        chapters=["<p>“Curly,” she said — twice…</p>", "灯台守はカモメを二度数えた。海には一度では足りない。"],
    )
    archive = download_export(author_client, author)
    [record] = read_json(archive, "works.json")
    epubcheck(archive.read(record["files"]["epub"]), tmp_path)


def test_cjk_and_rtl_pseuds_and_comments_survive_and_spam_or_hidden_ones_stay_out(
    author: User, reader: User, reader_client: Client
) -> None:
    cjk = create_pseud(reader, PseudFields(name=CJK_PSEUD, description="灯台の記録"))
    rtl = create_pseud(reader, PseudFields(name=RTL_PSEUD))
    work = make_work(author, title="Harbour Lights")
    post_comment(work, CJK_COMMENT, user=reader, pseud=cjk)
    post_comment(work, RTL_COMMENT, user=reader, pseud=rtl)
    mark_spam(post_comment(work, "Buy cheap lanterns here", user=reader, pseud=cjk), author)
    hide_comment(post_comment(work, "A remark the author hid", user=reader, pseud=cjk), author)
    archive = download_export(reader_client, reader)
    raw = archive.read("comments.json").decode("utf-8")
    assert CJK_COMMENT in raw  # written as UTF-8, not as \u escapes
    assert RTL_COMMENT in raw
    comments = read_json(archive, "comments.json")
    assert [(c["pseud"], c["text"]) for c in comments] == [
        (CJK_PSEUD, f"<p>{CJK_COMMENT}</p>"),
        (RTL_PSEUD, f"<p>{RTL_COMMENT}</p>"),
    ]
    assert titles(comments) == ["Harbour Lights", "Harbour Lights"]
    pseuds = archive.read("pseuds.json").decode("utf-8")
    for name in (CJK_PSEUD, RTL_PSEUD, "灯台の記録"):
        assert name in pseuds


def test_a_guest_is_sent_to_log_in_and_nobody_else_gets_the_export(
    author: User, reader_client: Client, moderator_client: Client, guest: Client
) -> None:
    make_work(author, title="Harbour Lights")
    for url in (export_url(author), zip_url(author)):
        response = guest.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")
        for client in (reader_client, moderator_client):  # a moderator does not get another person's export
            response = client.get(url)
            assert response.status_code == 403
            assert response["Content-Type"].startswith("text/html")
    assert guest.get("/users/nobody_here/export/zip/").status_code == 404
    assert reader_client.post(export_url(author)).status_code == 405


def test_the_reader_tools_are_all_there_private_bookmark_included(author: User, reader: User) -> None:
    public = make_work(author, title="Harbour Lights")
    other = make_work(author, title="The Tidewater Map")
    pseud = reader.default_pseud()
    bookmark_work(reader, public, BookmarkFields(pseud=pseud, notes="Only for me", tags=["comfort"], private=True))
    leave_kudos(public, reader, "")
    subscribe(reader, work=other)
    subscribe(reader, creator=author)
    record_reading(reader, public, None)
    shelve(reader, other, "to-read")
    set_shelf_public(reader, "to-read", True)
    create_token(reader, "My e-reader")
    archive = download_export(signed_in_client(reader), reader)
    [bookmark] = read_json(archive, "bookmarks.json")
    assert (bookmark["private"], bookmark["notes"], bookmark["tags"]) == (True, "<p>Only for me</p>", ["comfort"])
    assert titles(read_json(archive, "kudos.json")) == ["Harbour Lights"]
    subscriptions = read_json(archive, "subscriptions.json")
    assert titles(subscriptions) == ["The Tidewater Map"]
    assert [s["creator"]["username"] for s in subscriptions if s["creator"]] == [author.username]
    assert titles(read_json(archive, "history.json")) == ["Harbour Lights"]
    [entry] = read_json(archive, "shelves.json")
    assert (entry["shelf"], entry["shelf_is_public"], entry["work"]["title"]) == ("to-read", True, "The Tidewater Map")
    assert [token["name"] for token in read_json(archive, "tokens.json")] == ["My e-reader"]


def test_other_peoples_data_stays_out(author: User, reader: User) -> None:
    """Others' comments on the person's works, who blocked or muted them, a co-creator's email, the token's
    secret and hash, another reader's private bookmark, and what a hidden work of someone else was called."""
    cocreator = make_user("Tidewriter", allow_cocreators=True)
    shared = make_work(author, title="Two Hands")
    invite(shared, author, [cocreator.username])
    accept(shared, cocreator)
    post_comment(shared, "A reader's own words, not the author's.", user=reader, pseud=reader.default_pseud())
    notes = "A private note of the reader"
    bookmark_work(reader, shared, BookmarkFields(pseud=reader.default_pseud(), notes=notes, private=True))
    block(reader, author)
    mute(cocreator, author)
    block(author, reader)
    secret = create_token(author, "Phone").secret
    elsewhere = make_work(reader, title="Gone Quiet Now")
    bookmark_work(author, elsewhere, BookmarkFields(pseud=author.default_pseud()))
    set_hidden_by_moderator(elsewhere, hidden=True)
    archive = download_export(signed_in_client(author), author)
    everything = "\n".join(archive.read(name).decode() for name in archive.namelist() if not name.endswith("epub"))
    for private in ("A reader's own words", notes, cocreator.email, secret, secret[:12], "Gone Quiet Now"):
        assert private not in everything
    assert re.search(r"[0-9a-f]{64}", everything) is None  # no token hash
    assert read_json(archive, "comments.json") == []
    assert [b["user"]["username"] for b in read_json(archive, "blocks.json")] == [reader.username]
    assert read_json(archive, "mutes.json") == []
    [bookmark] = read_json(archive, "bookmarks.json")
    assert bookmark["work"] == {"available": False}
    [work] = read_json(archive, "works.json")
    assert work["creators"] == [author.username, cocreator.username]
    assert work["your_pseuds"] == [author.username]


def test_a_few_exports_an_hour_then_a_clear_429(author: User, author_client: Client) -> None:
    for _ in range(5):
        download_export(author_client, author)
    refused = author_client.get(zip_url(author))
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 0
    assert author_client.get(export_url(author)).status_code == 200


def test_gifts_and_invitations_both_ways(author: User, reader: User) -> None:
    reader.allow_cocreators = True
    reader.save(update_fields=["allow_cocreators"])
    mine = make_work(author, title="Harbour Lights")
    give(mine, author, [reader.username, "Marin Offshore"])
    invite(mine, author, [reader.username])
    theirs = make_work(reader, title="The Tidewater Map")
    give(theirs, reader, [author.username])
    archive = download_export(signed_in_client(author), author)
    gifts = read_json(archive, "gifts.json")
    assert sorted((g["direction"], g["work"]["title"], g["to"]) for g in gifts) == [
        ("given", "Harbour Lights", "Marin Offshore"),
        ("given", "Harbour Lights", reader.username),
        ("received", "The Tidewater Map", author.username),
    ]
    [sent] = read_json(archive, "invitations.json")
    assert (sent["direction"], sent["pseud"], sent["work"]["title"]) == ("sent", reader.username, "Harbour Lights")
    [received] = read_json(download_export(signed_in_client(reader), reader), "invitations.json")
    assert (received["direction"], received["work"]["title"]) == ("received", "Harbour Lights")


def test_podfic_audio_is_in_the_work_folder(author: User, author_client: Client) -> None:
    work = make_work(author, title="The Tidewater Map, read aloud")
    sound = mp3_bytes(2.0)
    upload_audio(work.chapters.get(), SimpleUploadedFile("reading.mp3", sound, content_type="audio/mpeg"))
    archive = download_export(author_client, author)
    [record] = read_json(archive, "works.json")
    [audio_name] = record["files"]["audio"]
    assert audio_name.startswith(f"works/{work.pk}-The Tidewater Map, read aloud/audio/chapter-0001-1.")
    assert len(archive.read(audio_name)) > len(sound) // 2
    assert archive.getinfo(audio_name).compress_type == zipfile.ZIP_STORED


def test_standing_filters_are_in_exclusions_json(reader: User, reader_client: Client) -> None:
    assert download_export(reader_client, reader).read("exclusions.json") == b"{}\n"
    save_exclusion_profile(reader, ExclusionChoices(languages=["de"], crossovers=True))
    exclusions = read_json(download_export(reader_client, reader), "exclusions.json")
    assert (exclusions["languages"], exclusions["crossovers"]) == (["de"], True)


def test_citations_both_ways_but_not_a_draft_citing_theirs(author: User, reader: User) -> None:
    parent = make_work(author, title="Harbour Lights")
    url = reverse("works:detail", args=[parent.pk])
    cite_parent(make_work(reader, title="Harbour Lights, read aloud"), reader, ParentReference(url=url))
    cite_parent(make_work(reader, title="Secret Sequel Draft", post=False), reader, ParentReference(url=url))
    external = ParentReference(url="https://example.org/tides", title="Tides", creator="Marin")
    cite_parent(parent, author, external)
    archive = download_export(signed_in_client(author), author)
    everything = archive.read("related_works.json").decode()
    assert "Secret Sequel Draft" not in everything
    links = read_json(archive, "related_works.json")
    assert sorted(link["child"]["title"] for link in links) == ["Harbour Lights", "Harbour Lights, read aloud"]
    [outside] = [link["external_parent"] for link in links if link["external_parent"]]
    assert outside == {"url": "https://example.org/tides", "title": "Tides", "creator": "Marin"}


def _export_queries(client: Client, user: User) -> int:
    with CaptureQueriesContext(connection) as queries:
        download_export(client, user)
    return len(queries)


def test_many_bookmarks_kudos_and_visits_cost_no_more_queries_than_one(author: User, reader: User) -> None:
    works = [make_work(author, title=f"Lantern {number}") for number in range(12)]
    client = signed_in_client(reader)

    def add(work: Work) -> None:
        bookmark_work(reader, work, BookmarkFields(pseud=reader.default_pseud(), tags=["sea"]))
        leave_kudos(work, reader, "")
        record_reading(reader, work, None)
        shelve(reader, work, "finished")

    add(works[0])
    one = _export_queries(client, reader)
    for work in works[1:]:
        add(work)
    assert _export_queries(client, reader) == one


def test_a_work_whose_files_fail_to_build_leaves_a_note_and_the_rest_of_the_zip(
    author: User, author_client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_work(author, title="Broken Lantern", post=False)
    make_work(author, title="Harbour Lights")

    def fail(document: object) -> bytes:
        raise RuntimeError("the builder broke")

    monkeypatch.setattr(work_records, "build_epub", fail)  # drafts are built for the export alone
    archive = download_export(author_client, author)
    works = {record["title"]: record for record in read_json(archive, "works.json")}
    names = set(archive.namelist())
    assert works["Harbour Lights"]["files"]["epub"] in names
    assert works["Broken Lantern"]["files"]["epub"] not in names
    assert any(name.endswith("/NOT-BUILT.txt") and "Broken Lantern" in name for name in names)
