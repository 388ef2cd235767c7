from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from fanshelf.accounts import actions
from fanshelf.accounts.actions import PseudFields
from fanshelf.accounts.models import Pseud, User
from tests.factories import make_work


def _pseuds_url(user: User) -> str:
    return reverse("accounts:pseuds", args=[user.username])


def _edit_url(pseud: Pseud) -> str:
    return reverse("accounts:pseud_edit", args=[pseud.user.username, pseud.name])


def _delete_url(pseud: Pseud) -> str:
    return reverse("accounts:pseud_delete", args=[pseud.user.username, pseud.name])


def test_a_user_adds_a_pseud_beside_the_default_one(author_client: Client, author: User) -> None:
    response = author_client.post(_pseuds_url(author), {"name": " Salt Wife ", "description": "Sea stories."})
    assert response.status_code == 302
    assert [(p.name, p.is_default) for p in author.pseuds.order_by("pk")] == [
        ("Quillfeather", True),
        ("Salt Wife", False),
    ]
    page = author_client.get(_pseuds_url(author)).content.decode()
    assert "Pseud “Salt Wife” was created." in page
    assert "Pseuds of Quillfeather (2)" in page


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("quillFEATHER", "You already have a pseud named"),
        ("", "This field is required."),
        ("x" * 41, "at most 40 characters"),
        ("Salt/Wife", "letters, numbers, spaces, dots, hyphens and underscores"),
        ("...", "at least one letter or number"),
    ],
)
def test_a_bad_pseud_name_is_refused_on_the_form(author_client: Client, author: User, name: str, message: str) -> None:
    response = author_client.post(_pseuds_url(author), {"name": name, "description": ""})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert author.pseuds.count() == 1


def test_a_one_character_pseud_name_is_allowed(author: User) -> None:
    assert actions.create_pseud(author, PseudFields(name="Q")).name == "Q"


def test_pseud_names_need_only_be_unique_per_user(author: User, reader: User) -> None:
    actions.create_pseud(author, PseudFields(name="Gull"))
    assert actions.create_pseud(reader, PseudFields(name="gull")).user == reader


def test_a_renamed_pseud_keeps_its_works_and_they_show_the_new_name(author_client: Client, author: User) -> None:
    pseud = actions.create_pseud(author, PseudFields(name="Gull"))
    work = make_work(author, pseuds=[pseud])
    response = author_client.post(_edit_url(pseud), {"name": "Storm Petrel", "description": "Renamed."})
    assert response.status_code == 302
    pseud.refresh_from_db()
    assert (pseud.name, pseud.description) == ("Storm Petrel", "Renamed.")
    page = Client().get(work.get_absolute_url()).content.decode()
    assert "Storm Petrel (Quillfeather)" in page


def test_renaming_a_pseud_to_another_of_ones_names_is_refused(author_client: Client, author: User) -> None:
    actions.create_pseud(author, PseudFields(name="Gull"))
    tern = actions.create_pseud(author, PseudFields(name="Tern"))
    response = author_client.post(_edit_url(tern), {"name": "GULL", "description": ""})
    assert "You already have a pseud named" in response.content.decode()
    tern.refresh_from_db()
    assert tern.name == "Tern"


def test_changing_only_the_case_of_a_pseud_name_is_allowed(author: User) -> None:
    gull = actions.create_pseud(author, PseudFields(name="gull"))
    assert actions.update_pseud(gull, PseudFields(name="Gull")).name == "Gull"


def test_the_default_pseud_keeps_the_username_but_its_description_can_change(
    author_client: Client, author: User
) -> None:
    default = author.default_pseud()
    response = author_client.post(_edit_url(default), {"name": "Someone Else", "description": "Hello."})
    assert response.status_code == 302
    default.refresh_from_db()
    assert (default.name, default.description) == ("Quillfeather", "Hello.")
    with pytest.raises(ValidationError):
        actions.update_pseud(default, PseudFields(name="Someone Else"))


def test_an_empty_pseud_can_be_deleted_after_confirming(author_client: Client, author: User) -> None:
    pseud = actions.create_pseud(author, PseudFields(name="Gull"))
    assert "Yes, delete “Gull”" in author_client.get(_delete_url(pseud)).content.decode()
    assert author.pseuds.filter(pk=pseud.pk).exists()
    assert author_client.post(_delete_url(pseud)).status_code == 302
    assert not author.pseuds.filter(pk=pseud.pk).exists()


def test_a_pseud_with_works_is_not_deleted_and_the_page_says_why(author_client: Client, author: User) -> None:
    pseud = actions.create_pseud(author, PseudFields(name="Gull"))
    make_work(author, pseuds=[pseud])
    assert "still has 1 work" in author_client.get(_delete_url(pseud)).content.decode()
    response = author_client.post(_delete_url(pseud), follow=True)
    assert "“Gull” still has 1 work. Credit them to another pseud first" in response.content.decode()
    assert author.pseuds.filter(pk=pseud.pk).exists()


def test_the_default_pseud_cannot_be_deleted(author_client: Client, author: User) -> None:
    default = author.default_pseud()
    author_client.post(_delete_url(default))
    assert author.pseuds.filter(pk=default.pk, is_default=True).exists()


def test_others_may_see_a_users_pseuds_but_not_the_form_to_add_one(reader_client: Client, author: User) -> None:
    page = reader_client.get(_pseuds_url(author))
    assert page.status_code == 200
    assert "Quillfeather" in page.content.decode()
    assert "Add a pseud" not in page.content.decode()


def test_only_the_owner_may_add_edit_or_delete_pseuds(reader_client: Client, author: User) -> None:
    pseud = actions.create_pseud(author, PseudFields(name="Gull"))
    assert reader_client.post(_pseuds_url(author), {"name": "Intruder"}).status_code == 403
    assert reader_client.get(_edit_url(pseud)).status_code == 403
    assert reader_client.post(_edit_url(pseud), {"name": "Taken Over"}).status_code == 403
    assert reader_client.post(_delete_url(pseud)).status_code == 403
    assert sorted(author.pseuds.values_list("name", flat=True)) == ["Gull", "Quillfeather"]


def test_a_guest_is_sent_to_log_in_before_managing_pseuds(guest: Client, author: User) -> None:
    pseud = actions.create_pseud(author, PseudFields(name="Gull"))
    for response in (guest.get(_edit_url(pseud)), guest.post(_pseuds_url(author), {"name": "Intruder"})):
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))
    assert author.pseuds.count() == 2


def test_pseud_addresses_ignore_case_and_unknown_ones_are_404(author_client: Client, author: User) -> None:
    actions.create_pseud(author, PseudFields(name="Salt Wife"))
    assert author_client.get("/users/quillfeather/pseuds/salt%20wife/edit/").status_code == 200
    assert author_client.get("/users/quillfeather/pseuds/nobody/edit/").status_code == 404
    assert author_client.get("/users/nobody/pseuds/").status_code == 404
