"""A crawler for the canary test (tests/test_canary_crawl.py): every URL pattern of the site, filled from seeded
objects, fetched with GET as several clients, every answer searched for canary tokens.

It knows nothing about Fanshelf's models: the test says which values fill which path parameters (`Binding`s keyed
by groups of parameter names) and which query strings to add, and gets back, per request, where each token was
found. Tokens are plain lower-case ASCII, so one byte search finds them in HTML, XML, JSON, headers, file names,
the members of a zip (EPUB), the text of a PDF (through pdftotext when installed) and audio tags (UTF-8 or UTF-16).
"""

from __future__ import annotations

import functools
import io
import itertools
import re
import shutil
import subprocess
import zipfile
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from urllib.parse import quote, unquote, urlsplit

from django.urls import Resolver404, URLResolver, get_resolver, resolve

if TYPE_CHECKING:
    from django.http.response import HttpResponseBase
    from django.test import Client

# A redirect is followed at most this many steps, and each target path once per client: the login page is the
# same page whatever `next` it carries.
MAX_REDIRECTS = 3
_ROUTE_PARAM = re.compile(r"<(?:\w+:)?(\w+)>")


@dataclass(frozen=True)
class Route:
    """One URL pattern, as ResolverMatch.route spells it, with the names of its path parameters."""

    pattern: str
    name: str
    params: tuple[str, ...]

    @property
    def is_admin(self) -> bool:
        return self.pattern.startswith("admin/")


@dataclass(frozen=True)
class Binding:
    """Values for some path parameters. `secrets` names the non-public things they point at (so an answer can be
    compared with the answer for a thing that does not exist, `missing`)."""

    params: Mapping[str, str]
    secrets: frozenset[str] = frozenset()
    missing: bool = False


@dataclass(frozen=True)
class Answer:
    role: str
    url: str
    route: str  # the pattern that answered; "" when a redirect left the site's URLs
    status: int
    location: str  # the redirect target's path, "" when not a redirect
    found: Mapping[str, str]  # token -> where it was seen ("body", "headers", "zip:OEBPS/x.xhtml", "pdf text")
    binding: Binding
    error: str = ""  # the exception behind a 5xx, when the view raised one


@dataclass
class CrawlResult:
    answers: list[Answer] = field(default_factory=list)
    routes: list[Route] = field(default_factory=list)
    unfillable: list[Route] = field(default_factory=list)
    unreachable: list[str] = field(default_factory=list)  # built URLs another pattern answers instead


def all_routes() -> list[Route]:
    """Every URL pattern of the project, walked recursively through includes (the admin's and allauth's too)."""
    routes: list[Route] = []

    def walk(resolver: URLResolver, prefix: str, namespace: str, params: tuple[str, ...]) -> None:
        for entry in resolver.url_patterns:
            pattern = prefix + _without_anchor(str(entry.pattern))
            names = params + tuple(entry.pattern.regex.groupindex)
            if isinstance(entry, URLResolver):
                inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
                walk(entry, pattern, inner, names)
            else:
                routes.append(Route(pattern, f"{namespace}{entry.name or ''}", names))

    walk(get_resolver(), "", "", ())
    return routes


def _without_anchor(pattern: str) -> str:
    return pattern.removeprefix("^")  # as Django joins routes for ResolverMatch.route


def build_url(route: Route, params: Mapping[str, str]) -> str:
    """The path the pattern matches with these parameter values (quoted), from converters and named groups."""
    text, out, i = route.pattern, [], 0
    while i < len(text):
        converter = _ROUTE_PARAM.match(text, i)
        if converter:
            out.append(_quoted(converter.group(1), params))
            i = converter.end()
        elif text.startswith("(?P<", i):
            name_end = text.index(">", i)
            out.append(_quoted(text[i + 4 : name_end], params))
            i = _group_end(text, name_end + 1)
        elif text[i] in "^$":
            i += 1
        else:
            out.append(text[i])
            i += 1
    return "/" + "".join(out)


def _quoted(name: str, params: Mapping[str, str]) -> str:
    return quote(params[name], safe="/" if name in ("url", "object_id") else "")


def _group_end(text: str, i: int) -> int:
    """The index just past the ")" closing the group whose body starts at i."""
    depth = 1
    while depth:
        if text[i] == "\\":
            i += 2
            continue
        depth += {"(": 1, ")": -1}.get(text[i], 0)
        i += 1
    return i


def route_of(path: str) -> str:
    try:
        return resolve(unquote(urlsplit(path).path)).route
    except Resolver404:
        return ""


