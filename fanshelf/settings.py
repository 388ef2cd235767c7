"""Fanshelf settings: one file, driven by FANSHELF_* variables and DATABASE_URL (see docs/selfhost.md)."""

from __future__ import annotations

import ipaddress
import secrets
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from fanshelf.core.env import env_bool, env_int, env_list, env_str
from fanshelf.core.limits import parse_rate

BASE_DIR = Path(__file__).resolve().parent
VAR_DIR = Path(env_str("FANSHELF_VAR_DIR", str(BASE_DIR.parent / "var"))).resolve()
VAR_DIR.mkdir(parents=True, exist_ok=True)


def _secret_key() -> str:
    configured = env_str("FANSHELF_SECRET_KEY")
    if configured:
        return configured
    # A local install keeps a generated key in var/ so sessions survive restarts.
    key_file = VAR_DIR / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = env_bool("FANSHELF_DEBUG", False)
HTTPS = env_bool("FANSHELF_HTTPS", False)
ALLOWED_HOSTS = env_list("FANSHELF_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("FANSHELF_CSRF_TRUSTED_ORIGINS")
SITE_NAME = env_str("FANSHELF_SITE_NAME", "Fanshelf")
# Empty: each request links to the address it came to, and the CLI to where `fanshelf serve` last served
# (fanshelf/core/site_url.py).
SITE_URL = env_str("FANSHELF_SITE_URL").strip().rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "csp",
    "django_tasks",
    "django_tasks_db",
    "fanshelf.core",
    "fanshelf.accounts",
    "fanshelf.tags",
    "fanshelf.works",
    "fanshelf.community",
    "fanshelf.comments",
    "fanshelf.reading",
    "fanshelf.bookmarks",
    "fanshelf.discovery",
    "fanshelf.downloads",
    "fanshelf.audio",
    "fanshelf.imports",
    "fanshelf.inbox",
    "fanshelf.moderation",
    "fanshelf.spam",
    "fanshelf.exports",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Below whitenoise (static files are not counted), above everything else, so every answer is counted and timed.
    "fanshelf.core.metrics.RequestMetricsMiddleware",
    # Below whitenoise, which serves static files already compressed; above everything that writes a body.
    "fanshelf.core.compression.CompressionMiddleware",
    # Lets feeds, downloads and emails built during a request link to the address the reader used.
    "fanshelf.core.site_url.CurrentRequestMiddleware",
    # Keeps a POST's client network where spam scoring, run inside the posting actions, can count it.
    "fanshelf.spam.middleware.PostingAddressMiddleware",
    # Outside the session middleware, so a lock timeout while saving a session is a 503 too.
    "fanshelf.core.middleware.DatabaseBusyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # After authentication, so its 429 page has the site's layout; below whitenoise, so static files never count.
    "fanshelf.core.middleware.RequestRateMiddleware",
    # After authentication, so a moderator can still reach the switch that turns it off.
    "fanshelf.core.middleware.ReadOnlyMiddleware",
    # Before anything reads the body (CSRF does), and after authentication, so its 413 page has the site's layout.
    "fanshelf.core.middleware.RequestBodyLimitMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "fanshelf.core.middleware.ContentSecurityPolicyMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "fanshelf.accounts.middleware.UserTimezoneMiddleware",
    "fanshelf.core.middleware.LoginNeededMiddleware",
    # A NUL in the path or query string is a 400 before any view looks a name up with it.
    "fanshelf.core.numbers.RefuseNulMiddleware",
]

