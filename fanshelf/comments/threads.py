"""Comments arranged for reading: a page of top-level comments with their replies to SHOWN_LEVELS levels, a
thread's own page, and where a comment's permalink leads. Each takes a fixed number of queries, however many
comments a work has: the page's top-level comments, then the first REPLIES_SHOWN replies of each of those threads
in one query. See docs/comments.md."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, cast

from django.contrib.auth.models import AnonymousUser
from django.core.paginator import Page, Paginator
from django.db.models import Count, F, Q, QuerySet, Window
from django.db.models.functions import RowNumber
from django.urls import reverse
from django.utils import timezone

from fanshelf.comments.blocks import shaped_for, shaped_thread, without_muted_threads
from fanshelf.comments.models import SHOWN_LEVELS, Comment, CommentQuerySet
from fanshelf.core.prepared import Prepared, padded_list
from fanshelf.works.models import Chapter, Work

if TYPE_CHECKING:
    from fanshelf.comments.models import Viewer

PER_PAGE = 20
# Replies shown per thread on a work or chapter page (oldest first); the thread's own page shows them all. A page
# of a busy work then renders at most PER_PAGE * (1 + REPLIES_SHOWN) comments (bench/bench_comments.py).
REPLIES_SHOWN = 10
PAGE_PARAM = "comments_page"


@dataclass
class Node:
    comment: Comment
    replies: list[Node] = field(default_factory=list)
    # Replies exist below the last shown level: the node links to its own thread page instead.
    more: bool = False
    # On a top-level comment of a work or chapter page: replies in its thread past the first REPLIES_SHOWN, which
    # the page leaves to the thread's own page ("3 more replies: continue this thread"). `more` is set with it.
    unshown: int = 0


def _scope(comments: CommentQuerySet, chapter_id: int | None, first_chapter_id: int | None) -> CommentQuerySet:
    """A chapter page shows that chapter's comments; the first posted chapter's page also shows those left on the
    entire-work page (no chapter), as AO3 files a work's comments under its first chapter. The entire work (and a
    one-chapter work, whose page is the entire work) shows them all."""
    if chapter_id is None:
        return comments
    if chapter_id == first_chapter_id:
        return comments.filter(Q(chapter_id=chapter_id) | Q(chapter_id=None))
    return comments.filter(chapter_id=chapter_id)


def _scope_name(chapter_id: int | None, first_chapter_id: int | None) -> str:
    """`_scope` as the shape of a compiled statement: "entire", "first" or "chapter"."""
    if chapter_id is None:
        return "entire"
    return "first" if chapter_id == first_chapter_id else "chapter"


def _scoped(comments: CommentQuerySet, scope: str, chapter_id: int) -> CommentQuerySet:
    """`_scope` by the name `_scope_name` gives it."""
    return _scope(comments, None if scope == "entire" else chapter_id, chapter_id if scope == "first" else None)


def _roots_counted(shape: tuple[str, bool], work_id: int, chapter_id: int = 0) -> QuerySet[Any]:
    """`page_of_threads`'s count of top-level comments, as a one-row query (no row: none): for a guest (shape's
    second part True) those a guest may read; for a signed-in reader every one, whatever its state, a count of at
    least what they may read (their own held comments and their mutes are sorted out by the query that follows)."""
    scope, for_guests = shape
    work = Work(pk=work_id)
    comments = Comment.objects.readable_by(AnonymousUser(), work) if for_guests else Comment.objects.filter(work=work)
    return (
        _scoped(comments, scope, chapter_id)
        .filter(parent=None)
        .values("work_id")
        .annotate(n=Count("pk"))
        .values_list("n")
    )


_roots_count = Prepared(_roots_counted)


def _roots(work_id: int, chapter_id: int | None, first_chapter_id: int | None, for_guests: bool) -> int:
    if chapter_id is None:
        rows = _roots_count.rows(("entire", for_guests), work_id)
    else:
        rows = _roots_count.rows((_scope_name(chapter_id, first_chapter_id), for_guests), work_id, chapter_id)
    return int(rows[0][0]) if rows else 0


def first_chapter_id(work: Work) -> int | None:
    """The work's first posted chapter, whose page also shows the comments left on the entire work."""
    return work.chapters.posted().order_by("position").values_list("pk", flat=True).first()


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


# Stands for a comment's id in addresses reversed once per page (`Links`): reversing an address per comment was
# the largest part of rendering one (about 30 us a {% url %}, 10 of them on a creator's page).
_ID = "2147483123"
# The addresses a comment's template uses, by name: (URL name, extra argument after the comment id).
_ADDRESSES = {
    "permalink": ("comments:permalink", ()), "thread": ("comments:thread", ()), "reply": ("comments:reply", ()),
    "edit": ("comments:edit", ()),
    **{what: ("comments:moderate", (what,)) for what in (
        "delete", "approve", "hide", "unhide", "spam", "freeze", "unfreeze")},
}  # fmt: skip


