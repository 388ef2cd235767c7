"""Real app servers for tests: `fanshelf serve` (gunicorn) and `fanshelf worker` in their own process groups, and
plain HTTP to them, as a reverse proxy or a browser would send it.

Each server gets its own FANSHELF_VAR_DIR (as each machine has its own disk) and the database of the test run: on
PostgreSQL the test database itself, on SQLite a file in the var folder given.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from django.db import connection

ROOT = Path(__file__).resolve().parents[1]
CSRF = "serverstestcsrftoken0123456789ab"  # 32 characters: Django accepts the cookie's secret as the form token
SECRET_KEY = "servers-test-secret-" + "k" * 40  # one key for every server, so a session is valid on each
REDIS_URL = "redis://127.0.0.1:6379/14"  # a Redis database of its own (tests/works/test_hit_buffer.py uses 15)
TASK_REDIS_URL = "redis://127.0.0.1:6379/12"  # the RQ task queue's, apart from the cache's


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def postgres_url() -> str | None:
    """The test run's PostgreSQL database as a DATABASE_URL, or None on SQLite."""
    if connection.vendor != "postgresql":
        return None
    settings = connection.settings_dict
    return (
        f"postgres://{settings['USER']}:{settings['PASSWORD'] or ''}@{settings['HOST']}:{settings['PORT']}"
        f"/{settings['NAME']}"
    )


def redis_answers(url: str = REDIS_URL) -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(url, socket_connect_timeout=1).ping())
    except (redis.RedisError, OSError):
        return False


def environment(var_dir: Path, **settings: str) -> dict[str, str]:
    """The environment of a server, a worker or a setup script: this process's, without its FANSHELF_* and
    DATABASE_URL, plus the given settings. DEBUG serves static files without a collectstatic manifest; it does not
    change how requests are answered."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("FANSHELF_", "DJANGO_", "PROMETHEUS_")) and key != "DATABASE_URL"
    }
    env.update(
        DJANGO_SETTINGS_MODULE="fanshelf.settings", FANSHELF_VAR_DIR=str(var_dir), FANSHELF_DEBUG="true",
        FANSHELF_SECRET_KEY=SECRET_KEY, FANSHELF_LOG_LEVEL="ERROR",
    )  # fmt: skip
    url = postgres_url()
    if url is not None:
        env["DATABASE_URL"] = url
    env.update(settings)
    return env


def run_python(code: str, env: Mapping[str, str]) -> Any:
    """Run a script with Django set up in the given environment; returns the JSON of its last printed line."""
    script = "import django\ndjango.setup()\n" + code
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=dict(env), capture_output=True, text=True, timeout=120,
        check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: str = field(repr=False)
    cookies: dict[str, str] = field(default_factory=dict)


def request(
    port: int,
    method: str,
    path: str,
    form: Mapping[str, Any] | None = None,
    *,
    cookies: Mapping[str, str] | None = None,
    headers: Mapping[str, str] | None = None,
    timeout: float = 30,
) -> Answer:
    """One request on a fresh connection. A form is sent with a CSRF token that matches the cookie sent with it. A
    connection refused or cut (a server being killed) is status 0, never an exception."""
    jar = {"csrftoken": CSRF, **(cookies or {})}
    sent = {"User-Agent": "servers test", "Cookie": "; ".join(f"{k}={v}" for k, v in jar.items()), **(headers or {})}
    body = None
    if form is not None:
        body = urlencode({**form, "csrfmiddlewaretoken": CSRF}, doseq=True).encode()
        sent["Content-Type"] = "application/x-www-form-urlencoded"
    client = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        client.request(method, path, body=body, headers=sent)
        response = client.getresponse()
        text = response.read().decode(errors="replace")
    except (OSError, http.client.HTTPException) as error:
        return Answer(0, {}, repr(error))
    finally:
        client.close()
    received: dict[str, str] = {}
    for header in response.headers.get_all("Set-Cookie") or []:
        received.update({name: morsel.value for name, morsel in SimpleCookie(header).items()})
    return Answer(response.status, {k.lower(): v for k, v in response.getheaders()}, text, received)


def log_in(port: int, login: str, password: str, address: str = "") -> Answer:
    """Sign in through the site's form; the answer's cookies hold the session on success (a 302)."""
    headers = {"X-Forwarded-For": address} if address else {}
    return request(port, "POST", "/accounts/login/", {"login": login, "password": password}, headers=headers)


class Server:
    """`fanshelf serve` on a free port, in its own process group so that stopping it stops every worker."""

    def __init__(self, env: Mapping[str, str], workers: int = 2, threads: int = 4) -> None:
        self.env, self.workers, self.threads = dict(env), workers, threads
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None

    def start(self, timeout: float = 90) -> Server:
        return self.launch().wait_until_ready(timeout)

    def launch(self) -> Server:
        """Start the server without waiting for it: several servers then start side by side."""
        self.process = subprocess.Popen(
            [sys.executable, "-m", "fanshelf.cli", "serve", "--bind", f"127.0.0.1:{self.port}",
             "--workers", str(self.workers), "--threads", str(self.threads)],
            cwd=ROOT, env=self.env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True,
        )  # fmt: skip
        return self

    def wait_until_ready(self, timeout: float = 90) -> Server:
        assert self.process is not None
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if request(self.port, "GET", "/healthz", timeout=5).status == 200:
                return self
            if self.process.poll() is not None:
                raise AssertionError(f"the server stopped: {self.process.stderr.read().decode()[-3000:]}")  # type: ignore[union-attr]
            time.sleep(0.1)
        raise AssertionError("the server did not answer /healthz in time")

    def kill(self, signal_number: int = signal.SIGKILL) -> None:
        """Send a signal to the whole process group (gunicorn's master and its workers) and wait for the master."""
        if self.process is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal_number)
        self.process.wait(timeout=30)
        self.process = None

    def stop(self) -> None:
        self.kill(signal.SIGTERM)


class Worker:
    """`fanshelf worker` (the database queue's worker, or RQ's with FANSHELF_TASK_BACKEND=rq), in its own process
    group."""

    def __init__(self, env: Mapping[str, str]) -> None:
        quick = [] if env.get("FANSHELF_TASK_BACKEND") == "rq" else ["--interval", "0.2", "--no-startup-delay"]
        self.process = subprocess.Popen(
            [sys.executable, "-m", "fanshelf.cli", "worker", *quick],
            cwd=ROOT, env=dict(env), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True,
        )  # fmt: skip

    def stop(self) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGTERM)
        self.process.wait(timeout=30)
