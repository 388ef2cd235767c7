"""Fetch-with-permission helpers for account pages. Usernames and pseud names are looked up ignoring case."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest

from fanshelf.accounts.models import PersonalToken, Pseud, User
from fanshelf.core.middleware import LoginNeeded


def get_user_for_profile(username: str) -> User:
    """The account behind /users/<username>/, whatever case the address uses."""
    user = User.objects.filter(username__iexact=username).first()
    if user is None:
        raise Http404("No such user.")
    return user


def get_user_for_managing(request: HttpRequest, username: str) -> User:
    """The account, if the requester owns it: guests are sent to log in, other users are refused (403)."""
    user = get_user_for_profile(username)
    if not request.user.is_authenticated:
        raise LoginNeeded
    if request.user.pk != user.pk:
        raise PermissionDenied("Only the account owner may change this.")
    return user


def get_pseud(user: User, name: str) -> Pseud:
    """One of the user's pseuds by name, ignoring case."""
    pseud = user.pseuds.filter(name__iexact=name).select_related("user").first()
    if pseud is None:
        raise Http404("No such pseud.")
    return pseud


def get_token(user: User, token_id: int) -> PersonalToken:
    """One of the user's personal tokens; another person's token is as unknown as a missing one."""
    token = user.personal_tokens.filter(pk=token_id).first()
    if token is None:
        raise Http404("No such token.")
    return token
