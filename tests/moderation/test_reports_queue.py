"""The moderators' report queue: who may see it, its tabs and filters, and what each step from an entry does as
the people involved see it: hidden and deleted items, warnings in the inbox, suspensions, dismissals."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.mail import EmailMessage
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from fanshelf.accounts.models import User
from fanshelf.bookmarks.actions import BookmarkFields, bookmark_work
from fanshelf.bookmarks.models import Bookmark
from fanshelf.comments.actions import post_comment
from fanshelf.comments.models import Comment
from fanshelf.moderation.models import AuditEntry, Report
from fanshelf.works.models import Series, Work
from fanshelf.works.series import add_to_series
from tests.core.pages import parse, text_of
from tests.factories import make_user, make_work, signed_in_client

pytestmark = pytest.mark.django_db

QUEUE = "/moderation/reports/"
WITNESS = "Marigold"  # the reporter, whose name must reach nobody but the moderators
WITNESS_TEXT = "Seen copied from my own story."


@pytest.fixture
def witness(db: None) -> User:
    return make_user(WITNESS)


def file(client: Client, kind: str, target_id: int, **form: str) -> Report:
    data = {"category": "plagiarism", "text": WITNESS_TEXT, "guest_email": "wren@example.org", **form}
    named = f"?account={User.objects.get(pk=target_id).username}" if kind == "user" else ""
    response = client.post(f"/moderation/report/{kind}/{target_id}/{named}", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    return Report.objects.latest("pk")


def act(client: Client, report: Report, action: str, reason: str = "Breaks the rules.", days: str = "") -> str:
    response = client.post(f"/moderation/reports/{report.pk}/", {"action": action, "reason": reason, "days": days})
    assert response.status_code == 302
    return text_of(client.get(response["Location"]).content.decode())


def entries(client: Client, query: str = "") -> list[str]:
    page = parse(client.get(f"{QUEUE}{query}").content.decode())
    return [" ".join(heading.a.text.split()) for heading in page.select(".report h2") if heading.a]


def test_only_moderators_see_the_queue_or_act_on_reports(
    guest: Client, reader_client: Client, author: User, moderator_client: Client
) -> None:
    report = file(guest, "user", author.pk)
    assert guest.get(QUEUE).status_code == 302  # sent to sign in
    assert reader_client.get(QUEUE).status_code == 403
    assert (
        reader_client.post(f"/moderation/reports/{report.pk}/", {"action": "dismiss", "reason": "x"}).status_code == 403
    )
    assert Report.objects.get().status == "open"
    assert moderator_client.get(QUEUE).status_code == 200
    assert 'href="/moderation/reports/"' in moderator_client.get("/").content.decode()
    assert 'href="/moderation/reports/"' not in reader_client.get("/").content.decode()


def test_hiding_a_work_from_its_entry_hides_it_from_guests_and_resolves_the_report(
    guest: Client, author: User, moderator: User, moderator_client: Client
) -> None:
    work = make_work(author)
    report = file(guest, "work", work.pk)
    assert entries(moderator_client) == ["“Salt and Lanterns”"]
    page = act(moderator_client, report, "hide", "Copied text")
    assert "Hid the work" in page
    assert guest.get(f"/works/{work.pk}/").status_code == 404
    report.refresh_from_db()
    assert (report.status, report.decision, report.handled_by) == ("resolved", "Hid the work", moderator)
    assert entries(moderator_client) == []
    assert entries(moderator_client, "?tab=resolved") == ["“Salt and Lanterns”"]
    assert "Hid the work" in text_of(moderator_client.get(f"{QUEUE}?tab=resolved").content.decode())
    actions = set(AuditEntry.objects.values_list("actor_name", "action", "reason"))
    assert {
        (moderator.username, "hid work", ""),
        (moderator.username, "report: Hid the work", "Copied text"),
    } <= actions


def test_deleting_items_from_their_entries_goes_through_each_apps_own_action(
    guest: Client, author: User, reader: User, moderator_client: Client
) -> None:
    work = make_work(author, chapters=["The first tide came in.", "The second tide went out."])
    Work.objects.filter(pk=work.pk).update(comment_permission="anyone")
    comment = post_comment(work, "Buy shoes here.", user=reader, pseud=reader.default_pseud())
    bookmark = bookmark_work(reader, work, BookmarkFields(pseud=reader.default_pseud(), notes="Spam link"))
    series = add_to_series(work, author, "Harbour Songs")
    chapter = work.chapters.order_by("position").last()
    assert chapter is not None
    for kind, item_id in (("comment", comment.pk), ("bookmark", bookmark.pk), ("series", series.pk)):
        act(moderator_client, file(guest, kind, item_id), "delete")
    act(moderator_client, file(guest, "chapter", chapter.pk), "delete")
    assert not Comment.objects.filter(pk=comment.pk).exists()
    assert not Bookmark.objects.filter(pk=bookmark.pk).exists()
    assert not Series.objects.filter(pk=series.pk).exists()
    work.refresh_from_db()
    assert (work.comment_count, work.bookmark_count, work.chapters.count()) == (0, 0, 1)
    assert "Buy shoes here." not in guest.get(f"/works/{work.pk}/").content.decode()
    assert set(Report.objects.values_list("status", flat=True)) == {"resolved"}
    # The work itself, deleted from a report of it, is gone for everyone.
    act(moderator_client, file(guest, "work", work.pk), "delete")
    assert guest.get(f"/works/{work.pk}/").status_code == 404


def test_hiding_a_comment_from_its_entry_takes_it_off_the_page(
    guest: Client, author: User, reader: User, moderator_client: Client
) -> None:
    work = make_work(author)
    comment = post_comment(work, "A rude remark.", user=reader, pseud=reader.default_pseud())
    act(moderator_client, file(guest, "comment", comment.pk), "hide")
    assert "A rude remark." not in guest.get(f"/works/{work.pk}/").content.decode()


def test_an_item_deleted_meanwhile_leaves_the_report_open_with_a_message(
    guest: Client, author: User, moderator_client: Client
) -> None:
    work = make_work(author)
    report = file(guest, "work", work.pk)
    Work.objects.filter(pk=work.pk).delete()
    assert "The reported item no longer exists." in act(moderator_client, report, "hide")
    assert Report.objects.get().status == "open"


def test_a_warning_arrives_in_the_inbox_and_by_email_without_the_reporter(
    witness: User, author: User, moderator_client: Client, mailoutbox: list[EmailMessage],
    django_capture_on_commit_callbacks: Any,
) -> None:  # fmt: skip
    work = make_work(author, title="Lantern Thief")
    with django_capture_on_commit_callbacks(execute=True):
        report = file(signed_in_client(witness), "work", work.pk)
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        act(moderator_client, report, "warn", "Credit the original author in your notes.")
    inbox = signed_in_client(author).get("/inbox/").content.decode()
    assert "A warning from the moderators about “Lantern Thief”" in inbox
    assert "Credit the original author in your notes." in inbox
    (email,) = mailoutbox
    assert email.to == [author.email]
    assert "Credit the original author" in email.body
    for told in (inbox, email.body, email.subject):
        assert WITNESS not in told
        assert witness.email not in told
        assert WITNESS_TEXT not in told
    assert Report.objects.get().decision == "Warned the account"


def test_a_report_by_a_guest_never_reaches_the_reported_person_either(
    guest: Client, author: User, moderator_client: Client, mailoutbox: list[EmailMessage],
    django_capture_on_commit_callbacks: Any,
) -> None:  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        report = file(guest, "user", author.pk, guest_email="quiet.reporter@example.org")
        act(moderator_client, report, "warn", "Be kind in comments.")
    told = [signed_in_client(author).get("/inbox/").content.decode()]
    told += [str(message.body) for message in mailoutbox if author.email in message.to]
    assert told[1:]
    assert all("quiet.reporter" not in text and WITNESS_TEXT not in text for text in told)


def test_a_suspension_for_days_stops_sign_in_with_its_end_date_until_it_passes(
    guest: Client, author: User, moderator_client: Client
) -> None:
    report = file(guest, "user", author.pk)
    assert "Suspended the account for 3 days" in act(moderator_client, report, "suspend", "Spam wave", days="3")
    author.refresh_from_db()
    assert not author.is_active
    assert author.suspended_until is not None
    login = {"login": author.username, "password": "correct-horse-battery-staple"}
    refused = Client().post("/accounts/login/", login, follow=True)
    assert "_auth_user_id" not in refused.client.session
    until = author.suspended_until.strftime("%Y")
    assert "Your account is suspended until" in text_of(refused.content.decode())
    assert until in text_of(refused.content.decode())
    wrong_password = Client().post("/accounts/login/", {**login, "password": "guess"}, follow=True)
    assert "suspended" not in text_of(wrong_password.content.decode())  # nothing told to a mere guesser
    User.objects.filter(pk=author.pk).update(suspended_until=timezone.now() - datetime.timedelta(minutes=1))
    back = Client()
    assert back.post("/accounts/login/", login).status_code == 302
    assert back.session["_auth_user_id"] == str(author.pk)
    author.refresh_from_db()
    assert author.is_active
    assert author.suspended_until is None
    entry = AuditEntry.objects.get(action="suspended account")
    assert entry.reason == "Spam wave"
    assert entry.details["until"] != "never"


def test_a_suspension_for_good_lasts_until_a_moderator_reinstates_and_signs_the_person_out(
    guest: Client, author: User, author_client: Client, moderator_client: Client
) -> None:
    report = file(guest, "user", author.pk)
    assert "/inbox/" in author_client.get("/").content.decode()
    assert "until a moderator reinstates it" in act(moderator_client, report, "suspend", "Threats")
    assert author_client.get("/inbox/").status_code == 302  # the session no longer signs them in
    login = {"login": author.username, "password": "correct-horse-battery-staple"}
    refused = Client().post("/accounts/login/", login, follow=True)
    assert "suspended until a moderator reinstates it" in text_of(refused.content.decode())
    assert AuditEntry.objects.get(action="suspended account").details == {"until": "never"}


def test_a_moderator_cannot_suspend_another_moderator_from_the_queue(guest: Client, moderator_client: Client) -> None:
    other = make_user("Beacon", is_staff=True)
    report = file(guest, "user", other.pk)
    assert "You cannot suspend this account." in act(moderator_client, report, "suspend", "No")
    other.refresh_from_db()
    assert other.is_active
    assert Report.objects.get().status == "open"


def test_taking_and_dismissing_move_the_report_between_tabs_with_a_reason_required(
    guest: Client, author: User, moderator_client: Client
) -> None:
    report = file(guest, "user", author.pk)
    act(moderator_client, report, "take")
    assert entries(moderator_client, "?tab=in_progress") == [f"The account {author.username}"]
    assert "Say why" in act(moderator_client, report, "dismiss", reason="")
    act(moderator_client, report, "dismiss", "Not against the rules.")
    report.refresh_from_db()
    assert (report.status, report.decision) == ("dismissed", "Dismissed")
    assert entries(moderator_client, "?tab=resolved") == [f"The account {author.username}"]
    assert author.__class__.objects.get(pk=author.pk).is_active


def test_the_queue_filters_by_kind_and_age_and_sorts_newest_first(
    guest: Client, author: User, moderator_client: Client
) -> None:
    old = file(guest, "work", make_work(author, title="Old Harbour").pk)
    file(guest, "user", author.pk)
    Report.objects.filter(pk=old.pk).update(created_at=timezone.now() - datetime.timedelta(days=10))
    account = f"The account {author.username}"
    assert entries(moderator_client) == ["“Old Harbour”", account]
    assert entries(moderator_client, "?order=newest") == [account, "“Old Harbour”"]
    assert entries(moderator_client, "?kind=user") == [account]
    assert entries(moderator_client, "?older_than=7") == ["“Old Harbour”"]
    refused = moderator_client.get(f"{QUEUE}?older_than=٣")
    assert refused.status_code == 400
    assert "Use the digits 0-9" in refused.content.decode()


def test_the_queue_costs_the_same_queries_for_one_report_or_many(
    guest: Client, author: User, moderator_client: Client
) -> None:
    file(guest, "user", author.pk)
    with CaptureQueriesContext(connection) as one:
        moderator_client.get(QUEUE)
    for number in range(10):
        file(Client(REMOTE_ADDR=f"192.0.2.{number + 1}"), "work", make_work(author, title=f"Tide {number}").pk)
    with CaptureQueriesContext(connection) as many:
        assert len(entries(moderator_client)) == 11
    assert len(many.captured_queries) <= len(one.captured_queries)


def test_a_closed_report_takes_no_further_steps(guest: Client, author: User, moderator_client: Client) -> None:
    report = file(guest, "user", author.pk)
    act(moderator_client, report, "dismiss", "Fine as it is.")
    assert "This report is already closed: Dismissed." in act(moderator_client, report, "suspend", "Changed my mind")
    author.refresh_from_db()
    assert author.is_active


def test_reinstating_in_the_admin_ends_a_suspension_for_a_time_at_once(
    guest: Client, author: User, moderator_client: Client
) -> None:
    act(moderator_client, file(guest, "user", author.pk), "suspend", "Cooling off", days="30")
    changelist = "/admin/accounts/user/"
    moderator_client.post(changelist, {"action": "reinstate_accounts", "_selected_action": [author.pk]})
    author.refresh_from_db()
    assert author.is_active
    assert author.suspended_until is None
    assert Client().login(username=author.username, password="correct-horse-battery-staple")
