"""What the moderators' review page shows for a page of checks: each item's title or excerpt, its link and its
account, fetched in one query per kind whatever the page's length."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.text import Truncator

from fanshelf.accounts.models import User
from fanshelf.comments.models import Comment
from fanshelf.core.wordcount import html_to_text
from fanshelf.spam.models import ItemKind, SpamCheck
from fanshelf.works.models import Work

EXCERPT_WORDS = 60


@dataclass(frozen=True)
class ReviewEntry:
    check: SpamCheck
    label: str  # the work's title, or "Comment on <title>"; "(deleted)" when the item is gone
    excerpt: str
    url: str
    account: User | None
    item_hidden: bool  # hidden by scoring or a moderator: nobody but its creator and moderators sees it


def review_entries(checks: Sequence[SpamCheck]) -> list[ReviewEntry]:
    work_ids = {check.work_id for check in checks}
    works = Work.objects.in_bulk(work_ids)
    comment_ids = [check.item_id for check in checks if check.kind == ItemKind.COMMENT]
    comments = Comment.objects.in_bulk(comment_ids)
    accounts = User.objects.in_bulk({check.account_id for check in checks if check.account_id is not None})
    entries = []
    for check in checks:
        work = works.get(check.work_id)
        account = accounts.get(check.account_id) if check.account_id is not None else None
        if check.kind == ItemKind.WORK:
            entries.append(_work_entry(check, work, account))
        else:
            entries.append(_comment_entry(check, work, comments.get(check.item_id), account))
    return entries


def _work_entry(check: SpamCheck, work: Work | None, account: User | None) -> ReviewEntry:
    if work is None:
        return ReviewEntry(check, "(deleted work)", "", "", account, False)
    excerpt = Truncator(html_to_text(work.summary)).words(EXCERPT_WORDS)
    return ReviewEntry(check, work.title, excerpt, work.get_absolute_url(), account, work.hidden_by_moderator)


def _comment_entry(check: SpamCheck, work: Work | None, comment: Comment | None, account: User | None) -> ReviewEntry:
    if comment is None or work is None:
        return ReviewEntry(check, "(deleted comment)", "", "", account, False)
    excerpt = Truncator(html_to_text(comment.text)).words(EXCERPT_WORDS)
    hidden = comment.status not in ("published", "held")
    by = comment.guest_name if comment.user_id is None else ""
    label = f"Comment on “{work.title}”" + (f" by guest {by}" if by else "")
    return ReviewEntry(check, label, excerpt, work.get_absolute_url(), account, hidden)