ROOT_URLCONF = "fanshelf.urls"
WSGI_APPLICATION = "fanshelf.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "fanshelf.core.context_processors.site",
                "fanshelf.accounts.context_processors.moderator",
                "fanshelf.inbox.context_processors.unread",
                "fanshelf.tags.context_processors.wrangler",
            ],
        },
    }
]

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'fanshelf.sqlite3'}",
        conn_max_age=env_int("FANSHELF_DB_CONN_MAX_AGE", 60),
    )
}
# How long a write waits for another writer's lock before the request gets a 503 with Retry-After
# (core.middleware.DatabaseBusyMiddleware). Writes are short, as text is cleaned before any transaction opens.
FANSHELF_DB_LOCK_TIMEOUT = env_int("FANSHELF_DB_LOCK_TIMEOUT", 5, minimum=1)
# SQLite reads the first this many MiB of the database through a memory map, straight from the system's page cache,
# instead of copying each page into every connection's own cache: ~15 % less CPU a statement (bench/RESULTS.md).
FANSHELF_SQLITE_MMAP_MB = env_int("FANSHELF_SQLITE_MMAP_MB", 2000, minimum=0)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers run while one writer writes; IMMEDIATE avoids lock upgrades failing mid-transaction.
    # Connections are kept between requests as PostgreSQL's are: opening one (and reading the schema, and
    # starting with a cold page cache) cost ~2.4 ms of CPU, a third of a guest's work page.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": FANSHELF_DB_LOCK_TIMEOUT,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
        f"PRAGMA busy_timeout={FANSHELF_DB_LOCK_TIMEOUT * 1000}; PRAGMA mmap_size={FANSHELF_SQLITE_MMAP_MB * 2**20};",
    }
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    _pg_options = DATABASES["default"].setdefault("OPTIONS", {})
    _lock_timeout = f"-c lock_timeout={FANSHELF_DB_LOCK_TIMEOUT * 1000}"
    _pg_options["options"] = f"{_pg_options.get('options', '')} {_lock_timeout}".strip()
    # Statements a connection has run twice are prepared on the server, which then plans them once (a guest's first
    # view of a work: 3.9 -> 3.0 ms at a million works). Off for a pooler that cannot keep prepared statements.
    if env_bool("FANSHELF_DB_PREPARED_STATEMENTS", True):
        _pg_options.setdefault("server_side_binding", True)
        _pg_options.setdefault("prepare_threshold", 2)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Rate-limit counters must be shared by every worker: Redis when configured, else files under var/.
_cache_url = FANSHELF_CACHE_URL = env_str("FANSHELF_CACHE_URL")
# Hits wait this long in a buffer (Redis when FANSHELF_CACHE_URL names one, else the process) before being written
# in one batch (works/hits.py); 0 writes each hit after its page has gone out.
FANSHELF_HIT_FLUSH_SECONDS = env_int("FANSHELF_HIT_FLUSH_SECONDS", 2)
# Work page bodies kept per process, for guests and signed-in readers (works/page_memo.py); 0 renders every page.
FANSHELF_WORK_PAGE_MEMO = env_int("FANSHELF_WORK_PAGE_MEMO", 512, minimum=0)
# Megabytes of listing blurbs each process keeps rendered (discovery/listing.py); 0 renders every blurb.
FANSHELF_BLURB_MEMO_MB = env_int("FANSHELF_BLURB_MEMO_MB", 40, minimum=0)
# Megabytes of text search hits each process keeps for terms that match many works (discovery/kept_hits.py).
FANSHELF_TEXT_MEMO_MB = env_int("FANSHELF_TEXT_MEMO_MB", 48, minimum=0)
# Megabytes of such hits kept in the database for every process to start from (discovery/shared_hits.py).
FANSHELF_TEXT_SHARED_MB = env_int("FANSHELF_TEXT_SHARED_MB", 128, minimum=0)
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": _cache_url}
        if _cache_url
        else {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache", "LOCATION": str(VAR_DIR / "cache")}
    )
}

AUTH_USER_MODEL = "accounts.User"
# Django's and allauth's, each reading the signed-in user by a compiled statement (accounts/backends.py).
AUTHENTICATION_BACKENDS = [
    "fanshelf.accounts.backends.PasswordBackend",
    "fanshelf.accounts.backends.AccountBackend",
]
# Django's sessions in the database, read by a compiled statement (accounts/sessions.py).
SESSION_ENGINE = "fanshelf.accounts.sessions"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
ACCOUNT_LOGOUT_REDIRECT_URL = "home"

