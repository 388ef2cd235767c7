"""Block and mute pages: the owner's lists of people they blocked or muted, and the Block / Mute pages (a GET that
says what the choice does, a POST that makes it) that profile pages and comment bylines lead to."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from fanshelf.accounts import blocking
from fanshelf.accounts.access import get_user_for_managing, get_user_for_profile
from fanshelf.accounts.models import Block, Mute, User
from fanshelf.core.pagination import paginate

PER_PAGE = 50
CHOICES = {"block": (blocking.block, blocking.block_refusal), "mute": (blocking.mute, blocking.mute_refusal)}


def _viewer(request: HttpRequest) -> User:
    """The signed-in requester (these views sit behind login_required)."""
    if not isinstance(request.user, User):
        raise PermissionDenied
    return request.user


def _back(request: HttpRequest, target: User) -> str:
    """Where to go after the POST: the page the button was on, if it is on this site, else the person's profile."""
    back = request.POST.get("next", "")
    if back.startswith("/") and url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        return back
    return reverse("accounts:dashboard", args=[target.username])


def _confirm(request: HttpRequest, username: str, kind: str) -> HttpResponse:
    """GET: what blocking (muting) this person does, with the button or the reason there is none; POST: do it."""
    user, target = _viewer(request), get_user_for_profile(username)
    make, refusal = CHOICES[kind]
    if request.method == "POST":
        try:
            make(user, target)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            past = "blocked" if kind == "block" else "muted"
            messages.success(request, f"You {past} {target.username}. Nobody tells them.")
        return redirect(_back(request, target))
    blocked, muted = blocking.relation_to(user, target)
    done = blocked if kind == "block" else muted
    reason = refusal(user, target)
    context = {"target": target, "kind": kind, "done": done, "refusal": reason}
    return render(request, "accounts/blocking/confirm.html", context, status=400 if reason else 200)


@login_required
def block_user(request: HttpRequest, username: str) -> HttpResponse:
    return _confirm(request, username, "block")


@login_required
def mute_user(request: HttpRequest, username: str) -> HttpResponse:
    return _confirm(request, username, "mute")


@require_POST
@login_required
def unblock_user(request: HttpRequest, username: str) -> HttpResponse:
    target = get_user_for_profile(username)
    if blocking.unblock(_viewer(request), target):
        messages.success(request, f"You unblocked {target.username}.")
    return redirect(_back(request, target))


@require_POST
@login_required
def unmute_user(request: HttpRequest, username: str) -> HttpResponse:
    target = get_user_for_profile(username)
    if blocking.unmute(_viewer(request), target):
        messages.success(request, f"You unmuted {target.username}.")
    return redirect(_back(request, target))


def blocked_list(request: HttpRequest, username: str) -> HttpResponse:
    """The people the owner blocked, newest first; nobody else may see it."""
    user = get_user_for_managing(request, username)
    page = paginate(request, Block.objects.filter(blocker=user).select_related("blocked"), PER_PAGE)
    context = {"profile_user": user, "page_obj": page, "kind": "block", "limit": blocking.block_limit()}
    return render(request, "accounts/blocking/list.html", context)


def muted_list(request: HttpRequest, username: str) -> HttpResponse:
    """The people the owner muted, newest first; nobody else may see it."""
    user = get_user_for_managing(request, username)
    page = paginate(request, Mute.objects.filter(muter=user).select_related("muted"), PER_PAGE)
    context = {"profile_user": user, "page_obj": page, "kind": "mute", "limit": blocking.mute_limit()}
    return render(request, "accounts/blocking/list.html", context)
