"""The switches moderators flip at runtime: read-only mode, the notice on every page, and the audit log that keeps
each change."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.test import Client, TestCase

from fanshelf.accounts.models import User
from fanshelf.comments.models import Comment
from fanshelf.core import switches
from fanshelf.moderation.models import AuditEntry
from fanshelf.works.models import Work
from tests.core.pages import parse, text_of
from tests.factories import make_user, make_work, signed_in_client

pytestmark = pytest.mark.django_db

SIGNUP_DEFAULTS = {"signups": "open", "invitations_per_batch": "10", "invitation_hours": "24"}


def flip(client: Client, **values: object) -> int:
    """Post the settings form, committing as a real request does (the new values reach the cache on commit)."""
    form = {"notice": "", "guest_comments": "on", "downloads": "on", "reason": "", **SIGNUP_DEFAULTS, **values}
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post("/moderation/settings/", form).status_code


def test_read_only_mode_refuses_every_change_and_keeps_reading(
    author: User, reader: User, reader_client: Client, moderator: User
) -> None:
    work = make_work(author)
    comment = {"text": "Lovely!", "pseud": reader.default_pseud().pk}
    Work.objects.filter(pk=work.pk).update(comment_permission="anyone")
    staff = signed_in_client(moderator)
    assert flip(staff, read_only="on", reason="Moving to a bigger disk") == 302
    refused = reader_client.post(f"/works/{work.pk}/comments/new/", comment)
    assert refused.status_code == 503
    assert refused["Retry-After"] == "600"
    assert "read-only for now" in text_of(refused.content.decode())
    assert not Comment.objects.exists()
    page = reader_client.get(work.get_absolute_url())
    assert page.status_code == 200
    assert "The archive is read-only for now." in text_of(page.content.decode())
    assert reader_client.get(f"/downloads/{work.pk}/html/").status_code in (200, 302)
    # A moderator can still log in and turn it off.
    again = Client()
    assert again.post("/accounts/login/", {"login": moderator.username, "password": "x"}).status_code != 503
    assert flip(staff) == 302
    assert reader_client.post(f"/works/{work.pk}/comments/new/", comment).status_code == 302
    assert Comment.objects.count() == 1


def test_each_change_is_kept_in_the_audit_log_that_only_superusers_read(moderator: User) -> None:
    staff = signed_in_client(moderator)
    notice = "صيانة مجدولة: “Saturday” 土曜日"
    assert flip(staff, notice=notice, reason="Planned maintenance") == 302
    entry = AuditEntry.objects.get()
    assert (entry.actor_name, entry.action, entry.target, entry.reason) == (
        moderator.username,
        "site setting",
        "notice",
        "Planned maintenance",
    )
    assert entry.details == {"before": "", "after": notice}
    assert staff.get("/moderation/audit/").status_code == 403
    boss = signed_in_client(make_user("Harbourmaster", is_superuser=True, is_staff=True))
    log = text_of(boss.get("/moderation/audit/").content.decode())
    assert "Planned maintenance" in log
    assert notice in log
    assert flip(staff, notice=notice) == 302  # nothing changed: nothing recorded
    assert AuditEntry.objects.count() == 1


def test_the_notice_shows_on_every_page_in_its_own_direction(moderator: User, guest: Client) -> None:
    notice = "האתר יעבור תחזוקה בשבת"
    assert flip(signed_in_client(moderator), notice=notice) == 302
    for path in ("/", "/works/", "/tags/media/fandoms/"):
        html = parse(guest.get(path).content.decode())
        shown = html.select_one(".site-notice p[dir=auto]")
        assert shown is not None
        assert shown.get_text() == notice


def test_only_moderators_change_the_switches(reader_client: Client, guest: Client) -> None:
    assert reader_client.get("/moderation/settings/").status_code == 403
    assert flip(reader_client, read_only="on") == 403
    assert guest.get("/moderation/settings/").status_code == 302  # to the login page
    assert not switches.current().read_only
    assert not AuditEntry.objects.exists()


def test_a_cache_that_lost_the_switches_reads_them_again_from_the_database(moderator: User) -> None:
    assert flip(signed_in_client(moderator), read_only="on") == 302
    cache.clear()
    assert switches.current().read_only


def test_guest_comments_off_takes_the_box_away_from_guests_only(
    author: User, reader: User, reader_client: Client, moderator: User, guest: Client
) -> None:
    work = make_work(author)
    Work.objects.filter(pk=work.pk).update(comment_permission="anyone")
    assert flip(signed_in_client(moderator), guest_comments=False) == 302
    page = text_of(guest.get(work.get_absolute_url()).content.decode())
    assert "Guest comments are turned off on this archive for now." in page
    form = {"text": "Lovely!", "guest_name": "Wren", "guest_email": "wren@example.org"}
    guest.post(f"/works/{work.pk}/comments/new/", form)
    assert not Comment.objects.exists()
    mine = {"text": "Lovely!", "pseud": reader.default_pseud().pk}
    assert reader_client.post(f"/works/{work.pk}/comments/new/", mine).status_code == 302
    assert Comment.objects.count() == 1


def test_downloads_off_removes_every_download_link_and_refuses_the_files(
    author: User, moderator: User, guest: Client
) -> None:
    work = make_work(author)
    assert f'href="/downloads/{work.pk}/epub/' in guest.get(work.get_absolute_url()).content.decode()
    assert flip(signed_in_client(moderator), downloads=False) == 302
    assert f'href="/downloads/{work.pk}/' not in guest.get(work.get_absolute_url()).content.decode()
    refused = guest.get(f"/downloads/{work.pk}/epub/")
    assert refused.status_code == 503
    assert "Downloads are paused" in refused.content.decode()
    catalogue = guest.get("/downloads/opds/new/").content.decode()
    assert work.title in catalogue
    assert "opds-spec.org/acquisition" not in catalogue


def test_the_default_comment_permission_of_new_works_is_a_switch(
    author: User, moderator: User, settings: object
) -> None:
    before = make_work(author, title="Before")
    assert before.comment_permission == "registered"  # FANSHELF_DEFAULT_COMMENT_PERMISSION
    assert flip(signed_in_client(moderator), default_comment_permission="anyone", reason="Guest spam is over") == 302
    assert make_work(author, title="After").comment_permission == "anyone"
    form = parse(signed_in_client(author).get("/works/new/").content.decode())
    chosen = form.select_one('[name="comment_permission"] option[selected], [name="comment_permission"][checked]')
    assert chosen is not None
    assert chosen.get("value") == "anyone"
    assert Work.objects.get(pk=before.pk).comment_permission == "registered"  # existing works keep theirs
    entry = AuditEntry.objects.get(target="default_comment_permission")
    assert entry.details == {"before": "", "after": "anyone"}


class _CountingCache:
    """The shared cache, counting how often the switches are read from it."""

    def __init__(self) -> None:
        self.reads = 0

    def get(self, key: str, default: object = None) -> object:
        self.reads += key == switches.CACHE_KEY
        return cache.get(key, default)

    def set(self, key: str, value: object, timeout: int | None = None) -> None:
        cache.set(key, value, timeout=timeout)


def test_a_page_reads_the_switches_once_and_the_next_page_sees_a_change(
    author: User, moderator: User, guest: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    work = make_work(author)
    Work.objects.filter(pk=work.pk).update(comment_permission="anyone")
    counting = _CountingCache()
    monkeypatch.setattr(switches, "cache", counting)
    page = guest.get(work.get_absolute_url()).content.decode()
    assert "Download:" in page  # its frame, download links and comment form all asked
    assert counting.reads == 1
    assert flip(signed_in_client(moderator), notice="Back up on Sunday «ﾟ» 日曜日 ביום ראשון", downloads=False) == 302
    page = text_of(guest.get(work.get_absolute_url()).content.decode())
    assert "Back up on Sunday «ﾟ» 日曜日 ביום ראשון" in page
    assert "Download:" not in page