ACCOUNT_LOGIN_METHODS = {"username", "email"}
ACCOUNT_SIGNUP_FIELDS = ["username*", "email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_USERNAME_MIN_LENGTH = 3
# Orphaned works are credited to this account (fanshelf/works/orphaning.py); nobody may sign up or rename to it.
ACCOUNT_USERNAME_BLACKLIST = ["orphan_account"]
ACCOUNT_PRESERVE_USERNAME_CASING = True
ACCOUNT_ADAPTER = "fanshelf.accounts.adapter.AccountAdapter"
# Failed sign-ins through any door (site, admin, password reset, OPDS, tokens) share this limit, per client address
# and per account name (fanshelf/accounts/limits.py); allauth's own login counters would count the site alone, and
# count successful logins too, so they are off. Guests may leave kudos this often from one address.
# Every request but static files, per client address; "off" for none (benchmarks from one address, say).
_request_rate = env_str("FANSHELF_REQUEST_RATE", "300/5m")
FANSHELF_REQUEST_RATE = None if _request_rate == "off" else parse_rate(_request_rate, "FANSHELF_REQUEST_RATE")
FANSHELF_LOGIN_RATE = parse_rate(env_str("FANSHELF_LOGIN_RATE", "5/20s"), "FANSHELF_LOGIN_RATE")
FANSHELF_GUEST_KUDOS_RATE = parse_rate(env_str("FANSHELF_GUEST_KUDOS_RATE", "30/1h"), "FANSHELF_GUEST_KUDOS_RATE")
# Signed-in readers may leave kudos this often; accounts made from one address, and invitation requests from one
# address, are limited too (fanshelf/accounts/invitation_views.py, docs/signups.md).
FANSHELF_KUDOS_RATE = parse_rate(env_str("FANSHELF_KUDOS_RATE", "60/1h"), "FANSHELF_KUDOS_RATE")
FANSHELF_SIGNUP_RATE = parse_rate(env_str("FANSHELF_SIGNUP_RATE", "5/1h"), "FANSHELF_SIGNUP_RATE")
FANSHELF_INVITATION_REQUEST_RATE = parse_rate(
    env_str("FANSHELF_INVITATION_REQUEST_RATE", "3/1h"), "FANSHELF_INVITATION_REQUEST_RATE"
)
# Reports filed from one client address (moderation/report_views.py), guests and signed-in people alike.
FANSHELF_REPORT_RATE = parse_rate(env_str("FANSHELF_REPORT_RATE", "10/1h"), "FANSHELF_REPORT_RATE")
# Who may comment on a new work until its creator chooses: anyone, registered or nobody (works.models).
FANSHELF_DEFAULT_COMMENT_PERMISSION = env_str("FANSHELF_DEFAULT_COMMENT_PERMISSION", "registered").strip().lower()
if FANSHELF_DEFAULT_COMMENT_PERMISSION not in {"anyone", "registered", "nobody"}:
    raise ImproperlyConfigured("FANSHELF_DEFAULT_COMMENT_PERMISSION must be anyone, registered or nobody")
# A draft is deleted this many days after it was started, its creators warned a week before (works/drafts.py);
# 0 keeps drafts forever.
FANSHELF_DRAFT_DAYS = env_int("FANSHELF_DRAFT_DAYS", 30)
# Accounts younger than this share the guests' comment limit (FANSHELF_GUEST_COMMENT_RATE), against spam accounts.
FANSHELF_NEW_ACCOUNT_DAYS = env_int("FANSHELF_NEW_ACCOUNT_DAYS", 7)
FANSHELF_GUEST_COMMENT_RATE = parse_rate(env_str("FANSHELF_GUEST_COMMENT_RATE", "3/15m"), "FANSHELF_GUEST_COMMENT_RATE")
# New works and comments scoring this much or more are hidden pending a moderator's review; 0 turns scoring off
# (docs/spam.md).
FANSHELF_SPAM_THRESHOLD = env_int("FANSHELF_SPAM_THRESHOLD", 10)
# Behind a reverse proxy, the client address is the Nth from the right of X-Forwarded-For.
ALLAUTH_TRUSTED_PROXY_COUNT = env_int("FANSHELF_TRUSTED_PROXY_COUNT", 0)
ACCOUNT_RATE_LIMITS = {"login": "", "login_failed": ""}

EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend"
    if env_str("FANSHELF_EMAIL_HOST")
    else "django.core.mail.backends.console.EmailBackend"
)
EMAIL_HOST = env_str("FANSHELF_EMAIL_HOST")
EMAIL_PORT = env_int("FANSHELF_EMAIL_PORT", 587)
EMAIL_HOST_USER = env_str("FANSHELF_EMAIL_USER")
EMAIL_HOST_PASSWORD = env_str("FANSHELF_EMAIL_PASSWORD")
EMAIL_USE_TLS = env_bool("FANSHELF_EMAIL_TLS", True)
DEFAULT_FROM_EMAIL = env_str("FANSHELF_EMAIL_FROM", "Fanshelf <noreply@localhost>")

