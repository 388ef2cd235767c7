from __future__ import annotations

from django.test import Client

from fanshelf.accounts.models import User
from tests.factories import make_work


def test_moderator_finds_a_work_in_the_admin_by_title(moderator_client: Client, author: User) -> None:
    make_work(author, title="The Cartographer's Apprentice")
    make_work(author, title="Quiet Harbour")
    page = moderator_client.get("/admin/works/work/", {"q": "Cartographer"}).content.decode()
    assert "The Cartographer&#x27;s Apprentice" in page
    assert "Quiet Harbour" not in page


def test_moderator_hides_a_work_and_readers_can_no_longer_open_it(
    moderator_client: Client, reader_client: Client, author: User
) -> None:
    work = make_work(author)
    assert reader_client.get(f"/works/{work.pk}/").status_code == 200
    response = moderator_client.post(
        "/admin/works/work/", {"action": "hide_works", "_selected_action": [work.pk]}, follow=True
    )
    assert "1 work(s) hidden." in response.content.decode()
    assert reader_client.get(f"/works/{work.pk}/").status_code == 404
    assert moderator_client.get(f"/works/{work.pk}/").status_code == 200
    assert work.title not in reader_client.get("/works/").content.decode()


def test_moderator_deletes_a_work_from_the_admin(moderator_client: Client, guest: Client, author: User) -> None:
    work = make_work(author)
    moderator_client.post("/admin/works/work/", {"action": "delete_works", "_selected_action": [work.pk]})
    assert guest.get(f"/works/{work.pk}/").status_code == 404


def test_a_reader_without_staff_rights_is_kept_out_of_the_admin(reader_client: Client) -> None:
    response = reader_client.get("/admin/works/work/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
