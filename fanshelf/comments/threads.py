"""Comments arranged for reading: a page of top-level comments with their replies to SHOWN_LEVELS levels, a
thread's own page, and where a comment's permalink leads. Each takes a fixed number of queries, however many
comments a work has: the page's top-level comments, then every shown reply of those threads in one query."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.core.paginator import Page, Paginator
from django.urls import reverse

from fanshelf.comments.models import SHOWN_LEVELS, Comment, CommentQuerySet
from fanshelf.works.models import Chapter, Work

if TYPE_CHECKING:
    from fanshelf.comments.models import Viewer

PER_PAGE = 20
PAGE_PARAM = "comments_page"


@dataclass
class Node:
    comment: Comment
    replies: list[Node] = field(default_factory=list)
    # Replies exist below the last shown level: the node links to its own thread page instead.
    more: bool = False


def _scope(comments: CommentQuerySet, chapter_id: int | None) -> CommentQuerySet:
    """A chapter page shows that chapter's comments; the whole work (or a one-chapter work) shows them all."""
    return comments if chapter_id is None else comments.filter(chapter_id=chapter_id)


def _tree(top: list[Comment], rows: list[Comment], last_depth: int) -> list[Node]:
    """Nodes for `top` with their replies down to `last_depth`; a reply whose parent is not shown (hidden, spam,
    held from this viewer) is left out with everything under it."""
    nodes = {c.pk: Node(c) for c in top}
    for row in sorted(rows, key=lambda c: (c.depth, c.created_at, c.pk)):
        parent = nodes.get(row.parent_id or 0)
        if parent is None or row.pk in nodes:
            continue
        if row.depth > last_depth:
            parent.more = True
            continue
        nodes[row.pk] = Node(row)
        parent.replies.append(nodes[row.pk])
    return [nodes[c.pk] for c in top]


def page_of_threads(viewer: Viewer, work: Work, chapter: Chapter | None, number: int) -> tuple[Page[Any], list[Node]]:
    readable = Comment.objects.readable_by(viewer, work)
    roots = _scope(readable, chapter.pk if chapter else None).filter(parent=None).for_display()
    page = Paginator(roots, PER_PAGE).get_page(number)
    top = list(page.object_list)
    replies = readable.filter(thread__in=[c.pk for c in top], depth__lte=SHOWN_LEVELS).for_display()
    return page, _tree(top, list(replies) if top else [], SHOWN_LEVELS - 1)


def thread_page(viewer: Viewer, work: Work, start: Comment) -> Node:
    """`start` with its replies to SHOWN_LEVELS levels below it, for "Continue this thread"."""
    readable = Comment.objects.readable_by(viewer, work)
    rows = readable.filter(thread=start.root_id, depth__gt=start.depth, depth__lte=start.depth + SHOWN_LEVELS)
    return _tree([start], list(rows.for_display()), start.depth + SHOWN_LEVELS - 1)[0]


def _reading_url(work: Work, chapter_id: int | None) -> str:
    if chapter_id is not None and work.posted_chapter_count > 1:
        return reverse("works:chapter", args=[work.pk, chapter_id])
    return reverse("works:detail" if work.posted_chapter_count <= 1 else "works:entire", args=[work.pk])


def thread_start(viewer: Viewer, work: Work, comment: Comment) -> Comment | None:
    """The comment whose thread page shows `comment`, or None when the work's own pages show it. Thread pages
    start every SHOWN_LEVELS - 1 levels (a "Continue" link sits on the last level shown and opens at itself)."""
    step = SHOWN_LEVELS - 1
    if comment.depth < SHOWN_LEVELS:
        return None
    target = step * (comment.depth // step)
    parents = dict(Comment.objects.filter(thread=comment.root_id).values_list("pk", "parent_id"))
    current = comment.pk
    for _ in range(comment.depth - target):
        current = parents[current]
    return Comment.objects.readable_by(viewer, work).filter(pk=current).first()


def permalink_target(viewer: Viewer, work: Work, comment: Comment) -> str:
    """Where a comment is in view: its thread page when it is deeper than the work page shows, else the reading
    page of its chapter at the page of top-level comments holding its thread."""
    start = thread_start(viewer, work, comment)
    if start is not None:
        return f"{reverse('comments:thread', args=[start.pk])}#comment-{comment.pk}"
    readable = Comment.objects.readable_by(viewer, work)
    root = comment if comment.parent_id is None else readable.filter(pk=comment.root_id).first()
    chapter_id = comment.chapter_id if work.posted_chapter_count > 1 else None
    url = _reading_url(work, chapter_id)
    if root is None:
        return f"{url}#comments"
    scope = _scope(readable, root.chapter_id if chapter_id is not None else None).filter(parent=None)
    earlier = scope.filter(created_at__lt=root.created_at).count()
    earlier += scope.filter(created_at=root.created_at, pk__lt=root.pk).count()
    return f"{url}?{PAGE_PARAM}={earlier // PER_PAGE + 1}#comment-{comment.pk}"
