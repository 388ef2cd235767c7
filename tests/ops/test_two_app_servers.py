"""docs/deploy.md, "Several machines", followed on one machine: two app servers (`fanshelf serve`, each with its own
var/ folder and the media folder shared), one PostgreSQL database, Redis for the cache, the limits and the hit
buffer, and a `fanshelf worker` for the task queue: the database backend (shared through PostgreSQL), then RQ (a
Redis database of its own).

What a person would notice: a work posted through one server is listed by the other within the refresh interval;
a tag renamed by another process shows on both; a sign-in on one is valid on the other; failed sign-ins and the
request limit count the same on both; the EPUB build a posting queues is done by the worker.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
import redis
from django_tasks_db.models import DBTaskResult

from tests.factories import PASSWORD
from tests.servers import (
    REDIS_URL,
    TASK_REDIS_URL,
    Server,
    Worker,
    environment,
    log_in,
    postgres_url,
    redis_answers,
    request,
    run_python,
)  # fmt: skip

REFRESH_SECONDS = 1.0
REQUEST_RATE = 20  # per hour and address: low, so that the test reaches it
USERS = """
import json
from tests.factories import make_user
writer = make_user("Harbourwright")
make_user("Lockbox")
print(json.dumps({"pseud": writer.default_pseud().pk}))
"""
RENAMED = "Harbour Lights ⚓ 港の灯 אורות"
RENAME = f"""
import json
from fanshelf.tags.actions import rename_tag
from fanshelf.tags.models import Tag
from tests.factories import make_user
rename_tag(Tag.objects.get(name="Harbour Lights"), "{RENAMED}", by=make_user("Tidewarden", is_staff=True))
print(json.dumps({{}}))
"""


def _skip_without_postgresql_and_redis() -> None:
    reason = ""
    if postgres_url() is None:
        reason = "needs PostgreSQL shared by both servers (run with DATABASE_URL=postgres://...)"
    elif not redis_answers():
        reason = f"needs Redis at {REDIS_URL}"
    if reason:
        print(f"SKIPPED two app servers: {reason}")  # noqa: T201 - says why in the run's output too
        pytest.skip(reason)


def _machine(tmp_path: Path, name: str) -> Path:
    """A machine's own var/ folder, with the media folder every machine shares (an NFS mount, say) linked in."""
    shared = tmp_path / "shared-media"
    shared.mkdir(exist_ok=True)
    var = tmp_path / name
    var.mkdir()
    (var / "media").symlink_to(shared)
    return var


def _work_form(pseud: int, title: str) -> dict[str, object]:
    return {
        "title": title, "pseuds": [pseud], "rating": "Not Rated", "warnings": ["No Archive Warnings Apply"],
        "fandoms": "Harbour Lights", "language": "en", "expected_chapters": "1", "intent": "post",
        "content": "The ferry crossed twice before the lights came on along the quay.",
    }  # fmt: skip


def _from(address: str) -> dict[str, str]:
    return {"X-Forwarded-For": address}  # as the reverse proxy in front of both servers sends it


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("task_backend", ["database", "rq"])
def test_two_app_servers_share_listings_sign_ins_limits_and_the_task_queue(tmp_path: Path, task_backend: str) -> None:
    _skip_without_postgresql_and_redis()
    for url in (REDIS_URL, TASK_REDIS_URL):
        redis.Redis.from_url(url).flushdb()
    shared = {
        "FANSHELF_CACHE_URL": REDIS_URL, "FANSHELF_TRUSTED_PROXY_COUNT": "1",
        "FANSHELF_DISCOVERY_REFRESH_SECONDS": str(REFRESH_SECONDS), "FANSHELF_REQUEST_RATE": f"{REQUEST_RATE}/1h",
        "FANSHELF_LOGIN_RATE": "3/1m", "FANSHELF_TASK_BACKEND": task_backend, "FANSHELF_TASK_REDIS_URL": TASK_REDIS_URL,
    }  # fmt: skip
    worker_env = environment(_machine(tmp_path, "worker"), **shared)
    # Made with the servers' settings (the test run's hash passwords with a faster hasher the servers do not know).
    pseud = run_python(USERS, worker_env)["pseud"]
    worker = Worker(worker_env)
    one = Server(environment(_machine(tmp_path, "one"), **shared), threads=2)
    two = Server(environment(_machine(tmp_path, "two"), **shared), threads=2)
    try:
        for server in (one.launch(), two.launch()):
            server.wait_until_ready()

        # Signed in through one server, recognised by the other.
        signed_in = log_in(one.port, "Harbourwright", PASSWORD, address="198.51.100.1")
        assert signed_in.status == 302, signed_in.body[signed_in.body.find("<main") :][:1500]
        session = {"sessionid": signed_in.cookies["sessionid"]}
        inbox = request(two.port, "GET", "/inbox/", cookies=session, headers=_from("198.51.100.1"))
        assert inbox.status == 200
        assert "Harbourwright" in inbox.body

        # Posted through one server, listed by the other once the refresh interval has passed: whichever of its
        # workers answers (each has its own index, built here before the posting).
        for n in range(4):
            assert request(two.port, "GET", "/works/", headers=_from(f"198.51.100.{n + 10}")).status == 200
        title = "Ferry lights “after rain” 渡し船の灯"
        form = _work_form(pseud, title)
        posted = request(one.port, "POST", "/works/new/", form, cookies=session, headers=_from("198.51.100.1"))
        assert posted.status == 302, posted.body[:2000]
        time.sleep(REFRESH_SECONDS + 0.1)
        for n in range(6):  # each from its own address, so that watching does not reach the request limit
            listing = request(two.port, "GET", "/works/", headers=_from(f"198.51.100.{n + 20}"))
            assert title in listing.body

        # A tag renamed by another process shows on both servers' pages once they have read the change, though
        # every worker has read the tag already (works/blurb_data.py keeps tags by id).
        run_python(RENAME, worker_env)
        time.sleep(REFRESH_SECONDS + 0.1)
        for n in range(6):
            listing = request((one, two)[n % 2].port, "GET", "/works/", headers=_from(f"198.51.100.{n + 30}"))
            assert f">{RENAMED}</a>" in listing.body
            assert ">Harbour Lights</a>" not in listing.body

        # The request limit counts both servers' requests together.
        address = _from("203.0.113.50")
        statuses = [request((one, two)[n % 2].port, "GET", "/works/", headers=address).status for n in range(20)]
        assert statuses == [200] * REQUEST_RATE
        for server in (two, one):
            refused = request(server.port, "GET", "/works/", headers=address)
            assert refused.status == 429
            assert int(refused.headers["retry-after"]) > 0

        # Failed sign-ins count together: three wrong passwords over both servers lock the account name for now.
        for server in (one, two, one):
            assert log_in(server.port, "Lockbox", "wrong", address="198.51.100.77").status == 200
        assert log_in(two.port, "Lockbox", PASSWORD, address="198.51.100.78").status == 429

        # The EPUB build the posting queued was done by the worker, into the media folder every machine shares.
        deadline, built = time.monotonic() + 30, list[Path]()
        while not built and time.monotonic() < deadline:
            built = list((tmp_path / "shared-media").glob("downloads/*/*.epub"))
            time.sleep(0.2)
        assert built, list(DBTaskResult.objects.values("task_path", "status", "traceback"))
        if task_backend == "database":
            assert DBTaskResult.objects.filter(task_path__endswith="build_download", status="SUCCESSFUL").exists()
    finally:
        for process in (one, two, worker):
            process.stop()