class Links:
    """One comment's addresses for the template (`c.links.reply`), formatted from patterns reversed once a page."""

    def __init__(self, patterns: dict[str, str], pk: int) -> None:
        self._patterns, self._pk = patterns, str(pk)

    def __getitem__(self, name: str) -> str:
        return self._patterns[name].replace(_ID, self._pk)


def _prepared(nodes: list[Node]) -> list[Node]:
    """Give every comment under `nodes` its `links` and its date as shown (`when`, in the reader's time zone)."""
    if not nodes:
        return nodes
    patterns = {name: reverse(url, args=[_ID, *extra]) for name, (url, extra) in _ADDRESSES.items()}
    people: dict[str, str] = {}  # commenters' pages, reversed once each
    stack = list(nodes)
    while stack:
        node = stack.pop()
        comment = node.comment
        comment.links = Links(patterns, comment.pk)  # type: ignore[attr-defined]
        if comment.pseud is not None:
            name = comment.pseud.user.username
            if name not in people:
                people[name] = reverse("accounts:dashboard", args=[name])
            comment.author_url = people[name]  # type: ignore[attr-defined]
        comment.when = timezone.localtime(comment.created_at).strftime("%Y-%m-%d %H:%M")  # type: ignore[attr-defined]
        stack.extend(node.replies)
    return nodes


def _first_replies(readable: CommentQuerySet, thread_ids: Sequence[int]) -> CommentQuerySet:
    """The first REPLIES_SHOWN replies (oldest first, down to SHOWN_LEVELS) of each of these threads, in one query
    however long the threads are; each row carries `in_thread`, how many such replies its thread has. A reply is
    always newer than its parent, so the oldest replies of a thread never hang from one left out."""
    in_order = [F("created_at").asc(), F("pk").asc()]
    rows = readable.filter(thread__in=thread_ids, depth__lte=SHOWN_LEVELS).annotate(
        place=Window(RowNumber(), partition_by=[F("thread_id")], order_by=in_order),
        in_thread=Window(Count("pk"), partition_by=[F("thread_id")]),
    )
    return rows.filter(place__lte=REPLIES_SHOWN).for_display()


def _count_unshown(nodes: list[Node], rows: list[Comment]) -> None:
    """Mark each thread whose replies the page did not all load with how many it left to the thread page."""
    totals = {row.thread_id: row.in_thread for row in rows}  # type: ignore[attr-defined]
    loaded = Counter(row.thread_id for row in rows)
    for node in nodes:
        left = totals.get(node.comment.pk, 0) - loaded[node.comment.pk]
        if left > 0:
            node.unshown, node.more = left, True


def page_of_threads(
    viewer: Viewer,
    work: Work,
    chapter: Chapter | None,
    number: int,
    first_chapter: int | None = None,
    *,
    none_left: bool = False,
) -> tuple[Page[Any], list[Node]]:
    """One page of threads for the work page (`chapter` None: the entire work) or a chapter page; pass the work's
    first posted chapter's id as `first_chapter` (see `_scope`). Each thread shows its first REPLIES_SHOWN replies.
    `none_left`: the caller knows no comment of any state was left on the work (the work page's probe), so none is
    read."""
    chapter_id = chapter.pk if chapter else None
    # Every other work page asks: the count compiled once, and for most works, which have none, nothing more.
    counted = 0 if none_left else _roots(work.pk, chapter_id, first_chapter, for_guests=not viewer.is_authenticated)
    if counted == 0:
        return Paginator([], PER_PAGE).get_page(number), []
    if viewer.is_authenticated:
        readable = Comment.objects.readable_by(viewer, work)
        roots = without_muted_threads(_roots_of(readable, chapter_id, first_chapter), readable, viewer)
        page = Paginator(roots, PER_PAGE).get_page(number)
        top = list(page.object_list) if page.paginator.count else []
        replies = list(_first_replies(readable, [c.pk for c in top])) if top else []
    else:
        page, top = _guests_page(work.pk, chapter_id, first_chapter, counted, number)
        replies = _guests_replies(work.pk, [c.pk for c in top]) if top else []
    threads = _tree(top, replies, SHOWN_LEVELS - 1)
    _count_unshown(threads, replies)
    return page, shaped_for(viewer, work, _prepared(threads))


def _roots_of(readable: CommentQuerySet, chapter_id: int | None, first_chapter_id: int | None) -> CommentQuerySet:
    """The page's top-level comments, in the order shown."""
    return _scope(readable, chapter_id, first_chapter_id).filter(parent=None).for_display()