LANGUAGE_CODE = "en"
# The archive's pages are written in English only. With Django's full list, LocaleMiddleware took a browser's
# language for the words Django supplies (months, form errors), and a page part memoised for that reader (a blurb's
# "03 Déc 2026") then reached every other reader of it. With one language it had nothing left to choose (and cost
# ~40 µs a request), so it is not in MIDDLEWARE: every request is in LANGUAGE_CODE.
LANGUAGES = [("en", "English")]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]  # the site-wide stylesheet lives beside settings, not in an app
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
MEDIA_ROOT = VAR_DIR / "media"
MEDIA_URL = "/media/"

# Immediate by default (work runs in the request); "database" queues it for `fanshelf worker`.
_TASK_BACKENDS = {
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
    "database": "django_tasks_db.DatabaseBackend",
    "rq": "django_tasks_rq.RQBackend",
}
_task_backend = env_str("FANSHELF_TASK_BACKEND", "immediate")
if _task_backend not in _TASK_BACKENDS:
    raise ImproperlyConfigured(
        f"FANSHELF_TASK_BACKEND must be one of {', '.join(_TASK_BACKENDS)}, not {_task_backend!r}"
    )
TASKS = {"default": {"BACKEND": _TASK_BACKENDS[_task_backend]}}
# "rq": the queue is a Redis list and `fanshelf worker` runs RQ's worker. A Redis database of its own, not the cache's:
# clearing a cache empties its whole database.
FANSHELF_TASK_REDIS_URL = env_str("FANSHELF_TASK_REDIS_URL")
if _task_backend == "rq":
    if not FANSHELF_TASK_REDIS_URL.startswith(("redis://", "rediss://", "unix://")):
        raise ImproperlyConfigured(
            "FANSHELF_TASK_BACKEND=rq needs FANSHELF_TASK_REDIS_URL, a Redis URL such as redis://127.0.0.1:6379/2"
        )
    if FANSHELF_TASK_REDIS_URL == FANSHELF_CACHE_URL:
        raise ImproperlyConfigured("FANSHELF_TASK_REDIS_URL must name another Redis database than FANSHELF_CACHE_URL")
    INSTALLED_APPS += ["django_rq", "django_tasks_rq"]
    RQ_QUEUES = {"default": {"URL": FANSHELF_TASK_REDIS_URL}}

