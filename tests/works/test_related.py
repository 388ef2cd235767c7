from __future__ import annotations

from typing import Any

from django.core import mail
from django.test import Client

from fanshelf.accounts.models import User
from fanshelf.works.models import RelatedWork, Work
from tests.core.pages import work_form_data
from tests.factories import make_user, make_work


def _reader_client_with_pseud(reader: User) -> Client:
    client = Client()
    client.force_login(reader)
    return client


def _podfic_form(reader: User, parent_url: str, **extra: str) -> Any:
    form = work_form_data(
        reader, title="Salt and Lanterns (read aloud)", parent_kind="podfic", parent_url=parent_url, **extra
    )
    return _reader_client_with_pseud(reader).post("/works/new/", form)


def test_citing_a_work_here_emails_its_creator_and_waits_for_approval(
    author: User, reader: User, guest: Client
) -> None:
    parent = make_work(author, title="Salt and Lanterns")
    response = _podfic_form(reader, f"http://127.0.0.1:8000/works/{parent.pk}/")
    assert response.status_code == 302
    child = Work.objects.get(title="Salt and Lanterns (read aloud)")
    assert [m.to for m in mail.outbox] == [[author.email]]
    assert "Salt and Lanterns (read aloud)" in mail.outbox[0].body
    parent_page = guest.get(f"/works/{parent.pk}/").content.decode()
    assert "Works inspired by this one" not in parent_page
    child_page = guest.get(f"/works/{child.pk}/").content.decode()
    assert "Podfic of" in child_page
    assert f"/works/{parent.pk}/" in child_page


def test_after_approval_the_parent_lists_the_podfic_with_its_creator(author: User, reader: User, guest: Client) -> None:
    parent = make_work(author, title="Salt and Lanterns")
    _podfic_form(reader, f"/works/{parent.pk}/")
    link = RelatedWork.objects.get(parent=parent)
    author_client = _reader_client_with_pseud(author)
    pending = author_client.get("/works/related/").content.decode()
    assert "waiting for you" in pending
    author_client.post(f"/works/related/{link.pk}/approve/")
    page = guest.get(f"/works/{parent.pk}/").content.decode()
    assert "Works inspired by this one" in page
    assert "Salt and Lanterns (read aloud)</a> (podfic) by <bdi>Pageturner</bdi>" in page
    # Signed in, on both works' pages (their surroundings read by the same probe as a guest's).
    assert "Salt and Lanterns (read aloud)</a> (podfic)" in author_client.get(f"/works/{parent.pk}/").content.decode()
    child_page = _reader_client_with_pseud(reader).get(f"/works/{link.child_id}/").content.decode()
    assert 'aria-label="Derived from"' in child_page
    assert f"/works/{parent.pk}/" in child_page


def test_a_parent_creator_can_remove_an_approved_link(author: User, reader: User, guest: Client) -> None:
    parent = make_work(author)
    _podfic_form(reader, f"/works/{parent.pk}/")
    link = RelatedWork.objects.get(parent=parent)
    author_client = _reader_client_with_pseud(author)
    author_client.post(f"/works/related/{link.pk}/approve/")
    author_client.post(f"/works/related/{link.pk}/remove/")
    assert "Works inspired by this one" not in guest.get(f"/works/{parent.pk}/").content.decode()


def test_only_the_parent_creator_may_approve(author: User, reader: User) -> None:
    parent = make_work(author)
    _podfic_form(reader, f"/works/{parent.pk}/")
    link = RelatedWork.objects.get(parent=parent)
    response = _reader_client_with_pseud(reader).post(f"/works/related/{link.pk}/approve/")
    assert response.status_code == 404
    link.refresh_from_db()
    assert not link.approved


def test_an_anonymous_podfic_is_listed_on_the_parent_as_anonymous(author: User, reader: User, guest: Client) -> None:
    parent = make_work(author)
    _podfic_form(reader, f"/works/{parent.pk}/", anonymous="on")
    assert "Pageturner" not in mail.outbox[0].body
    link = RelatedWork.objects.get(parent=parent)
    _reader_client_with_pseud(author).post(f"/works/related/{link.pk}/approve/")
    page = guest.get(f"/works/{parent.pk}/").content.decode()
    assert "(podfic) by <bdi>Anonymous</bdi>" in page
    assert "Pageturner" not in page


def test_a_restricted_parent_is_masked_for_guests_on_the_child(author: User, reader: User, guest: Client) -> None:
    parent = make_work(author, title="Lanterns Behind Glass", restricted=True)
    _podfic_form(reader, f"/works/{parent.pk}/")
    child = Work.objects.get(title="Salt and Lanterns (read aloud)")
    page = guest.get(f"/works/{child.pk}/").content.decode()
    assert "A restricted work" in page
    assert "Lanterns Behind Glass" not in page
    assert "Lanterns Behind Glass" in _reader_client_with_pseud(reader).get(f"/works/{child.pk}/").content.decode()


def test_a_restricted_child_is_masked_for_guests_on_the_parent(author: User, reader: User, guest: Client) -> None:
    parent = make_work(author)
    _podfic_form(reader, f"/works/{parent.pk}/", restricted="on")
    link = RelatedWork.objects.get(parent=parent)
    _reader_client_with_pseud(author).post(f"/works/related/{link.pk}/approve/")
    page = guest.get(f"/works/{parent.pk}/").content.decode()
    assert "A restricted work" in page
    assert "Salt and Lanterns (read aloud)" not in page


def test_citing_a_draft_someone_else_keeps_is_refused_and_nothing_is_saved(author: User, reader: User) -> None:
    draft = make_work(author, post=False)
    response = _podfic_form(reader, f"/works/{draft.pk}/")
    assert response.status_code == 200
    assert "There is no posted work at that address that you can see." in response.content.decode()
    assert not Work.objects.filter(title="Salt and Lanterns (read aloud)").exists()


def test_an_external_parent_needs_a_title_and_shows_on_the_child(reader: User, guest: Client) -> None:
    response = _podfic_form(reader, "https://stories.example.net/tale/12")
    assert "Give the title of a work that is not on this archive." in response.content.decode()
    _podfic_form(reader, "https://stories.example.net/tale/12", parent_title="The Long Tide", parent_creator="M. Reed")
    child = Work.objects.get(title="Salt and Lanterns (read aloud)")
    page = guest.get(f"/works/{child.pk}/").content.decode()
    assert 'href="https://stories.example.net/tale/12" dir="auto">The Long Tide</a> by <bdi>M. Reed</bdi>' in page


def test_a_draft_child_notifies_only_when_posted(author: User) -> None:
    translator = make_user("Wordsmith")
    parent = make_work(author)
    client = _reader_client_with_pseud(translator)
    form = work_form_data(
        translator,
        title="Sel et lanternes",
        language="fr",
        content="Le gardien du phare comptait les mouettes deux fois.",
        intent="draft",
        parent_kind="translation",
        parent_url=f"/works/{parent.pk}/",
    )
    client.post("/works/new/", form)
    assert mail.outbox == []
    child = Work.objects.get(title="Sel et lanternes")
    client.post(f"/works/{child.pk}/post/")
    assert len(mail.outbox) == 1
    assert "translation of" in mail.outbox[0].body
