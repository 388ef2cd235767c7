"""The security baseline of issue 2: CSRF everywhere, no writes on GET, CSP without inline script, a clean
deploy check with secure cookies in production, SQLite in WAL mode, and the usual protective headers."""

from __future__ import annotations

import json
import os
import re
import secrets
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from fanshelf.accounts.models import User
from fanshelf.community.models import Kudos
from fanshelf.tags.models import Tag
from fanshelf.works.actions import ChapterFields, add_chapter
from fanshelf.works.models import Chapter, Work, WorkChange
from fanshelf.works.reading import ADULT_SESSION_KEY
from tests.factories import make_work

PROJECT_DIR = Path(__file__).resolve().parent.parent
FANDOM = "Saltmarsh Tales"

# Every route of the site must refuse an unsafe request without a CSRF token, except Django's admin (which
# enforces CSRF itself, behind a login page) and a token-authenticated API.
UNCHECKED_NAMESPACES = {"admin", "api"}
# The one-click unsubscribe link in emails: its signed token is the credential, and mail programs' one-click POST
# (RFC 8058) carries no CSRF token. Without a valid token it changes nothing (checked below).
SIGNED_TOKEN_ROUTES = {"/inbox/unsubscribe/stand-in/"}


def iter_routes(
    patterns: list[URLPattern | URLResolver] | None = None, namespace: str = "", prefix: str = ""
) -> Iterator[tuple[str, str, dict[str, str]]]:
    """(namespace, view name, {argument: converter}) for every named route, walking included URL confs."""
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(entry, URLResolver):
            inner = entry.namespace or namespace
            yield from iter_routes(entry.url_patterns, inner, prefix + str(entry.pattern))
        elif entry.name:
            found = re.findall(r"<(?:(\w+):)?(\w+)>", prefix + str(entry.pattern))
            yield namespace, entry.name, {argument: converter or "str" for converter, argument in found}


def path_of(namespace: str, name: str, converters: dict[str, str], known: dict[str, object]) -> str:
    """The route's address, with known objects' ids where the route names them and a stand-in elsewhere."""
    stand_ins = {"int": 999_999, "slug": "stand-in", "uuid": "00000000-0000-0000-0000-000000000000"}
    kwargs = {arg: known.get(arg, stand_ins.get(converter, "stand-in")) for arg, converter in converters.items()}
    return reverse(f"{namespace}:{name}" if namespace else name, kwargs=kwargs)


@dataclass
class Site:
    """A posted two-chapter work, a draft, and values for any route's placeholders."""

    work: Work
    draft: Work
    arguments: dict[str, object]


@pytest.fixture
def site(author: User) -> Site:
    work = make_work(
        author, title="Guarded Lantern", fandoms=[FANDOM], chapters=["First chapter text here.", "Second chapter."]
    )
    first_chapter = work.chapters.order_by("position").first()
    assert first_chapter is not None
    arguments: dict[str, object] = {
        "work_id": work.pk,
        "chapter_id": first_chapter.pk,
        "decision": "approve",
        "tag_name": FANDOM,
        "username": author.username,
        "pseud": author.username,
    }
    return Site(work=work, draft=make_work(author, title="Unfinished Lantern", post=False), arguments=arguments)


def snapshot() -> dict[str, object]:
    """What a forged or GET request must not change (hits are the one thing reading may record)."""
    return {
        "works": list(Work.objects.order_by("pk").values_list("pk", "title", "posted", "hidden_by_moderator")),
        "chapters": list(Chapter.objects.order_by("pk").values_list("pk", "work_id", "position", "posted", "content")),
        "kudos": Kudos.objects.count(),
        "tags": Tag.objects.count(),
        "changes": WorkChange.objects.count(),
        "users": list(User.objects.order_by("pk").values_list("pk", "username", "skip_adult_gate", "is_active")),
    }


def routes_to_check(arguments: dict[str, object]) -> list[str]:
    paths = []
    for namespace, name, converters in iter_routes():
        if namespace not in UNCHECKED_NAMESPACES:
            paths.append(path_of(namespace, name, converters, arguments))
    return sorted(set(paths))