# /metrics (fanshelf/core/metrics.py): each process counts into files here, and any worker adds them up. A folder
# of this machine's own (not shared between machines), emptied when the app server starts.
FANSHELF_METRICS_DIR = Path(env_str("FANSHELF_METRICS_DIR", str(VAR_DIR / "metrics"))).resolve()
# Who may read /metrics: client addresses or networks (behind FANSHELF_TRUSTED_PROXY_COUNT proxies, the forwarded
# address); everyone else gets a 404.
FANSHELF_METRICS_ALLOW = env_list("FANSHELF_METRICS_ALLOW", ["127.0.0.1", "::1"])
for _network in FANSHELF_METRICS_ALLOW:
    try:
        ipaddress.ip_network(_network, strict=False)
    except ValueError:
        raise ImproperlyConfigured(
            f"FANSHELF_METRICS_ALLOW must list addresses or networks such as 127.0.0.1 or 10.0.0.0/8, not {_network!r}"
        ) from None

# How stale a listing may be: each process applies the outbox to its discovery index at most this often (seconds).
_refresh = env_str("FANSHELF_DISCOVERY_REFRESH_SECONDS") or "1.0"
try:
    DISCOVERY_REFRESH_SECONDS = float(_refresh)
except ValueError:
    raise ImproperlyConfigured(
        f"FANSHELF_DISCOVERY_REFRESH_SECONDS must be a number of seconds such as 1 or 0.5, not {_refresh!r}"
    ) from None
if not 0 <= DISCOVERY_REFRESH_SECONDS <= 3600:
    raise ImproperlyConfigured(
        f"FANSHELF_DISCOVERY_REFRESH_SECONDS must be between 0 and 3600, not {DISCOVERY_REFRESH_SECONDS}"
    )
# Count changes alone (hits, kudos, comment and bookmark counts) reach listings in one batch at most this often
# (seconds), so memoised listing pages survive a busy archive's hits; 0 applies them at once like any change.
FANSHELF_STATS_REFRESH_SECONDS = env_int("FANSHELF_STATS_REFRESH_SECONDS", 5)

# Security baseline: the deploy check passes when FANSHELF_HTTPS is on.
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = HTTPS and env_bool("FANSHELF_SSL_REDIRECT", True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if HTTPS else None
SECURE_HSTS_SECONDS = env_int("FANSHELF_HSTS_SECONDS", 31536000 if HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "https:", "http:", "data:"],
        "media-src": ["'self'", *env_list("FANSHELF_MEDIA_HOSTS")],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}

# Archive limits (PRODUCT.md "Limits worth knowing").
FANSHELF_MEDIA_HOSTS = env_list("FANSHELF_MEDIA_HOSTS")
FANSHELF_WORKS_PER_PAGE = env_int("FANSHELF_WORKS_PER_PAGE", 20, minimum=1)
FANSHELF_MAX_UPLOAD_BYTES = env_int("FANSHELF_MAX_UPLOAD_BYTES", 5 * 1024 * 1024, minimum=1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = FANSHELF_MAX_UPLOAD_BYTES + 1024 * 1024
# Text longer than a few thousand characters is cleaned in a separate process, refused past this many seconds
# (fanshelf/core/sanitize.py says which inputs are slow); a real 510,000-character chapter takes about 0.1 s.
FANSHELF_SANITIZE_SECONDS = env_int("FANSHELF_SANITIZE_SECONDS", 1, minimum=1)
FANSHELF_MAX_AUDIO_BYTES = env_int("FANSHELF_MAX_AUDIO_BYTES", 500 * 1024 * 1024, minimum=1024)
# How long calibre may take to turn a work's EPUB into AZW3 or MOBI before the reader is told to try later.
FANSHELF_EBOOK_CONVERT_SECONDS = env_int("FANSHELF_EBOOK_CONVERT_SECONDS", 120, minimum=1)
# With nginx in front: the internal location that serves audio files after Django's permission check.
FANSHELF_AUDIO_ACCEL_REDIRECT = env_str("FANSHELF_AUDIO_ACCEL_REDIRECT", "")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("FANSHELF_LOG_LEVEL", "WARNING")},
}
