"""The sign-up door (open, by invitation or closed), asking for an invitation, and the moderators' queue page.

`signup` stands in front of allauth's own sign-up view (fanshelf/urls.py routes /accounts/signup/ here first), as
accounts/views.password_reset does for password resets: it refuses before allauth sees the form.
"""

from __future__ import annotations

from allauth.account.views import signup as allauth_signup
from allauth.core.exceptions import ImmediateHttpResponse
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from fanshelf.accounts import invitations
from fanshelf.accounts.forms import InvitationRequestForm, InviteNowForm, add_action_errors
from fanshelf.accounts.models import InvitationRequest, User, is_moderator
from fanshelf.core.limits import Rate, count_event, seconds_to_wait, too_many
from fanshelf.core.visitors import client_network

SIGNUP_SCOPE = "sign-up"
REQUEST_SCOPE = "invitation-request"
QUEUE_SHOWN = 50


def invitation_code(request: HttpRequest) -> str:
    """The code from the invitation link (`?invitation=CODE`), which the sign-up form posts back in its address."""
    return str(request.GET.get("invitation") or request.POST.get("invitation") or "")[:200]


def _signup_rate() -> Rate:
    rate: Rate = settings.FANSHELF_SIGNUP_RATE
    return rate


def _closed(request: HttpRequest, status: int) -> HttpResponse:
    mode = invitations.signup_mode()
    context = {"mode": mode, "bad_code": bool(invitation_code(request)), "form": InvitationRequestForm()}
    return render(request, "account/signup_closed.html", context, status=status)


def signup(request: HttpRequest) -> HttpResponseBase:
    """allauth's sign-up, when sign-ups are open or the invitation code is usable; otherwise a page that says so
    (and, by invitation, offers to ask for one). A refused POST makes no account and answers 403."""
    if request.method == "POST" and (wait := seconds_to_wait(SIGNUP_SCOPE, [client_network(request)], _signup_rate())):
        return too_many(request, wait, "Many accounts were made from your address lately.")
    if not invitations.signup_allowed(invitation_code(request)):
        return _closed(request, status=403 if request.method == "POST" else 200)
    response: HttpResponseBase = allauth_signup(request)
    return response


def account_made(request: HttpRequest, user: User) -> None:
    """Called by the adapter inside the transaction that saves a new account: spend the invitation (by invitation)
    and count the sign-up against the client's address. A code used meanwhile by someone else rolls it back."""
    if invitations.signup_mode() != invitations.OPEN:
        try:
            invitations.use_invitation(invitation_code(request), user)
        except ValidationError:
            raise ImmediateHttpResponse(_closed(request, status=403)) from None
    count_event(SIGNUP_SCOPE, [client_network(request)], _signup_rate())


@require_http_methods(["GET", "POST"])
def ask(request: HttpRequest) -> HttpResponse:
    """Ask for an invitation: the confirmation says where in the queue the request is."""
    if invitations.signup_mode() != invitations.INVITATION:
        return redirect("account_signup")
    form = InvitationRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        rate: Rate = settings.FANSHELF_INVITATION_REQUEST_RATE
        address = [client_network(request)]
        if wait := seconds_to_wait(REQUEST_SCOPE, address, rate):
            return too_many(request, wait, "Many invitations were asked for from your address lately.")
        try:
            place = invitations.request_invitation(form.cleaned_data["email"])
        except ValidationError as error:
            add_action_errors(form, error)
        else:
            count_event(REQUEST_SCOPE, address, rate)
            request.session["invitation_request"] = place.request.pk
            return redirect("invitations:queued")
    status = 400 if form.is_bound else 200
    return render(request, "account/invitation_ask.html", {"form": form}, status=status)


def queued(request: HttpRequest) -> HttpResponse:
    """The confirmation after asking: the address and its place in the queue (this browser's request only)."""
    asked = InvitationRequest.objects.filter(pk=request.session.get("invitation_request", 0)).first()
    if asked is None:
        return redirect("invitations:ask")
    position = invitations.queue_position(asked) if asked.invitation_id is None else 0
    return render(request, "account/invitation_queued.html", {"asked": asked, "position": position})


@login_required
@require_http_methods(["GET", "POST"])
def queue(request: HttpRequest) -> HttpResponse:
    """Moderators: how many wait and since when, the oldest requests, and inviting someone at once."""
    user = request.user
    if not isinstance(user, User) or not is_moderator(user):
        raise PermissionDenied("Only moderators see the invitation queue.")
    form = InviteNowForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            invitations.invite_now(form.cleaned_data["email"], by=user)
        except ValidationError as error:
            add_action_errors(form, error)
        else:
            messages.success(request, f"An invitation was sent to {form.cleaned_data['email']}.")
            return redirect("invitations:queue")
    waiting, oldest = invitations.queue_summary()
    context = {
        "form": form,
        "waiting": waiting,
        "oldest": oldest,
        "mode": invitations.signup_mode(),
        "next_batch_at": invitations.batch_due_at(),
        "requests": InvitationRequest.objects.filter(invitation__isnull=True)[:QUEUE_SHOWN],
    }
    return render(request, "account/invitation_queue.html", context, status=400 if form.errors else 200)