def test_the_route_walk_finds_the_routes_that_change_things(site: Site) -> None:
    paths = routes_to_check(site.arguments)
    work = site.work
    for expected in (
        reverse("community:kudos", args=[work.pk]),
        reverse("works:new"),
        reverse("works:delete", args=[work.pk]),
        reverse("works:chapters_manage", args=[work.pk]),
        reverse("account_login"),
        reverse("account_logout"),
    ):
        assert expected in paths


def test_every_unsafe_request_without_a_csrf_token_is_refused(author: User, site: Site) -> None:
    forger = Client(enforce_csrf_checks=True)
    forger.force_login(author)
    before = snapshot()
    accepted = []
    for path in routes_to_check(site.arguments):
        for method, response in (
            ("POST", forger.post(path, {"intent": "post", "title": "Forged"})),
            ("DELETE", forger.delete(path)),
        ):
            if path in SIGNED_TOKEN_ROUTES:
                assert response.status_code in (404, 405), f"{method} {path} with a forged token"
            elif response.status_code != 403:
                accepted.append(f"{method} {path} -> {response.status_code}")
    assert accepted == []
    assert snapshot() == before


def test_a_request_with_the_csrf_token_is_accepted(reader: User, site: Site) -> None:
    work = site.work
    client = Client(enforce_csrf_checks=True)
    client.force_login(reader)
    client.get(work.get_absolute_url())
    token = client.cookies[settings.CSRF_COOKIE_NAME].value
    response = client.post(reverse("community:kudos", args=[work.pk]), {"csrfmiddlewaretoken": token})
    assert response.status_code == 302
    assert Kudos.objects.filter(work=work, user=reader).exists()


def test_no_get_request_to_a_works_or_community_route_changes_anything(author_client: Client, site: Site) -> None:
    arguments = dict(site.arguments)
    before = snapshot()
    for work in (site.work, site.draft):
        arguments["work_id"] = work.pk
        arguments["chapter_id"] = work.chapters.values_list("pk", flat=True).first()
        for namespace, name, converters in iter_routes():
            if namespace not in {"works", "community"}:
                continue
            path = path_of(namespace, name, converters, arguments)
            response = author_client.get(path, {"intent": "post", "title": "Changed by GET", "position_1": "2"})
            assert response.status_code < 500, path
    assert snapshot() == before


def test_kudos_by_get_is_not_allowed_and_leaves_no_kudos(reader_client: Client, site: Site) -> None:
    response = reader_client.get(reverse("community:kudos", args=[site.work.pk]))
    assert response.status_code == 405
    assert not Kudos.objects.exists()


def test_posting_and_deleting_by_get_only_ask_or_refuse(author_client: Client, site: Site) -> None:
    work, draft = site.work, site.draft
    draft_chapter = add_chapter(work, ChapterFields(content="A draft chapter waiting its turn."), post=False)

    assert author_client.get(reverse("works:post", args=[draft.pk])).status_code == 405
    assert author_client.get(reverse("works:chapter_post", args=[work.pk, draft_chapter.pk])).status_code == 405
    confirm_work = author_client.get(reverse("works:delete", args=[work.pk]))
    assert confirm_work.status_code == 200
    assert "Yes, delete work" in confirm_work.content.decode()
    confirm_chapter = author_client.get(reverse("works:chapter_delete", args=[work.pk, draft_chapter.pk]))
    assert confirm_chapter.status_code == 200
    assert "Yes, delete chapter" in confirm_chapter.content.decode()

    draft.refresh_from_db()
    draft_chapter.refresh_from_db()
    assert not draft.posted
    assert not draft_chapter.posted
    assert Work.objects.filter(pk=work.pk).exists()
    assert Chapter.objects.filter(pk=draft_chapter.pk).exists()


def test_the_adult_gate_is_not_passed_by_get(author: User, client: Client) -> None:
    work = make_work(author, rating="Explicit")
    assert client.get(reverse("works:confirm_adult", args=[work.pk])).status_code == 405
    assert ADULT_SESSION_KEY not in client.session
    assert "This work could have adult content" in client.get(work.get_absolute_url()).content.decode()


