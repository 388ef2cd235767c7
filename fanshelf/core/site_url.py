"""Full links to this archive, for places with no page around them: feeds, downloads, emails, the CLI's output.

The archive's address is FANSHELF_SITE_URL when it is set. Otherwise a request uses the address it was made to
(its scheme and Host, which Django checks against ALLOWED_HOSTS), so `make run PORT=8101` links to port 8101;
outside a request (the CLI, the background worker) the address `fanshelf serve` last served this instance on,
recorded under var/, and failing that http://127.0.0.1:8000.
"""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar
from pathlib import Path

from django.conf import settings
from django.http import HttpRequest
from django.http.request import split_domain_port, validate_host
from django.http.response import HttpResponseBase

FALLBACK_SITE_URL = "http://127.0.0.1:8000"
SERVED_URL_FILE = "served_url"

# Set for the length of each request by CurrentRequestMiddleware, so code far from the view (a feed entry, an
# email sent by an action, a download built in the request) links to the address the reader used.
_current_request: ContextVar[HttpRequest | None] = ContextVar("fanshelf_current_request", default=None)


class CurrentRequestMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        token = _current_request.set(request)
        try:
            return self.get_response(request)
        finally:
            _current_request.reset(token)


def current_request() -> HttpRequest | None:
    """The request being served in this thread, if any."""
    return _current_request.get()


def _served_url_file() -> Path:
    return Path(settings.VAR_DIR) / SERVED_URL_FILE


def served_url(bind: str) -> str | None:
    """The address a browser on this machine reaches `fanshelf serve --bind bind` at (a wildcard bind becomes
    the loopback address), or None for a Unix socket, which only a proxy in front knows the address of."""
    if bind.startswith(("unix:", "fd://")):
        return None
    host, _, port = bind.rpartition(":") if bind.rpartition(":")[2].isdigit() else (bind, "", "8000")
    host = {"0.0.0.0": "127.0.0.1", "[::]": "[::1]", "": "127.0.0.1"}.get(host, host)  # noqa: S104 - a bind, mapped
    return f"http://{host}:{port}"


def record_served_url(url: str) -> None:
    """Remember where this instance serves, for the CLI and worker run beside it (they have no request)."""
    _served_url_file().write_text(url + "\n")


def _recorded_url() -> str:
    try:
        return _served_url_file().read_text().strip().rstrip("/")
    except OSError:
        return ""


def site_root() -> str:
    """The archive's address without a trailing slash, as the module docstring chooses it."""
    if settings.SITE_URL:
        return str(settings.SITE_URL)
    request = _current_request.get()
    if request is not None:
        return f"{request.scheme}://{request.get_host()}"
    return _recorded_url() or FALLBACK_SITE_URL


def absolute_url(path: str) -> str:
    """`path` (absolute on this site: "/works/3/") as a full link to this archive."""
    return site_root() + path


def _domain(netloc: str) -> str:
    domain, _port = split_domain_port(netloc.rpartition("@")[2])
    return domain


def is_this_archive(netloc: str) -> bool:
    """Whether a URL's host (with any port) names this archive: FANSHELF_SITE_URL's host, the host of the
    request being served, or one of ALLOWED_HOSTS (a "*" there names every host, so it counts for none)."""
    domain = _domain(netloc)
    if not domain:
        return False
    own = [pattern for pattern in settings.ALLOWED_HOSTS if pattern != "*"]
    if settings.SITE_URL:
        own.append(_domain(str(settings.SITE_URL).partition("://")[2]))
    request = _current_request.get()
    if request is not None:
        own.append(_domain(request.get_host()))
    return validate_host(domain, own)
