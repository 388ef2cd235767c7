"""Thin views: access helper, form, one action, redirect or render."""

from __future__ import annotations

import datetime
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from fanshelf.accounts.models import User, is_moderator
from fanshelf.comments import actions
from fanshelf.comments.access import get_comment_for_reading
from fanshelf.comments.forms import CommentForm, EditCommentForm
from fanshelf.comments.models import Comment
from fanshelf.comments.threads import permalink_target, thread_page
from fanshelf.core.limits import Rate, count_event, seconds_to_wait, too_many
from fanshelf.core.numbers import number_param
from fanshelf.core.visitors import address_key
from fanshelf.works.access import get_chapter_for_reading, get_work_for_reading
from fanshelf.works.models import Chapter, Work

GUEST_COMMENTS = "guest-comments"

# What the commenter is told, by the status their comment was given (spam scoring may hold it: fanshelf/spam).
POSTED_MESSAGES = {
    "held": "Your comment is waiting for approval.",
    "spam": "Your comment is waiting for a moderator's review.",
}


def _show_errors(form: CommentForm | EditCommentForm, error: ValidationError) -> None:
    for name, texts in error.message_dict.items() if hasattr(error, "error_dict") else [(None, error.messages)]:
        for text in texts:
            form.add_error(name if name in form.fields else None, text)


def _limited_key(request: HttpRequest, user: User | None) -> str:
    """Whose comments are counted against FANSHELF_GUEST_COMMENT_RATE, against spam: a guest's address, or an
    account younger than FANSHELF_NEW_ACCOUNT_DAYS; "" for everyone else."""
    if user is None:
        return address_key(request)
    new = timezone.now() - user.date_joined < datetime.timedelta(days=settings.FANSHELF_NEW_ACCOUNT_DAYS)
    return f"account:{user.pk}" if new and not is_moderator(user) else ""


def _post(request: HttpRequest, work: Work, chapter: Chapter | None, parent: Comment | None) -> HttpResponse:
    user = request.user if isinstance(request.user, User) else None
    form = CommentForm(request.POST or None, user=user)
    limited_key = _limited_key(request, user)
    rate: Rate = settings.FANSHELF_GUEST_COMMENT_RATE
    if request.method == "POST" and limited_key and (wait := seconds_to_wait(GUEST_COMMENTS, [limited_key], rate)):
        message = (
            "Guests at your address have posted many comments lately; log in or wait."
            if user is None
            else "New accounts may post only a few comments in a short while, against spam; please wait."
        )
        return too_many(request, wait, message)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            comment = actions.post_comment(
                work, data["text"], user=user, pseud=data.get("pseud"), chapter=chapter, parent=parent,
                guest_name=data.get("guest_name", ""), guest_email=data.get("guest_email", ""),
                guest_wants_replies=data.get("guest_wants_replies", False),
            )  # fmt: skip
        except ValidationError as error:
            _show_errors(form, error)
        else:
            count_event(GUEST_COMMENTS, [limited_key], rate)
            messages.success(request, POSTED_MESSAGES.get(comment.status, "Comment posted."))
            return redirect(permalink_target(request.user, work, comment))
    return render(request, "comments/reply.html", {"form": form, "work": work, "parent": parent})


@require_POST
def new_comment(request: HttpRequest, work_id: int) -> HttpResponse:
    work = get_work_for_reading(request, work_id)
    chapter_id = number_param(request.POST, "chapter", default=0, maximum=2**62)
    chapter = get_chapter_for_reading(request, work, chapter_id) if chapter_id else None
    return _post(request, work, chapter, None)


def reply(request: HttpRequest, comment_id: int) -> HttpResponse:
    parent, work = get_comment_for_reading(request, comment_id)
    actions.check_may_reply(work, parent, request.user)
    return _post(request, work, None, parent)


@require_GET
def permalink(request: HttpRequest, comment_id: int) -> HttpResponse:
    comment, work = get_comment_for_reading(request, comment_id)
    return redirect(permalink_target(request.user, work, comment))


@require_GET
def thread(request: HttpRequest, comment_id: int) -> HttpResponse:
    comment, work = get_comment_for_reading(request, comment_id)
    node = thread_page(request.user, work, comment)
    is_creator = work.is_created_by(request.user)
    return render(request, "comments/thread.html", {"work": work, "node": node, "is_creator": is_creator})


@login_required
def edit(request: HttpRequest, comment_id: int) -> HttpResponse:
    comment, work = get_comment_for_reading(request, comment_id)
    if not comment.is_by(request.user):
        raise Http404("No such comment.")
    actions.check_may_edit(comment, request.user)
    form = EditCommentForm(request.POST or None, initial={"text": comment.text})
    if request.method == "POST" and form.is_valid():
        try:
            comment = actions.edit_comment(comment, request.user, form.cleaned_data["text"])  # type: ignore[arg-type]
        except ValidationError as error:
            _show_errors(form, error)
        else:
            messages.success(request, "Comment saved." if comment.status != "held" else "Your edited comment is "
                             "waiting for approval again.")  # fmt: skip
            return redirect(permalink_target(request.user, work, comment))
    return render(request, "comments/edit.html", {"form": form, "work": work, "comment": comment})


MODERATION: dict[str, Callable[[Comment, User], object]] = {
    "delete": actions.delete_comment,
    "approve": actions.approve_comment,
    "hide": actions.hide_comment,
    "unhide": actions.unhide_comment,
    "spam": actions.mark_spam,
    "freeze": lambda comment, user: actions.set_thread_frozen(comment, user, True),
    "unfreeze": lambda comment, user: actions.set_thread_frozen(comment, user, False),
}


@require_POST
@login_required
def moderate(request: HttpRequest, comment_id: int, what: str) -> HttpResponse:
    comment, work = get_comment_for_reading(request, comment_id)
    if what not in MODERATION:
        raise Http404("No such action.")
    try:
        MODERATION[what](comment, request.user)  # type: ignore[arg-type]
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"Done: {what}.")
    gone = what in ("delete", "spam") or not Comment.objects.filter(pk=comment.pk).exists()
    return redirect(f"{work.get_absolute_url()}#comments" if gone else permalink_target(request.user, work, comment))


def stop_replies(request: HttpRequest, comment_id: int, token: str) -> HttpResponse:
    """The link in a guest's reply email: a page with one button (so a mail scanner opening the link changes
    nothing), which stops the emails. No login: the signed token is the credential; the form has a CSRF token."""
    comment = actions.comment_for_stop_token(comment_id, token)
    if comment is None:
        raise Http404("This link is not valid.")
    stopped = request.method == "POST"
    if stopped:
        actions.stop_guest_replies(comment)
    return render(request, "comments/stop_replies.html", {"stopped": stopped or not comment.guest_wants_replies})
