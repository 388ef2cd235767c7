"""Sign-ups open, by invitation (a queue sending batches) and closed, as a visitor, a moderator and an operator's
cron job meet them (docs/signups.md)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import datetime, timedelta
from io import StringIO
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.urls import reverse

from fanshelf.accounts import invitations
from fanshelf.accounts.models import Invitation, InvitationRequest, User
from fanshelf.core import switches
from fanshelf.core.limits import parse_rate
from fanshelf.moderation.models import AuditEntry
from tests.factories import PASSWORD, signed_in_client

if TYPE_CHECKING:
    from django.core.mail import EmailMessage
    from django.test.client import _MonkeyPatchedWSGIResponse as Response

NOON = datetime.fromisoformat("2026-12-01T12:00:00+00:00")
OnCommit = Callable[..., Any]


def _mode(signups: str, per_batch: int = 2, hours: int = 24) -> None:
    switches.publish(switches.Switches(signups=signups, invitations_per_batch=per_batch, invitation_hours=hours))


def _signup(client: Client, username: str, email: str, invitation: str = "") -> Response:
    data = {"username": username, "email": email, "password1": PASSWORD, "password2": PASSWORD}
    query = f"?invitation={invitation}" if invitation else ""
    return client.post(reverse("account_signup") + query, data, REMOTE_ADDR="198.51.100.4")


def _ask(client: Client, email: str, address: str = "198.51.100.9") -> Response:
    return client.post(reverse("invitations:ask"), {"email": email}, REMOTE_ADDR=address)


def _code_in(message: EmailMessage) -> str:
    link = next(word for word in str(message.body).split() if "invitation=" in word)
    return parse_qs(urlsplit(link).query)["invitation"][0]


@pytest.mark.django_db
def test_open_sign_ups_make_an_account_as_before(client: Client) -> None:
    _mode("open")
    assert _signup(client, "Brightwater", "brightwater@example.org").status_code == 302
    assert User.objects.filter(username="Brightwater").exists()


@pytest.mark.django_db
def test_closed_sign_ups_say_so_and_a_posted_form_makes_no_account(client: Client) -> None:
    _mode("closed")
    page = client.get(reverse("account_signup"))
    assert page.status_code == 200
    assert "Sign-ups are closed" in page.content.decode()
    response = _signup(client, "Brightwater", "brightwater@example.org")
    assert response.status_code == 403
    assert "No new accounts can be made" in response.content.decode()
    assert not User.objects.filter(username="Brightwater").exists()


@pytest.mark.django_db
def test_by_invitation_the_signup_page_offers_to_ask_and_refuses_a_form_without_a_code(client: Client) -> None:
    _mode("invitation")
    page = client.get(reverse("account_signup")).content.decode()
    assert "Ask for an invitation" in page
    assert _signup(client, "Brightwater", "brightwater@example.org").status_code == 403
    assert _signup(client, "Brightwater", "brightwater@example.org", invitation="made-up").status_code == 403
    assert not User.objects.exists()


@pytest.mark.django_db
def test_asking_confirms_with_the_place_in_the_queue_and_one_open_request_per_address(client: Client) -> None:
    _mode("invitation")
    first = _ask(client, "first@example.org")
    assert first.status_code == 302
    # Unicode survives: an internationalised domain, right-to-left and CJK.
    second = Client()
    assert _ask(second, "reader@例子.测试").status_code == 302
    page = second.get(first["Location"]).content.decode()
    assert "reader@例子.测试" in page
    assert "<strong>2</strong> in the queue" in page
    again = _ask(Client(), "READER@例子.测试")
    assert again.status_code == 400
    assert "already in the queue, at number 2" in again.content.decode()
    assert InvitationRequest.objects.count() == 2


@pytest.mark.django_db
def test_asking_from_one_address_too_often_is_refused_with_retry_after(settings: Any) -> None:
    _mode("invitation")
    settings.FANSHELF_INVITATION_REQUEST_RATE = parse_rate("2/1h", "FANSHELF_INVITATION_REQUEST_RATE")
    assert _ask(Client(), "one@example.org").status_code == 302
    assert _ask(Client(), "two@example.org").status_code == 302
    refused = _ask(Client(), "three@example.org")
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 0
    assert "Many invitations were asked for from your address" in refused.content.decode()
    assert _ask(Client(), "three@example.org", address="192.0.2.50").status_code == 302


@pytest.mark.django_db
def test_batches_invite_the_oldest_requests_only_when_due(
    mailoutbox: list[EmailMessage], django_capture_on_commit_callbacks: OnCommit
) -> None:
    _mode("invitation", per_batch=2, hours=24)
    for minute, name in enumerate(["ada", "bea", "cy"]):
        invitations.request_invitation(f"{name}@example.org", now=NOON + timedelta(minutes=minute))
    with django_capture_on_commit_callbacks(execute=True):
        assert invitations.send_due_invitations(now=NOON + timedelta(hours=1)) == 2
    assert sorted(message.to[0] for message in mailoutbox) == ["ada@example.org", "bea@example.org"]
    assert invitations.send_due_invitations(now=NOON + timedelta(hours=24)) == 0  # 23 hours after the batch
    with django_capture_on_commit_callbacks(execute=True):
        assert invitations.send_due_invitations(now=NOON + timedelta(hours=25)) == 1
    assert mailoutbox[-1].to == ["cy@example.org"]
    assert invitations.queue_summary() == (0, None)


@pytest.mark.django_db
def test_the_command_sends_nothing_unless_sign_ups_are_by_invitation() -> None:
    _mode("open")
    InvitationRequest.objects.create(email="left@example.org")
    out = StringIO()
    call_command("send_invitations", stdout=out)
    assert out.getvalue().strip() == "0 invitations sent"
    _mode("invitation")
    call_command("send_invitations", stdout=out)
    assert "1 invitation sent" in out.getvalue()
    call_command("send_invitations", stdout=out)  # run again at once, as cron on a second server would
    assert out.getvalue().strip().endswith("0 invitations sent")
    assert Invitation.objects.count() == 1


@pytest.mark.django_db
def test_an_invitation_link_makes_one_account_and_is_used_up(
    mailoutbox: list[EmailMessage], django_capture_on_commit_callbacks: OnCommit
) -> None:
    _mode("invitation")
    invitations.request_invitation("brightwater@example.org", now=NOON)
    with django_capture_on_commit_callbacks(execute=True):
        invitations.send_due_invitations(now=NOON)
    code = _code_in(mailoutbox[0])
    visitor = Client()
    page = visitor.get(f"{reverse('account_signup')}?invitation={code}").content.decode()
    assert "your invitation lets you make one account" in page
    assert f'action="/accounts/signup/?invitation={code}"' in page
    assert _signup(visitor, "Brightwater", "brightwater@example.org", invitation=code).status_code == 302
    invitation = Invitation.objects.get(code=code)
    assert invitation.used_by == User.objects.get(username="Brightwater")

    reused = _signup(Client(), "Seconduse", "second@example.org", invitation=code)
    assert reused.status_code == 403
    assert "already been used" in reused.content.decode()
    assert not User.objects.filter(username="Seconduse").exists()


@pytest.mark.django_db
def test_a_moderator_sees_the_queue_and_invites_someone_at_once(
    moderator: User, mailoutbox: list[EmailMessage], django_capture_on_commit_callbacks: OnCommit
) -> None:
    _mode("invitation")
    invitations.request_invitation("waiting@example.org", now=NOON)
    invitations.request_invitation("later@example.org", now=NOON + timedelta(hours=2))
    staff = signed_in_client(moderator)
    page = staff.get(reverse("invitations:queue")).content.decode()
    assert "2 requests waiting" in page
    assert "waiting@example.org" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = staff.post(reverse("invitations:queue"), {"email": "later@example.org"})
    assert response.status_code == 302
    assert mailoutbox[0].to == ["later@example.org"]
    assert "1 request waiting" in staff.get(reverse("invitations:queue")).content.decode()
    entry = AuditEntry.objects.get(action="sent invitation")
    assert (entry.actor_name, entry.target) == (moderator.username, "later@example.org")


@pytest.mark.django_db
def test_readers_may_not_see_the_queue(reader: User) -> None:
    assert signed_in_client(reader).get(reverse("invitations:queue")).status_code == 403


@pytest.mark.django_db
def test_many_sign_ups_from_one_address_are_refused_with_retry_after(settings: Any) -> None:
    settings.FANSHELF_SIGNUP_RATE = parse_rate("2/1h", "FANSHELF_SIGNUP_RATE")
    _mode("open")
    assert _signup(Client(), "Firstcomer", "firstcomer@example.org").status_code == 302
    assert _signup(Client(), "Secondcomer", "secondcomer@example.org").status_code == 302
    refused = _signup(Client(), "Thirdcomer", "thirdcomer@example.org")
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 0
    assert "Many accounts were made from your address" in refused.content.decode()
    assert not User.objects.filter(username="Thirdcomer").exists()


@pytest.mark.django_db(transaction=True)
def test_two_servers_running_the_command_at_once_send_one_batch() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("two servers share PostgreSQL; the SQLite test database lives in one process's memory")
    _mode("invitation", per_batch=3)
    for number in range(5):
        invitations.request_invitation(f"waiting{number}@example.org", now=NOON + timedelta(minutes=number))
    sent: list[int] = []
    errors: list[BaseException] = []
    barrier = threading.Barrier(2)

    def run_as_a_server() -> None:
        try:
            barrier.wait()
            sent.append(invitations.send_due_invitations())
        except BaseException as error:  # a deadlock or a duplicate row, say: reported below
            errors.append(error)
        finally:
            connection.close()

    servers = [threading.Thread(target=run_as_a_server) for _ in range(2)]
    for server in servers:
        server.start()
    for server in servers:
        server.join()
    assert errors == []
    assert sorted(sent) == [0, 3]
    assert Invitation.objects.count() == 3
