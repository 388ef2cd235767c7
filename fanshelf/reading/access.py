"""Whose history and shelves a request may see."""

from __future__ import annotations

from django.http import Http404, HttpRequest

from fanshelf.accounts.access import get_user_for_managing, get_user_for_profile
from fanshelf.accounts.models import User
from fanshelf.reading.models import PublicShelf, Shelf


def get_history_owner(request: HttpRequest, username: str) -> User:
    """History is the owner's alone: guests are sent to log in, anyone else is refused."""
    return get_user_for_managing(request, username)


def get_shelf(request: HttpRequest, username: str, shelf: str) -> tuple[User, Shelf, bool]:
    """(owner, shelf, whether the viewer owns it). A private shelf answers others as if it did not exist, so
    nobody learns what a reader keeps there."""
    owner = get_user_for_profile(username)
    try:
        chosen = Shelf(shelf)
    except ValueError:
        raise Http404("No such shelf.") from None
    is_owner = request.user.is_authenticated and request.user.pk == owner.pk
    if not is_owner and not PublicShelf.objects.filter(user=owner, shelf=chosen.value).exists():
        raise Http404("No such shelf.")
    return owner, chosen, is_owner
