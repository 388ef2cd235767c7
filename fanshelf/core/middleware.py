from __future__ import annotations

from collections.abc import Callable

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse


class LoginNeeded(Exception):
    """Raised by access helpers when a guest asks for something only registered users may see."""


class LoginNeededMiddleware:
    """Turns LoginNeeded into a redirect to the login page that comes back to the same address."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, LoginNeeded):
            return redirect_to_login(request.get_full_path())
        return None
