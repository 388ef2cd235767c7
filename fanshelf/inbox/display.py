"""How each inbox entry is shown to its owner, checked again at display time in a fixed number of queries.

Delivery already told the recipient only what they might see, but a work can be hidden, restricted, made anonymous
or deleted afterwards, and a comment hidden or deleted: the page follows what is true now.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from fanshelf.accounts.blocking import blocker_ids_of
from fanshelf.accounts.models import User
from fanshelf.comments.models import Comment, CommentStatus
from fanshelf.inbox.models import EntryKind, InboxEntry
from fanshelf.works.models import CreatorInvitation, Gift, Work

GONE_WORK = "A work you can no longer see"
GONE_COMMENT = "(This comment is no longer available.)"


def nameless_subject(kind: str, title: str) -> str:
    """An entry's subject about the work titled `title`, naming none of its creators."""
    return {
        EntryKind.CITATION: f"“{title}” cites one of your works",
        EntryKind.GIFT: f"“{title}” is a gift for you",
        EntryKind.INVITATION: f"An invitation to be a co-creator of “{title}”",
    }.get(EntryKind(kind), f"New work: “{title}”")


@dataclass(frozen=True)
class ShownEntry:
    entry: InboxEntry
    subject: str
    url: str
    excerpt: str
    may_reply: bool
    # Co-creator invitations waiting for an answer, and gifts the owner may still refuse (works/sharing.py).
    invitation_pending: bool = False
    gift_refusable: bool = False


def shown_entries(entries: Sequence[InboxEntry], user: User) -> list[ShownEntry]:
    work_ids = {entry.work_id for entry in entries if entry.work_id is not None}
    visible = {work.pk: work for work in Work.objects.posted_visible_to(user).filter(pk__in=work_ids)}
    naming = set(Work.objects.filter(pk__in=list(visible)).naming_creators_to(user).values_list("pk", flat=True))
    comment_ids = {entry.comment_id for entry in entries if entry.comment_id is not None}
    rows = list(Comment.objects.filter(pk__in=comment_ids).values_list("pk", "status", "user_id"))
    statuses = {pk: status for pk, status, _ in rows}
    blocked = _blocked_comments(rows, user, set(visible)) if comment_ids else set()
    shown = [_shown(entry, user, visible, naming, statuses, blocked) for entry in entries]
    return _with_sharing(shown, user) if any(e.kind in SHARING_KINDS for e in entries) else shown


def _blocked_comments(rows: Sequence[tuple[int, str, int | None]], user: User, work_ids: set[int]) -> set[int]:
    """The comments `user` may not answer because of a block: by someone who blocked them, or on a work one of
    whose creators did (comments/actions.py refuses those replies). One query for the page (the ids of the people
    who blocked `user`, kept for the request), and one more only when someone did."""
    blockers = blocker_ids_of(user) - {user.pk}
    if not blockers:
        return set()
    by_blockers = {pk for pk, _, author in rows if author in blockers}
    on_their_works = set(
        Comment.objects.filter(pk__in=[pk for pk, _, _ in rows], work_id__in=work_ids)
        .filter(work__creatorships__pseud__user_id__in=blockers)
        .values_list("pk", flat=True)
    )
    return by_blockers | on_their_works


SHARING_KINDS = frozenset({EntryKind.INVITATION, EntryKind.GIFT})


def _with_sharing(shown: list[ShownEntry], user: User) -> list[ShownEntry]:
    """Invitations and gifts, as they stand now: an invitation waiting for an answer is shown (with its buttons)
    even for a work the invitee may not open yet, such as a draft; once answered, it follows the work's visibility
    like any entry (a co-creator sees their own drafts). A gift still given can be refused from the inbox."""
    invited = {s.entry.work_id for s in shown if s.entry.kind == EntryKind.INVITATION and s.entry.work_id}
    gifted = {s.entry.work_id for s in shown if s.entry.kind == EntryKind.GIFT and s.entry.work_id}
    pending = set(
        CreatorInvitation.objects.filter(pseud__user=user, work_id__in=invited).values_list("work_id", flat=True)
    )
    own = set(Work.objects.visible_to(user).filter(pk__in=invited).values_list("pk", flat=True))
    refusable = set(
        Gift.objects.filter(pseud__user=user, work_id__in=gifted, refused=False).values_list("work_id", flat=True)
    )
    result = []
    for item in shown:
        entry = item.entry
        if entry.kind == EntryKind.INVITATION and (entry.work_id in pending or entry.work_id in own):
            url = entry.url if entry.work_id in own else ""
            item = ShownEntry(
                entry, entry.subject, url, item.excerpt, False, invitation_pending=entry.work_id in pending
            )
        elif entry.kind == EntryKind.GIFT and entry.work_id in refusable and item.subject != GONE_WORK:
            item = ShownEntry(entry, item.subject, item.url, item.excerpt, False, gift_refusable=True)
        result.append(item)
    return result


def _shown(
    entry: InboxEntry,
    user: User,
    visible: dict[int, Work],
    naming: set[int],
    statuses: dict[int, str],
    blocked: set[int],
) -> ShownEntry:
    if entry.work_id is not None and entry.work_id not in visible:
        return ShownEntry(entry, GONE_WORK, "", "", may_reply=False)
    subject, url, excerpt = entry.subject, entry.url, entry.excerpt
    work = visible.get(entry.work_id) if entry.work_id is not None else None
    if work is not None and entry.names_creators and work.pk not in naming:
        # The work turned anonymous after delivery: keep its title, drop the names.
        subject = nameless_subject(entry.kind, work.title)
    may_reply = False
    if entry.comment_id is not None:
        status = statuses.get(entry.comment_id)
        # Held comments are shown to the creators they were sent to for approval, nobody else.
        readable = status == CommentStatus.PUBLISHED or (status == CommentStatus.HELD and entry.kind == "comment")
        if not readable:
            excerpt, url = GONE_COMMENT, work.get_absolute_url() if work is not None else ""
        # A block closes the thread to this reader as a frozen one would: no box whose posting would be refused.
        may_reply = status == CommentStatus.PUBLISHED and entry.comment_id not in blocked
    return ShownEntry(entry, subject, url, excerpt, may_reply)
