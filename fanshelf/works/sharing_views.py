"""Pages and buttons for sharing a work: answering a co-creator invitation, leaving a work, refusing a gift, and
each person's Gifts page. The actions are in works/sharing.py."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from fanshelf.accounts.models import User
from fanshelf.core.pagination import paginate
from fanshelf.works import sharing
from fanshelf.works.access import get_work_for_editing
from fanshelf.works.models import Work


def _signed_in(request: HttpRequest) -> User:
    if not isinstance(request.user, User):
        raise PermissionDenied
    return request.user


def _back(request: HttpRequest, default: str) -> str:
    back = request.POST.get("next", "")
    if back.startswith("/") and url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        return back
    return default


def _work(found: Work | None) -> Work:
    if found is None:
        raise Http404("No such work.")
    return found


def gifts(request: HttpRequest, username: str) -> HttpResponse:
    """Works given to any of this person's pseuds that the viewer may see listed (AO3's Gifts page)."""
    recipient = get_object_or_404(User, username__iexact=username, is_active=True)
    page = paginate(request, sharing.gifts_received(recipient, request.user), per_page=20)
    mine = request.user.pk == recipient.pk
    context = {"recipient": recipient, "page_obj": page, "mine": mine, "heading": f"Gifts for {recipient.username}"}
    return render(request, "works/sharing/gifts.html", context)


@login_required
@require_POST
def accept_invitation(request: HttpRequest, work_id: int) -> HttpResponse:
    user = _signed_in(request)
    work = _work(sharing.invited_work(user, work_id))
    try:
        sharing.accept(work, user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(_back(request, reverse("inbox:inbox")))
    messages.success(request, f"You are now a co-creator of “{work.title}”.")
    return redirect(work)


@login_required
@require_POST
def decline_invitation(request: HttpRequest, work_id: int) -> HttpResponse:
    user = _signed_in(request)
    work = _work(sharing.invited_work(user, work_id))
    sharing.decline(work, user)
    messages.success(request, "The invitation was declined.")
    return redirect(_back(request, reverse("inbox:inbox")))


@login_required
@require_POST
def remove_me(request: HttpRequest, work_id: int) -> HttpResponse:
    work = get_work_for_editing(request, work_id)
    user = _signed_in(request)
    try:
        sharing.remove_self(work, user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(work)
    messages.success(request, f"You are no longer a co-creator of “{work.title}”.")
    return redirect("accounts:dashboard", user.username)


@login_required
@require_POST
def refuse_gift(request: HttpRequest, work_id: int) -> HttpResponse:
    user = _signed_in(request)
    work = _work(sharing.gifted_work(user, work_id))
    sharing.refuse_gift(work, user)
    messages.success(request, f"You refused the gift of “{work.title}”.")
    return redirect(_back(request, reverse("user_gifts", args=[user.username])))
