"""Fetch-with-permission for comments: a comment is found only when its work is readable by the requester
(works.access decides that, guests asking for a restricted work are sent to log in) and the comment itself is
one they may see (CommentQuerySet.readable_by). Everything else is the same 404 as a missing comment."""

from __future__ import annotations

from django.http import Http404, HttpRequest

from fanshelf.comments.models import Comment
from fanshelf.works.access import get_work_for_reading
from fanshelf.works.models import Work


def get_comment_for_reading(request: HttpRequest, comment_id: int) -> tuple[Comment, Work]:
    work_id = Comment.objects.filter(pk=comment_id).values_list("work_id", flat=True).first()
    if work_id is None:
        raise Http404("No such comment.")
    work = get_work_for_reading(request, work_id)
    comment = Comment.objects.readable_by(request.user, work).select_related("pseud").filter(pk=comment_id).first()
    if comment is None:
        raise Http404("No such comment.")
    return comment, work
