"""Spam scoring runs inside the posting actions, which know no request; this keeps the client's network (as a
keyed hash, core.visitors.address_key) where scoring can read it, for the "many addresses" signal."""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar

from django.http import HttpRequest
from django.http.response import HttpResponseBase

from fanshelf.core.visitors import address_key

_posting_request: ContextVar[HttpRequest | None] = ContextVar("fanshelf_spam_posting_request", default=None)


class PostingAddressMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if request.method != "POST":  # nothing is posted on other requests
            return self.get_response(request)
        token = _posting_request.set(request)
        try:
            return self.get_response(request)
        finally:
            _posting_request.reset(token)


def posting_address_key() -> str:
    """The current request's client network as a key, or "" outside a request (the CLI, an import, a task)."""
    request = _posting_request.get()
    return address_key(request) if request is not None else ""
