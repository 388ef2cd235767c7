from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from fanshelf.accounts.models import User
from fanshelf.comments.actions import post_comment
from fanshelf.comments.models import Comment, CommentStatus
from fanshelf.core.pagination import paginate
from fanshelf.inbox import actions
from fanshelf.inbox.access import signed_in, subscribable_creator, subscribable_series, subscribable_work
from fanshelf.inbox.display import shown_entries
from fanshelf.inbox.forms import FILTERS, BulkForm
from fanshelf.inbox.models import InboxEntry, Subscription
from fanshelf.inbox.notify import subscription_from_token
from fanshelf.works.models import Series, Work

PER_PAGE = 20


def _filter(request: HttpRequest) -> str:
    state = request.GET.get("show", "all")
    return state if state in dict(FILTERS) else "all"


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    user = signed_in(request)
    state = _filter(request)
    page = paginate(request, InboxEntry.objects.of(user).filtered(state).newest_first(), PER_PAGE)
    context = {
        "page_obj": page,
        "entries": shown_entries(list(page.object_list), user),
        "filters": FILTERS,
        "state": state,
        "query_prefix": f"show={state}" if state != "all" else "",
        "reply_pseud": user.default_pseud(),
    }
    return render(request, "inbox/inbox.html", context)


@login_required
@require_POST
def bulk(request: HttpRequest) -> HttpResponse:
    user = signed_in(request)
    form = BulkForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(error) for errors in form.errors.values() for error in errors))
    elif form.cleaned_data["action"] == "delete":
        count = actions.delete_entries(user, form.entry_ids)
        messages.success(request, f"Deleted {_entries(count)}.")
    else:
        read = form.cleaned_data["action"] == "read"
        count = actions.mark_read(user, form.entry_ids, read=read)
        messages.success(request, f"Marked {_entries(count)} {'read' if read else 'unread'}.")
    return redirect(_back(request, reverse("inbox:inbox")))


def _entries(count: int) -> str:
    return f"{count} entr{'y' if count == 1 else 'ies'}"


@login_required
@require_POST
def reply(request: HttpRequest, entry_id: int) -> HttpResponse:
    """The reply box on a comment or reply entry: answers the comment as the person's default pseud (or the one
    chosen), through the comments app's own action and its rules (frozen threads, blocks, closed works)."""
    user = signed_in(request)
    entry = get_object_or_404(InboxEntry.objects.of(user), pk=entry_id, comment_id__isnull=False)
    shown = shown_entries([entry], user)[0]
    comment = Comment.objects.filter(pk=entry.comment_id or 0, status=CommentStatus.PUBLISHED).first()
    work = Work.objects.posted_visible_to(user).filter(pk=entry.work_id or 0).first()
    if comment is None or work is None or not shown.may_reply:
        messages.error(request, "That comment can no longer be answered.")
        return redirect(_back(request, reverse("inbox:inbox")))
    try:
        posted = post_comment(work, request.POST.get("text", ""), user=user, pseud=user.default_pseud(), parent=comment)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(_back(request, reverse("inbox:inbox")))
    actions.mark_replied(entry)
    messages.success(
        request,
        "Your reply is posted."
        if posted.status == CommentStatus.PUBLISHED
        else "Your reply waits for the creator's approval.",
    )
    return redirect(_back(request, reverse("inbox:inbox")))


def _back(request: HttpRequest, default: str) -> str:
    back = request.POST.get("next", "")
    if back.startswith("/") and url_has_allowed_host_and_scheme(back, allowed_hosts=None):
        return back
    return default


@login_required
@require_POST
def subscribe_work(request: HttpRequest, work_id: int) -> HttpResponse:
    work = subscribable_work(signed_in(request), work_id)
    return _toggle(request, {"work": work}, work.get_absolute_url())


@login_required
@require_POST
def subscribe_series(request: HttpRequest, series_id: int) -> HttpResponse:
    series = subscribable_series(signed_in(request), series_id)
    return _toggle(request, {"series": series}, series.get_absolute_url())


@login_required
@require_POST
def subscribe_creator(request: HttpRequest, username: str) -> HttpResponse:
    creator = subscribable_creator(username)
    return _toggle(request, {"creator": creator}, reverse("accounts:dashboard", args=[creator.username]))


def _toggle(request: HttpRequest, what: dict[str, Work | Series | User], back: str) -> HttpResponse:
    """Subscribe, or with `unsubscribe` in the form unsubscribe, then go back to the page the button was on."""
    user = signed_in(request)
    if "unsubscribe" in request.POST:
        for subscription in Subscription.objects.filter(user=user, **what):
            actions.unsubscribe(subscription)
        messages.success(request, "Unsubscribed.")
    else:
        try:
            actions.subscribe(user, **what)  # type: ignore[arg-type]
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, "Subscribed. New postings will appear in your inbox.")
    return redirect(_back(request, back))


@csrf_exempt  # the signed token is the credential, and mail programs' one-click POST carries no CSRF token
@require_http_methods(["GET", "POST"])
def unsubscribe_link(request: HttpRequest, token: str) -> HttpResponse:
    """The link in every subscription email: needs no login, only the signed token. The GET shows one button; the
    POST (from it, or from a mail program's List-Unsubscribe button) ends the subscription, so link scanners that
    open every URL in a mailbox unsubscribe nobody."""
    subscription = subscription_from_token(token)
    if subscription is None:
        return render(request, "inbox/unsubscribed.html", {"gone": True}, status=404)
    if request.method == "POST":
        actions.unsubscribe(subscription)
        return render(request, "inbox/unsubscribed.html", {"done": True})
    return render(request, "inbox/unsubscribed.html", {"token": token})