def _guests_roots_of(shape: tuple[str, int, int], work_id: int, chapter_id: int = 0) -> CommentQuerySet:
    scope, start, stop = shape
    readable = Comment.objects.readable_by(AnonymousUser(), Work(pk=work_id))
    return _scoped(readable, scope, chapter_id).filter(parent=None).for_display()[start:stop]


def _guests_replies_of(shape: tuple[str, int], work_id: int, *thread_ids: int) -> CommentQuerySet:
    return _first_replies(Comment.objects.readable_by(AnonymousUser(), Work(pk=work_id)), thread_ids)


# A guest's page of comments (the most read: every guest view of a work with comments), compiled once per scope
# and page for the first COMPILED_PAGES pages, and its replies once per size of the list of threads (core/prepared).
_guests_roots_query, _guests_replies_query = Prepared(_guests_roots_of), Prepared(_guests_replies_of)
COMPILED_PAGES = 10


def _guests_page(
    work_id: int, chapter_id: int | None, first_chapter_id: int | None, counted: int, number: int
) -> tuple[Page[Any], list[Comment]]:
    """The page of a guest's top-level comments: `counted` of them in all (exact for a guest)."""
    page = Paginator(range(counted), PER_PAGE).get_page(number)
    shown = cast(range, page.object_list)
    if page.number > COMPILED_PAGES:
        readable = Comment.objects.readable_by(AnonymousUser(), Work(pk=work_id))
        top = list(_roots_of(readable, chapter_id, first_chapter_id)[shown.start : shown.stop])
    elif chapter_id is None:
        top = _guests_roots_query.objects(("entire", shown.start, shown.stop), work_id)
    else:
        scope = _scope_name(chapter_id, first_chapter_id)
        top = _guests_roots_query.objects((scope, shown.start, shown.stop), work_id, chapter_id)
    return Page(top, page.number, page.paginator), top


def _guests_replies(work_id: int, thread_ids: list[int]) -> list[Comment]:
    padded = padded_list(thread_ids)
    return _guests_replies_query.objects(("replies", len(padded)), work_id, *padded)


def thread_page(viewer: Viewer, work: Work, start: Comment) -> Node:
    """`start` with its replies to SHOWN_LEVELS levels below it, for "Continue this thread"."""
    readable = Comment.objects.readable_by(viewer, work)
    rows = readable.filter(thread=start.root_id, depth__gt=start.depth, depth__lte=start.depth + SHOWN_LEVELS)
    node = _tree([start], list(rows.for_display()), start.depth + SHOWN_LEVELS - 1)[0]
    return shaped_thread(viewer, work, _prepared([node])[0])


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


def _past_replies_shown(viewer: Viewer, work: Work, comment: Comment) -> Comment | None:
    """The thread's top-level comment when `comment` is a reply past the first REPLIES_SHOWN of its thread, which
    the work page leaves to the thread's page; else None."""
    if comment.parent_id is None:
        return None
    readable = Comment.objects.readable_by(viewer, work)
    replies = readable.filter(thread=comment.root_id, depth__lte=SHOWN_LEVELS)
    before = replies.filter(Q(created_at__lt=comment.created_at) | Q(created_at=comment.created_at, pk__lt=comment.pk))
    if before.count() < REPLIES_SHOWN:
        return None
    return readable.filter(pk=comment.root_id).first()


def permalink_target(viewer: Viewer, work: Work, comment: Comment) -> str:
    """Where a comment is in view: its thread page when it is deeper than the work page shows, else the reading
    page of its chapter at the page of top-level comments holding its thread."""
    start = thread_start(viewer, work, comment) or _past_replies_shown(viewer, work, comment)
    if start is not None:
        return f"{reverse('comments:thread', args=[start.pk])}#comment-{comment.pk}"
    readable = Comment.objects.readable_by(viewer, work)
    root = comment if comment.parent_id is None else readable.filter(pk=comment.root_id).first()
    chapter_id = comment.chapter_id if work.posted_chapter_count > 1 else None
    url = _reading_url(work, chapter_id)
    if root is None:
        return f"{url}#comments"
    first = first_chapter_id(work) if root.chapter_id is not None and chapter_id is not None else None
    scope = _scope(readable, root.chapter_id if chapter_id is not None else None, first).filter(parent=None)
    earlier = scope.filter(created_at__lt=root.created_at).count()
    earlier += scope.filter(created_at=root.created_at, pk__lt=root.pk).count()
    return f"{url}?{PAGE_PARAM}={earlier // PER_PAGE + 1}#comment-{comment.pk}"