def bindings_for(route: Route, groups: Mapping[tuple[str, ...], Sequence[Binding]]) -> list[Binding] | None:
    """Every combination of values for the route's parameters, from the groups covering them (larger groups
    first, so related values such as a work and one of its chapters stay together); None when some parameter
    has no values."""
    needed, chosen = set(route.params), []
    for names in sorted(groups, key=len, reverse=True):
        if names and set(names) <= needed:
            chosen.append(groups[names])
            needed -= set(names)
    if needed:
        return None
    return [_merge(combination) for combination in itertools.product(*chosen)]


def _merge(parts: Iterable[Binding]) -> Binding:
    parts = list(parts)
    return Binding(
        params={name: value for part in parts for name, value in part.params.items()},
        secrets=frozenset().union(*(part.secrets for part in parts)),
        missing=any(part.missing for part in parts),
    )


def response_contents(response: HttpResponseBase) -> list[tuple[str, bytes]]:
    """Everything a client receives, as (where, bytes): headers, body, each member of a zip, a PDF's text."""
    streamed = response.streaming
    # Reading a streamed body to its end closes it. Never call close() here: outside the test client's own call
    # it sends request_finished, which closes the database connection and so the test's transaction.
    body = b"".join(response.streaming_content) if streamed else response.content  # type: ignore[attr-defined]
    headers = "\n".join(f"{name}: {value}" for name, value in response.items())
    parts = [("headers", headers.encode()), ("body", body)]
    if body.startswith(b"PK\x03\x04"):
        with zipfile.ZipFile(io.BytesIO(body)) as archive:
            parts += [(f"zip:{name}", archive.read(name)) for name in archive.namelist()]
    if body.startswith(b"%PDF") and shutil.which("pdftotext"):
        parts.append(("pdf text", _pdf_text(body)))
    return parts


@functools.lru_cache(maxsize=32)
def _pdf_text(pdf: bytes) -> bytes:
    """Each role downloads the same built file; extract its text once."""
    return subprocess.run(["pdftotext", "-q", "-", "-"], input=pdf, capture_output=True, check=False).stdout


def find_tokens(parts: Sequence[tuple[str, bytes]], tokens: Collection[str]) -> dict[str, str]:
    found: dict[str, str] = {}
    for where, data in parts:
        lowered = data.lower()
        for token in tokens:
            if token not in found and any(form in lowered for form in _encodings(token)):
                found[token] = where
    return found


def _encodings(token: str) -> tuple[bytes, ...]:
    return token.encode(), token.encode("utf-16-le"), token.encode("utf-16-be")


def _error_of(response: HttpResponseBase) -> str:
    exc_info = getattr(response, "exc_info", None)
    return repr(exc_info[1]) if exc_info else ""


def crawl(
    clients: Mapping[str, Client],
    groups: Callable[[Route], Mapping[tuple[str, ...], Sequence[Binding]]],
    queries: Callable[[Route], Sequence[str]],
    tokens: Collection[str],
    skip: Callable[[str, str], bool] = lambda role, pattern: False,
) -> CrawlResult:
    """GET every route, filled every way `groups` allows, with each query string `queries` gives ("" for none),
    as every client (but where `skip(role, pattern)` says not to); follow redirects within the site; record the
    tokens each answer holds."""
    result = CrawlResult(routes=all_routes())
    requests: list[tuple[str, str, Binding]] = []
    for route in result.routes:
        bindings = bindings_for(route, groups(route))
        if bindings is None:
            result.unfillable.append(route)
            continue
        for binding in bindings:
            url = build_url(route, binding.params)
            if route_of(url) != route.pattern:
                result.unreachable.append(url)
                continue
            for query in queries(route) or [""]:
                requests.append((f"{url}?{query}" if query else url, route.pattern, binding))
    for role, client in clients.items():
        followed: set[str] = set()
        for url, pattern, binding in requests:
            if not skip(role, pattern):
                result.answers += _fetch(client, role, url, pattern, binding, tokens, followed)
    return result


def _fetch(
    client: Client, role: str, url: str, pattern: str, binding: Binding, tokens: Collection[str], followed: set[str]
) -> list[Answer]:
    answers = []
    for _ in range(MAX_REDIRECTS + 1):
        response = client.get(url)
        location = urlsplit(response.get("Location", "")) if 300 <= response.status_code < 400 else None
        answers.append(
            Answer(
                role=role,
                url=url,
                route=pattern,
                status=response.status_code,
                location=location.path if location else "",
                found=find_tokens(response_contents(response), tokens),
                binding=binding,
                error=_error_of(response) if response.status_code >= 500 else "",
            )
        )
        if location is None or location.netloc not in ("", "testserver") or location.path in followed:
            break
        followed.add(location.path)
        url = location.path + (f"?{location.query}" if location.query else "")
        pattern, binding = route_of(url), Binding(params={})
    return answers
