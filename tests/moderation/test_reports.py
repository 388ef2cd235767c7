"""Filing reports: the Report link on every kind of item, the form for guests and signed-in people, the limit of
five reports of one item per reporter in 31 days, the per-address rate limit, and items the reporter cannot see."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.mail import EmailMessage
from django.test import Client
from django.utils import timezone

from fanshelf.accounts.models import User
from fanshelf.bookmarks.actions import BookmarkFields, bookmark_work
from fanshelf.comments.actions import post_comment
from fanshelf.core.limits import parse_rate
from fanshelf.moderation.models import Report
from fanshelf.works.actions import set_hidden_by_moderator
from fanshelf.works.models import Work
from fanshelf.works.series import add_to_series
from tests.core.pages import parse, text_of
from tests.factories import make_user, make_work

pytestmark = pytest.mark.django_db

GUEST_REPORT = {"category": "spam", "text": "Links to a shop in every paragraph.", "guest_email": "wren@example.org"}
READER_REPORT = {"category": "rating", "text": "This is not General Audiences."}


def report_links(client: Client, path: str) -> list[str]:
    page = parse(client.get(path).content.decode())
    return [str(link["href"]) for link in page.select(".report-link a, .comment-actions a") if "Report" in link.text]


def test_works_chapters_comments_bookmarks_series_and_profiles_offer_guests_a_report_link(
    guest: Client, author: User, reader: User
) -> None:
    work = make_work(author, chapters=["First light.", "Second tide."])
    comment = post_comment(work, "Bright and brisk.", user=reader, pseud=reader.default_pseud())
    bookmark = bookmark_work(reader, work, BookmarkFields(pseud=reader.default_pseud()))
    series = add_to_series(work, author, "Harbour Songs")

    on_work = report_links(guest, f"/works/{work.pk}/")
    assert f"/moderation/report/work/{work.pk}/" in on_work
    assert f"/moderation/report/comment/{comment.pk}/" in on_work
    chapter = work.chapters.order_by("position").first()
    assert chapter is not None
    assert f"/moderation/report/chapter/{chapter.pk}/" in report_links(
        guest, f"/works/{work.pk}/chapters/{chapter.pk}/"
    )
    assert f"/moderation/report/bookmark/{bookmark.pk}/" in report_links(guest, f"/users/{reader.username}/bookmarks/")
    assert f"/moderation/report/series/{series.pk}/" in report_links(guest, f"/works/series/{series.pk}/")
    assert f"/moderation/report/user/{author.pk}/?account={author.username}" in report_links(
        guest, f"/users/{author.username}/"
    )


def test_a_guests_comment_can_be_reported_by_a_guest(guest: Client, author: User) -> None:
    work = make_work(author)
    Work.objects.filter(pk=work.pk).update(comment_permission="anyone")
    work.refresh_from_db()
    comment = post_comment(work, "Cheap pills here.", user=None, guest_name="Bot", guest_email="bot@example.org")
    assert f"/moderation/report/comment/{comment.pk}/" in report_links(guest, f"/works/{work.pk}/")


def test_nobody_is_offered_a_report_of_their_own_work(author_client: Client, author: User) -> None:
    work = make_work(author)
    assert report_links(author_client, f"/works/{work.pk}/") == []


def test_a_guest_reports_a_work_with_an_email_and_gets_a_confirmation_page_and_email(
    guest: Client, author: User, mailoutbox: list[EmailMessage], django_capture_on_commit_callbacks: Any
) -> None:
    work = make_work(author)
    form = guest.get(f"/moderation/report/work/{work.pk}/").content.decode()
    assert "Your email" in form
    assert "Salt and Lanterns" in form
    with django_capture_on_commit_callbacks(execute=True):
        sent = guest.post(f"/moderation/report/work/{work.pk}/", GUEST_REPORT, follow=True)
    assert "Thank you for your report" in sent.content.decode()
    (report,) = Report.objects.all()
    assert (report.kind, report.target_id, report.reported_user, report.status) == ("work", work.pk, author, "open")
    assert report.guest_email == "wren@example.org"
    assert report.reporter is None
    (confirmation,) = mailoutbox
    assert confirmation.to == ["wren@example.org"]
    assert "“Salt and Lanterns”" in confirmation.body
    assert "not told who reported" in confirmation.body


def test_a_guest_must_give_an_email_and_a_signed_in_reader_is_not_asked_for_one(
    guest: Client, reader_client: Client, reader: User, author: User, mailoutbox: list[EmailMessage],
    django_capture_on_commit_callbacks: Any,
) -> None:  # fmt: skip
    work = make_work(author)
    refused = guest.post(f"/moderation/report/work/{work.pk}/", {**GUEST_REPORT, "guest_email": "not an address"})
    assert refused.status_code == 400
    assert "Give an email address" in refused.content.decode()
    assert "Your email" not in reader_client.get(f"/moderation/report/work/{work.pk}/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        assert reader_client.post(f"/moderation/report/work/{work.pk}/", READER_REPORT).status_code == 302
    assert Report.objects.get().reporter == reader
    assert [message.to for message in mailoutbox] == [[reader.email]]


def test_the_sixth_report_of_one_item_in_31_days_is_refused_with_a_message(reader_client: Client, author: User) -> None:
    work = make_work(author)
    url = f"/moderation/report/work/{work.pk}/"
    for _ in range(5):
        assert reader_client.post(url, READER_REPORT).status_code == 302
    sixth = reader_client.post(url, READER_REPORT)
    assert sixth.status_code == 400
    assert "You have reported this 5 times in the last 31 days" in text_of(sixth.content.decode())
    assert Report.objects.count() == 5
    # Another item is another count, and 31 days later this one may be reported again.
    by_name = f"/moderation/report/user/{author.pk}/?account={author.username}"
    assert reader_client.post(by_name, READER_REPORT).status_code == 302
    Report.objects.filter(kind="work").update(created_at=timezone.now() - datetime.timedelta(days=32))
    assert reader_client.post(url, READER_REPORT).status_code == 302


def test_a_guest_changing_email_at_one_address_still_counts_as_one_reporter(guest: Client, author: User) -> None:
    work = make_work(author)
    url = f"/moderation/report/work/{work.pk}/"
    for number in range(5):
        assert guest.post(url, {**GUEST_REPORT, "guest_email": f"wren{number}@example.org"}).status_code == 302
    assert guest.post(url, {**GUEST_REPORT, "guest_email": "new@example.org"}).status_code == 400


def test_reports_from_one_address_are_rate_limited_with_retry_after(guest: Client, author: User, settings: Any) -> None:
    settings.FANSHELF_REPORT_RATE = parse_rate("2/1h", "FANSHELF_REPORT_RATE")
    works = [make_work(author, title=f"Tide {number}") for number in range(3)]
    for work in works[:2]:
        assert guest.post(f"/moderation/report/work/{work.pk}/", GUEST_REPORT).status_code == 302
    refused = guest.post(f"/moderation/report/work/{works[2].pk}/", GUEST_REPORT)
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 3000
    assert "Many reports have come from your address lately" in refused.content.decode()
    other_address = guest.post(f"/moderation/report/work/{works[2].pk}/", GUEST_REPORT, REMOTE_ADDR="192.0.2.9")
    assert other_address.status_code == 302


def test_reporting_what_the_reporter_cannot_see_is_a_404(
    guest: Client, reader_client: Client, author: User, reader: User, moderator: User
) -> None:
    hidden = make_work(author, title="Hidden Shore")
    set_hidden_by_moderator(hidden, True, acting=moderator)
    draft = make_work(author, title="Unposted", post=False)
    shown = make_work(author)
    private = bookmark_work(author, shown, BookmarkFields(pseud=author.default_pseud(), private=True))
    held = make_work(author, title="Held Comments")
    Work.objects.filter(pk=held.pk).update(comment_permission="anyone", moderate_comments=True)
    held.refresh_from_db()
    held_comment = post_comment(held, "Awaiting a yes.", user=None, guest_name="Wren", guest_email="w@example.org")
    suspended = make_user("Gone", is_active=False)
    for path in (
        f"/moderation/report/work/{hidden.pk}/",
        f"/moderation/report/work/{draft.pk}/",
        f"/moderation/report/bookmark/{private.pk}/",
        f"/moderation/report/comment/{held_comment.pk}/",
        f"/moderation/report/user/{suspended.pk}/?account={suspended.username}",
        f"/moderation/report/user/{author.pk}/",  # an account is reported by its name, never by number alone
        f"/moderation/report/planet/{shown.pk}/",
        "/moderation/report/work/999999/",
    ):
        assert reader_client.get(path).status_code == 404, path
        assert reader_client.post(path, READER_REPORT).status_code == 404, path
    assert not Report.objects.exists()


def test_report_text_keeps_every_script_and_shows_markup_as_typed(
    reader_client: Client, author: User, moderator_client: Client
) -> None:
    work = make_work(author, title="“Curly” 灯台")
    text = "النص مسروق من موقع آخر — 盗用です。 <b>bold?</b>\x07"
    assert reader_client.post(f"/moderation/report/work/{work.pk}/", {**READER_REPORT, "text": text}).status_code == 302
    report = Report.objects.get()
    assert report.text == "النص مسروق من موقع آخر — 盗用です。 <b>bold?</b>"
    assert report.target_label == "““Curly” 灯台”"
    queue = moderator_client.get("/moderation/reports/").content.decode()
    assert "النص مسروق من موقع آخر — 盗用です。 &lt;b&gt;bold?&lt;/b&gt;" in queue
    assert 'dir="auto"' in queue


def test_overlong_report_text_is_refused_with_a_message(reader_client: Client, author: User) -> None:
    work = make_work(author)
    refused = reader_client.post(f"/moderation/report/work/{work.pk}/", {**READER_REPORT, "text": "x" * 2001})
    assert refused.status_code == 400
    assert "Reports can be at most 2,000 characters" in refused.content.decode()
