"""How one reader's blocks and mutes (fanshelf/accounts/blocking.py) shape the comment threads they see.

Blocks: someone blocked by a creator of the work is offered no comment form, no Reply and no Edit anywhere on it;
someone blocked by a commenter gets no Reply on that person's comments, and no Edit on their own replies to them.
Deleting their own comments stays (the actions in comments/actions.py decide the same again).

Mutes: a muted person's comment is left out of the muter's threads. When replies by others hang under it, it stays
as a placeholder without name or text, "(A comment from someone you muted.)", so those replies still read in
place, as a deleted comment does. Top-level comments by muted people with no reply from anyone else are left out of
the page query itself, so pages stay full and their count is right.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Exists, OuterRef, Q

from fanshelf.accounts.blocking import blocker_ids_of, muted_user_ids
from fanshelf.comments.models import CommentQuerySet, CommentStatus

if TYPE_CHECKING:
    from fanshelf.comments.models import Viewer
    from fanshelf.comments.threads import Node
    from fanshelf.works.models import Work


def without_muted_threads(roots: CommentQuerySet, readable: CommentQuerySet, viewer: Viewer) -> CommentQuerySet:
    """`roots` (top-level comments) less those by people `viewer` muted that no one else has replied in."""
    muted = muted_user_ids(viewer)
    if not muted:
        return roots
    others = readable.filter(thread=OuterRef("pk")).exclude(user_id__in=muted)
    return roots.filter(~Q(user_id__in=muted) | Q(Exists(others)))


def _shaped(
    nodes: list[Node], muted: frozenset[int], blockers: frozenset[int], whole_work: bool, above: int | None
) -> list[Node]:
    kept = []
    for node in nodes:
        comment = node.comment
        had_replies = bool(node.replies)
        node.replies = _shaped(node.replies, muted, blockers, whole_work, comment.user_id)
        comment.no_reply = whole_work or comment.user_id in blockers  # type: ignore[attr-defined]
        comment.no_edit = whole_work or above in blockers  # type: ignore[attr-defined]
        if comment.status == CommentStatus.DELETED:
            if had_replies and not node.replies and not node.more:
                continue  # it stayed for replies this reader no longer sees
        elif comment.user_id in muted:
            if not node.replies and not node.more:
                continue
            comment.muted = True  # type: ignore[attr-defined]
        kept.append(node)
    return kept


def shaped_for(viewer: Viewer, work: Work, nodes: list[Node], above: int | None = None) -> list[Node]:
    """`nodes` as `viewer` should see them: muted people's comments taken out (or left as placeholders), and each
    comment marked `no_reply` / `no_edit` where a block refuses those. `above` is the author id of the comment the
    first of `nodes` replies to, on a thread page."""
    blockers = blocker_ids_of(viewer)
    whole_work = bool(blockers) and any(pseud.user_id in blockers for pseud in work.creator_pseuds)
    return _shaped(nodes, muted_user_ids(viewer), blockers, whole_work, above)


def blocked_from_work(viewer: Viewer, work: Work) -> bool:
    """Whether a creator of `work` blocked `viewer` (the comment form is then not offered)."""
    blockers = blocker_ids_of(viewer)
    return bool(blockers) and any(pseud.user_id in blockers for pseud in work.creator_pseuds)


def shaped_thread(viewer: Viewer, work: Work, start: Node) -> Node:
    """A thread page's start node shaped as `shaped_for` does; the start itself always stays (as a placeholder when
    it is a muted person's), since the page was asked for by its address."""
    above = start.comment.parent.user_id if start.comment.parent_id and start.comment.parent else None
    shaped = shaped_for(viewer, work, [start], above)
    if not shaped:
        start.comment.muted = True  # type: ignore[attr-defined]
        return start
    return shaped[0]
