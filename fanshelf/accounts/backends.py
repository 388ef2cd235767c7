"""The site's authentication backends: Django's (username and password: the admin's sign-in, tests' force_login)
and allauth's (the site's sign-in by username or email), each loading the signed-in user of every request by a
statement compiled once (`core/prepared.py`) instead of a queryset built each time (~0.6 ms of CPU a request)."""

from __future__ import annotations

from typing import Any

from allauth.account.auth_backends import AuthenticationBackend
from django.contrib.auth.backends import ModelBackend
from django.db.models import QuerySet

from fanshelf.accounts.models import User
from fanshelf.core.prepared import Prepared, all_fields, fits_a_column, loaded


def _user_of(shape: str, pk: int) -> QuerySet[Any]:
    return User.objects.filter(pk=pk).values_list(*all_fields(User))


_user_row = Prepared(_user_of)


def signed_in_user(user_id: Any) -> User | None:
    """The account a session names (the whole row, as `User.objects.get` reads it), or None."""
    try:
        pk = int(user_id)
    except (TypeError, ValueError):
        return None
    rows = _user_row.rows("user", pk) if fits_a_column(pk) else []
    return loaded(User, all_fields(User), rows[0]) if rows else None


class PasswordBackend(ModelBackend):
    def get_user(self, user_id: Any) -> User | None:
        user = signed_in_user(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None


class AccountBackend(PasswordBackend, AuthenticationBackend):  # type: ignore[misc]  # allauth has no types
    """allauth's sign-in (its `authenticate`, found before Django's in this order) with the compiled `get_user`."""