def test_logging_out_takes_a_post(reader_client: Client) -> None:
    reader_client.get(reverse("account_logout"))
    assert reader_client.get(reverse("works:drafts")).status_code == 200


# --- Content Security Policy and headers ---------------------------------------------------------------------


def pages_to_check(author: User) -> list[str]:
    work = make_work(author, fandoms=[FANDOM])
    return [
        reverse("home"),
        reverse("discovery:works"),
        work.get_absolute_url(),
        reverse("discovery:tag_works", args=[FANDOM]),
        reverse("account_login"),
        reverse("works:new"),
    ]


def test_every_page_sends_a_csp_without_inline_script(author: User, author_client: Client, client: Client) -> None:
    for path in pages_to_check(author):
        response = (client if path == reverse("account_login") else author_client).get(path)
        assert response.status_code == 200, path
        policy = response.get("Content-Security-Policy", "")
        directives = {part.split()[0]: part.split()[1:] for part in policy.split(";") if part.strip()}
        assert directives.get("script-src") == ["'self'"], path
        assert directives.get("object-src") == ["'none'"], path
        assert directives.get("frame-ancestors") == ["'none'"], path
        assert "'unsafe-inline'" not in policy, path
        assert "'unsafe-eval'" not in policy, path


def test_every_page_sends_the_protective_headers(author: User, author_client: Client, client: Client) -> None:
    for path in pages_to_check(author):
        response = (client if path == reverse("account_login") else author_client).get(path)
        assert response.status_code == 200, path
        assert response.get("X-Content-Type-Options") == "nosniff", path
        assert response.get("X-Frame-Options") == "DENY", path
        assert response.get("Referrer-Policy"), path


TEMPLATE_FILES = sorted(
    path
    for pattern in ("*.html", "*.xhtml", "*.txt")
    for path in (PROJECT_DIR / "fanshelf").rglob(pattern)
    if "templates" in path.parts
)
INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc\s*=)[^>]*>", re.IGNORECASE)
STYLE_ATTRIBUTE = re.compile(r"<[a-z][^>]*\sstyle\s*=", re.IGNORECASE)
EVENT_HANDLER = re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.IGNORECASE)
STYLE_ELEMENT = re.compile(r"<style\b", re.IGNORECASE)


def test_there_are_templates_to_scan() -> None:
    assert len(TEMPLATE_FILES) > 10


@pytest.mark.parametrize("template", TEMPLATE_FILES, ids=lambda p: str(p.relative_to(PROJECT_DIR)))
def test_templates_hold_no_inline_script_style_attributes_or_event_handlers(template: Path) -> None:
    source = template.read_text()
    assert INLINE_SCRIPT.findall(source) == []
    assert STYLE_ATTRIBUTE.findall(source) == []
    assert EVENT_HANDLER.findall(source) == []
    # Downloaded files are read offline, outside the site's CSP, and carry their stylesheet inside them.
    if "downloads" not in template.parts:
        assert STYLE_ELEMENT.findall(source) == []


# --- Production settings -------------------------------------------------------------------------------------


def production_environment(var_dir: Path) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("FANSHELF_")}
    env.pop("DATABASE_URL", None)
    env.update(
        FANSHELF_DEBUG="0",
        FANSHELF_HTTPS="1",
        FANSHELF_SECRET_KEY=secrets.token_urlsafe(48),
        FANSHELF_ALLOWED_HOSTS="archive.example.org",
        FANSHELF_VAR_DIR=str(var_dir),
        DJANGO_SETTINGS_MODULE="fanshelf.settings",
    )
    return env


def manage(var_dir: Path, *arguments: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(PROJECT_DIR / "manage.py"), *arguments],
        env=production_environment(var_dir),
        cwd=PROJECT_DIR,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


