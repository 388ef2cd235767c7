"""Every moderator action through the admin lands in the audit log, with who did it to what; a creator's own
changes do not; an account's entry names it by number only, as a deleted account leaves no name behind."""

from __future__ import annotations

from django.test import Client

from fanshelf.accounts.models import User
from fanshelf.moderation.models import AuditEntry
from fanshelf.works.actions import delete_work
from tests.admin.conftest import run_action
from tests.core.pages import parse
from tests.factories import make_user, make_work

WORKS_ADMIN, USERS_ADMIN = "/admin/works/work/", "/admin/accounts/user/"


def entries() -> list[tuple[str, str, str]]:
    return list(AuditEntry.objects.order_by("pk").values_list("actor_name", "action", "target"))


def test_hiding_flagging_and_deleting_works_in_the_admin_is_audited(
    author: User, moderator: User, moderator_client: Client
) -> None:
    hidden, flagged, gone = (make_work(author, title=title) for title in ("Tidewrack", "Saltglass", "Driftmark"))
    run_action(moderator_client, WORKS_ADMIN, "hide_works", hidden)
    run_action(moderator_client, WORKS_ADMIN, "restrict_works", flagged)
    run_action(moderator_client, WORKS_ADMIN, "restrict_works", flagged)  # nothing changes: nothing recorded
    run_action(moderator_client, WORKS_ADMIN, "delete_works", gone)
    name = moderator.username
    assert entries() == [
        (name, "hid work", f"work {hidden.pk}: Tidewrack"),
        (name, "changed work flags", f"work {flagged.pk}: Saltglass"),
        (name, "deleted work", f"work {gone.pk}: Driftmark"),
    ]
    assert AuditEntry.objects.get(action="changed work flags").details == {"restricted": True}


def test_a_creator_deleting_their_own_work_is_not_a_moderator_action(author: User) -> None:
    delete_work(make_work(author), acting=author)
    assert not AuditEntry.objects.exists()


def test_suspending_and_deleting_accounts_is_audited_by_number(
    moderator: User, moderator_client: Client, superuser: User, superuser_client: Client
) -> None:
    spammer, leaver = make_user("Flotsam"), make_user("Jetsam")
    run_action(moderator_client, USERS_ADMIN, "suspend_accounts", spammer)
    run_action(moderator_client, USERS_ADMIN, "reinstate_accounts", spammer)
    response = superuser_client.post(f"{USERS_ADMIN}{leaver.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert entries() == [
        (moderator.username, "suspended account", f"account {spammer.pk}"),
        (moderator.username, "reinstated account", f"account {spammer.pk}"),
        (superuser.username, "deleted account", f"account {leaver.pk}"),
    ]
    table = parse(superuser_client.get("/moderation/audit/").content.decode()).select_one("table.audit-log")
    assert table is not None
    log = table.get_text(" ")
    assert "suspended account" in log
    assert "Jetsam" not in log
