from __future__ import annotations

import functools
import logging
import sys
from collections.abc import Callable

from csp.utils import build_policy
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.signals import got_request_exception, setting_changed
from django.db import OperationalError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from fanshelf.core import switches
from fanshelf.core.limits import Rate, count_in_window, seconds_to_next_window, too_many
from fanshelf.core.visitors import client_network

logger = logging.getLogger(__name__)
REQUEST_SCOPE = "requests"
UNCOUNTED_PATHS = frozenset({"/healthz", "/metrics"})


class LoginNeeded(Exception):
    """Raised by access helpers when a guest asks for something only registered users may see. Its message says
    why, and the login page shows it, so the guest knows what logging in is for."""

    def __init__(self, reason: str = "Log in to see this page.") -> None:
        super().__init__(reason)
        self.reason = reason


class LoginNeededMiddleware:
    """Turns LoginNeeded into a redirect to the login page that comes back to the same address."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, LoginNeeded):
            messages.info(request, exception.reason, fail_silently=True)
            return redirect_to_login(request.get_full_path())
        return None


_LOCK_ERRORS = ("database is locked", "database table is locked", "lock timeout")
# PostgreSQL: lock_not_available (lock_timeout), deadlock_detected, query_canceled (statement_timeout).
_LOCK_SQLSTATES = {"55P03", "40P01", "57014"}


def is_lock_timeout(error: BaseException) -> bool:
    """Whether a database error means "another writer held the lock too long", rather than a real fault."""
    if not isinstance(error, OperationalError):
        return False
    if getattr(error.__cause__, "sqlstate", None) in _LOCK_SQLSTATES:
        return True
    return any(phrase in str(error).lower() for phrase in _LOCK_ERRORS)


def _busy_page(request: HttpRequest) -> HttpResponse:
    retry_after = settings.FANSHELF_DB_LOCK_TIMEOUT
    response = render(request, "503.html", {"retry_after": retry_after}, status=503)
    response["Retry-After"] = str(retry_after)
    return response


class DatabaseBusyMiddleware:
    """A request that cannot get the write lock in time gets a 503 with Retry-After, never a 500.

    Lock waits are bounded by FANSHELF_DB_LOCK_TIMEOUT (SQLite's busy timeout, PostgreSQL's lock_timeout). The
    view's own errors arrive at process_exception; errors raised by other middleware (a session saved after the
    view) have already become a 500 response by then, so got_request_exception marks the request to convert it.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        got_request_exception.connect(_note_lock_timeout, dispatch_uid="fanshelf-database-busy")

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            response = self.get_response(request)
        except OperationalError as error:  # only reached when Django re-raises (DEBUG_PROPAGATE_EXCEPTIONS)
            if not is_lock_timeout(error):
                raise
            logger.warning("Database busy: %s %s: %s", request.method, request.path, error)
            return _busy_page(request)
        if response.status_code == 500 and getattr(request, _LOCK_TIMEOUT_MARK, False):
            return _busy_page(request)
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not is_lock_timeout(exception):
            return None
        logger.warning("Database busy: %s %s: %s", request.method, request.path, exception)
        return _busy_page(request)


_LOCK_TIMEOUT_MARK = "_fanshelf_lock_timeout"


def _note_lock_timeout(sender: object, request: HttpRequest | None = None, **kwargs: object) -> None:
    error = sys.exc_info()[1]
    if request is not None and error is not None and is_lock_timeout(error):
        setattr(request, _LOCK_TIMEOUT_MARK, True)


class RequestBodyLimitMiddleware:
    """A form body larger than DATA_UPLOAD_MAX_MEMORY_SIZE gets a 413 page that says so, before anything reads it.

    Django would raise RequestDataTooBig on the first read of request.POST (in the CSRF check), which ends in the
    generic 400 page. File uploads (multipart) are left to Django, which counts only their non-file fields.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if limit is not None and length > limit and not (request.content_type or "").startswith("multipart/"):
            message = (
                f"The form sent {length / 1_048_576:.1f} MB, more than the {limit / 1_048_576:.1f} MB the archive "
                "accepts at once, so nothing was saved. Post a very long story in several chapters."
            )
            if length <= _DRAIN_FACTOR * limit:
                # Read and drop the body: a server that answers while the browser is still sending resets the
                # connection, and the browser then shows its own error instead of this page.
                while request.read(65_536):
                    pass
            return render(request, "400.html", {"message": message}, status=413)
        return self.get_response(request)


# Bodies up to this many times the cap are read and dropped before the 413; larger ones are not worth the time.
_DRAIN_FACTOR = 8


class RequestRateMiddleware:
    """At most FANSHELF_REQUEST_RATE requests per client address (an IPv6 client counts by its /64, behind
    FANSHELF_TRUSTED_PROXY_COUNT proxies), counted in the shared cache so every worker and app server counts the
    same; past it, a 429 with Retry-After. Static files are served by whitenoise above this and never counted, nor
    are /healthz and /metrics, which load balancers and monitors ask every few seconds.
    Sign-ins, kudos and comments keep their own, tighter limits."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        rate: Rate | None = settings.FANSHELF_REQUEST_RATE
        if (
            rate is not None
            and request.path not in UNCOUNTED_PATHS
            and count_in_window(REQUEST_SCOPE, client_network(request), rate) > rate.count
        ):
            seconds = seconds_to_next_window(rate)
            message = "Too many requests from your address in a short while. Please slow down."
            return too_many(request, seconds, message)
        return self.get_response(request)


# What still works in read-only mode: logging in and out (so a moderator can reach the switch) and the switch.
READ_ONLY_OPEN_PATHS = ("/accounts/login/", "/accounts/logout/", "/moderation/settings/")


class ReadOnlyMiddleware:
    """While a moderator has the site in read-only mode, every change (any request that is not GET, HEAD or
    OPTIONS) is refused with a 503 page that says so, and nothing is saved; reading, downloads and feeds go on."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        changing = request.method not in ("GET", "HEAD", "OPTIONS")
        if changing and not request.path.startswith(READ_ONLY_OPEN_PATHS) and switches.current().read_only:
            response = render(request, "503_read_only.html", status=503)
            response["Retry-After"] = "600"
            return response
        return self.get_response(request)


class ContentSecurityPolicyMiddleware:
    """The Content-Security-Policy header of settings.CONTENT_SECURITY_POLICY on every response that has none,
    built once (by django-csp's builder) instead of for every response: the site uses no nonces and no per-view
    policy, so the header is the same text on every page (~65 µs a request to build). A test that changes the
    setting gets its own. As with django-csp, Django's debug pages for 404 and 500 go without it under DEBUG."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if settings.DEBUG and response.status_code in (404, 500):
            return response
        policy = _policy()
        if policy and "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = policy
        return response


@functools.cache
def _policy() -> str:
    return build_policy()


setting_changed.connect(lambda **kwargs: _policy.cache_clear(), weak=False)