PRODUCTION_REPORT = """
import json
from django.conf import settings
from django.db import connection
with connection.cursor() as cursor:
    cursor.execute("PRAGMA journal_mode")
    journal_mode = cursor.fetchone()[0]
    cursor.execute("PRAGMA busy_timeout")
    busy_timeout = cursor.fetchone()[0]
    cursor.execute("PRAGMA mmap_size")
    mmap_size = cursor.fetchone()[0]
print(json.dumps({
    "debug": settings.DEBUG,
    "session_cookie_secure": settings.SESSION_COOKIE_SECURE,
    "csrf_cookie_secure": settings.CSRF_COOKIE_SECURE,
    "session_cookie_httponly": settings.SESSION_COOKIE_HTTPONLY,
    "ssl_redirect": settings.SECURE_SSL_REDIRECT,
    "hsts_seconds": settings.SECURE_HSTS_SECONDS,
    "journal_mode": journal_mode,
    "busy_timeout_ms": busy_timeout,
    "mmap_bytes": mmap_size,
}))
"""


@dataclass(frozen=True)
class ProductionReport:
    """Settings and database pragmas as a production process sees them."""

    debug: bool
    session_cookie_secure: bool
    csrf_cookie_secure: bool
    session_cookie_httponly: bool
    ssl_redirect: bool
    hsts_seconds: int
    journal_mode: str
    busy_timeout_ms: int
    mmap_bytes: int


@pytest.fixture(scope="module")
def production(tmp_path_factory: pytest.TempPathFactory) -> ProductionReport:
    """Read from a fresh process with production settings and a fresh database file."""
    result = manage(tmp_path_factory.mktemp("var"), "shell", "--no-imports", "-c", PRODUCTION_REPORT)
    assert result.returncode == 0, result.stderr
    return ProductionReport(**json.loads(result.stdout.strip().splitlines()[-1]))


def test_the_deploy_check_passes_with_production_settings(tmp_path: Path) -> None:
    result = manage(tmp_path, "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_cookies_are_secure_and_https_is_enforced(production: ProductionReport) -> None:
    assert production.debug is False
    assert production.session_cookie_secure is True
    assert production.csrf_cookie_secure is True
    assert production.session_cookie_httponly is True
    assert production.ssl_redirect is True
    assert production.hsts_seconds >= 31_536_000


def test_sqlite_runs_in_wal_mode_with_a_busy_timeout_and_reads_through_a_memory_map(
    production: ProductionReport,
) -> None:
    if connection.vendor != "sqlite":
        pytest.skip("journal mode, busy timeout and memory map are SQLite settings; this pass runs on PostgreSQL")
    assert production.journal_mode == "wal"
    assert production.busy_timeout_ms >= 5000
    assert production.mmap_bytes == 2000 * 2**20  # FANSHELF_SQLITE_MMAP_MB's default


def test_guest_hits_behind_a_trusted_proxy_count_each_forwarded_address(settings: Any, author: User) -> None:
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    work = make_work(author)
    for address in ("203.0.113.7", "203.0.113.8", "203.0.113.8"):
        Client(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=address).get(f"/works/{work.pk}/")
    work.refresh_from_db()
    assert work.hit_count == 2


def test_a_request_for_another_host_gets_a_400_page_not_a_server_error(db: None) -> None:
    """Django refuses a Host header outside ALLOWED_HOSTS before authentication runs; the 400 page still renders."""
    from django.test import Client

    response = Client(raise_request_exception=False, HTTP_HOST="evil.example").get("/")
    assert response.status_code == 400


@pytest.mark.django_db
def test_the_policy_follows_its_setting(client: Client, settings: Any) -> None:
    """The header is built once, and again when the setting changes (a new media host, say)."""
    assert "audio.example.org" not in client.get("/works/")["Content-Security-Policy"]
    directives = settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]
    settings.CONTENT_SECURITY_POLICY = {
        "DIRECTIVES": {**directives, "media-src": ["'self'", "https://audio.example.org"]}
    }
    policy = client.get("/works/")["Content-Security-Policy"]
    assert "media-src 'self' https://audio.example.org" in policy
    assert "script-src 'self'" in policy
