"""One limit on failed sign-ins, shared by every way in.

The site login (through the allauth adapter), password-reset requests (accounts/views.password_reset), the admin
login (which is the site login: accounts/views.admin_login), and e-reader apps' Basic passwords and personal
tokens (downloads/auth.py) all ask `check` before trying and call `record_failure` after a failure. Failures are
counted per client address and per account name, with FANSHELF_LOGIN_RATE, in the shared cache, so a guesser gains
nothing by switching doors, workers or, within one address, account names. Successful sign-ins are not counted:
a class of pupils behind one school address can all log in.
"""

from __future__ import annotations

from django.conf import settings
from django.db.models import Q
from django.http import HttpRequest, HttpResponse

from fanshelf.accounts.models import User
from fanshelf.core.limits import Rate, count_event, seconds_to_wait, too_many
from fanshelf.core.visitors import client_network

SCOPE = "sign-in"


def _rate() -> Rate:
    rate: Rate = settings.FANSHELF_LOGIN_RATE  # parsed, and so checked, when the settings load
    return rate


def account_name(login: str) -> str:
    """The case-folded username a login names, so that signing in by username and by email count together.

    A login that matches no account is counted under what was typed: guessing at a name must be limited too.
    """
    typed = login.strip().casefold()
    if "@" not in typed:
        return typed
    match = Q(email__iexact=typed) | Q(emailaddress__email__iexact=typed)
    username = User.objects.filter(match).values_list("username", flat=True).first()
    return username.casefold() if username else typed


def _keys(request: HttpRequest, login: str) -> list[str]:
    name = account_name(login)
    return [f"address:{client_network(request)}", f"account:{name}" if name else ""]


def check(request: HttpRequest, login: str) -> int:
    """Seconds before this client may try to sign in as `login` again; 0 when it may try now."""
    return seconds_to_wait(SCOPE, _keys(request, login), _rate())


def record_failure(request: HttpRequest, login: str) -> None:
    """Count a failed attempt (a wrong password or token, or a password-reset request) against both keys."""
    count_event(SCOPE, _keys(request, login), _rate())


def refusal(request: HttpRequest, seconds: int) -> HttpResponse:
    return too_many(request, seconds, "Too many failed login attempts from your address or for this account.")
