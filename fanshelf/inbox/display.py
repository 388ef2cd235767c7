"""How each inbox entry is shown to its owner, checked again at display time in a fixed number of queries.

Delivery already told the recipient only what they might see, but a work can be hidden, restricted, made anonymous
or deleted afterwards, and a comment hidden or deleted: the page follows what is true now.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from fanshelf.accounts.models import User
from fanshelf.comments.models import Comment, CommentStatus
from fanshelf.inbox.models import EntryKind, InboxEntry
from fanshelf.works.models import Work

GONE_WORK = "A work you can no longer see"
GONE_COMMENT = "(This comment is no longer available.)"


@dataclass(frozen=True)
class ShownEntry:
    entry: InboxEntry
    subject: str
    url: str
    excerpt: str
    may_reply: bool


def shown_entries(entries: Sequence[InboxEntry], user: User) -> list[ShownEntry]:
    work_ids = {entry.work_id for entry in entries if entry.work_id is not None}
    visible = {work.pk: work for work in Work.objects.posted_visible_to(user).filter(pk__in=work_ids)}
    naming = set(Work.objects.filter(pk__in=list(visible)).naming_creators_to(user).values_list("pk", flat=True))
    comment_ids = {entry.comment_id for entry in entries if entry.comment_id is not None}
    statuses = dict(Comment.objects.filter(pk__in=comment_ids).values_list("pk", "status"))
    return [_shown(entry, user, visible, naming, statuses) for entry in entries]


def _shown(
    entry: InboxEntry, user: User, visible: dict[int, Work], naming: set[int], statuses: dict[int, str]
) -> ShownEntry:
    if entry.work_id is not None and entry.work_id not in visible:
        return ShownEntry(entry, GONE_WORK, "", "", may_reply=False)
    subject, url, excerpt = entry.subject, entry.url, entry.excerpt
    work = visible.get(entry.work_id) if entry.work_id is not None else None
    if work is not None and entry.names_creators and work.pk not in naming:
        # The work turned anonymous after delivery: keep its title, drop the names.
        subject = (
            f"“{work.title}” cites one of your works"
            if entry.kind == EntryKind.CITATION
            else f"New work: “{work.title}”"
        )
    may_reply = False
    if entry.comment_id is not None:
        status = statuses.get(entry.comment_id)
        # Held comments are shown to the creators they were sent to for approval, nobody else.
        readable = status == CommentStatus.PUBLISHED or (status == CommentStatus.HELD and entry.kind == "comment")
        if not readable:
            excerpt, url = GONE_COMMENT, work.get_absolute_url() if work is not None else ""
        may_reply = status == CommentStatus.PUBLISHED
    return ShownEntry(entry, subject, url, excerpt, may_reply)
