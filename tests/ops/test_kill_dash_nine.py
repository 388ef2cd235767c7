"""The server dies (kill -9 of gunicorn's whole process group) while people post works, comments and kudos: every
write the server acknowledged (a redirect after the form) is there after the restart, and the site serves again.

Hits are the exception by design: they wait in a buffer for FANSHELF_HIT_FLUSH_SECONDS (works/hits.py), so a crash
may lose the last few seconds of them, and no more (docs/deploy.md). Runs on SQLite (a file in the server's var/
folder) and on the PostgreSQL pass's database.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.servers import Server, environment, request, run_python

FLUSH_SECONDS = 1
# Each worker's flusher writes buffered hits every FLUSH_SECONDS (at least 1 s): views answered more than two
# rounds before the kill (plus a second for a slow write) were all written.
HITS_BOUND = 2 * max(FLUSH_SECONDS, 1) + 1
ENOUGH = 3  # acknowledged writes of each kind before the kill, and views older than the hits' bound

SETUP = """
import json
from django.core.management import call_command
call_command("migrate", verbosity=0)
from django.contrib.sessions.backends.db import SessionStore
from tests.factories import make_user, make_work

def session(user):
    store = SessionStore()
    store["_auth_user_id"] = str(user.pk)
    store["_auth_user_backend"] = "django.contrib.auth.backends.ModelBackend"
    store["_auth_user_hash"] = user.get_session_auth_hash()
    store.create()
    return store.session_key

author, writer = make_user("Mooringkeeper"), make_user("Nightscribe")
fans = [make_user(f"Deckhand{n}") for n in range(8)]
works = [make_work(author, title=f"Quay {n}").pk for n in range(6)]
print(json.dumps({
    "works": works,
    "writer": [session(writer), writer.default_pseud().pk],
    "fans": [[session(fan), fan.pk] for fan in fans],
}))
"""

CHECK = """
import json, os
from fanshelf.comments.models import Comment
from fanshelf.community.models import Kudos
from fanshelf.works.models import Hit, Work
acked = json.load(open(os.environ["ACKED_WRITES"]))
titles = set(Work.objects.values_list("title", flat=True))
texts = " ".join(Comment.objects.values_list("text", flat=True))
kudos = {(user, work) for user, work in Kudos.objects.values_list("user_id", "work_id")}
print(json.dumps({
    "missing_works": [title for title in acked["works"] if title not in titles],
    "missing_comments": [marker for marker in acked["comments"] if marker not in texts],
    "missing_kudos": [pair for pair in acked["kudos"] if tuple(pair) not in kudos],
    "hits": Hit.objects.count(),
}))
"""


def _work_form(pseud: int, title: str) -> dict[str, object]:
    return {
        "title": title, "pseuds": [pseud], "rating": "Not Rated", "warnings": ["No Archive Warnings Apply"],
        "fandoms": "Harbour Lights", "language": "en", "expected_chapters": "1", "intent": "post",
        "content": "Rope, tide and a lantern left burning on the pier.",
    }  # fmt: skip


class Load:
    """Writers and readers in threads, each keeping what the server acknowledged."""

    def __init__(self, port: int, data: dict[str, list]) -> None:  # type: ignore[type-arg]
        self.port, self.data = port, data
        self.done = threading.Event()
        self.works: list[str] = []
        self.comments: list[str] = []
        self.kudos: list[tuple[int, int]] = []
        self.views: list[float] = []  # when each counted page view was answered
        self.refused: list[tuple[str, int]] = []  # what was not acknowledged, to explain a failure
        self.threads = [threading.Thread(target=target) for target in (self.post, self.comment, self.cheer, self.read)]

    def _note(self, status: int, acknowledged: list, what: object) -> None:  # type: ignore[type-arg]
        if status in (302, 303):
            acknowledged.append(what)
        else:
            self.refused.append((str(what), status))

    def enough(self, before: float) -> bool:
        older_views = [answered for answered in self.views if answered < before]
        return min(len(self.works), len(self.comments), len(self.kudos), len(older_views)) >= ENOUGH

    def _loop(self, step: Callable[[int], None]) -> None:
        n = 0
        while not self.done.is_set():
            n += 1
            step(n)

    def post(self) -> None:
        session, pseud = self.data["writer"]

        def step(n: int) -> None:
            title = f"Night ferry {n} “held” 夜の渡し"
            form = _work_form(pseud, title)
            answer = request(self.port, "POST", "/works/new/", form, cookies={"sessionid": session})
            self._note(answer.status, self.works, title)

        self._loop(step)

    def comment(self) -> None:
        session, pseud = self.data["writer"]
        work = self.data["works"][0]

        def step(n: int) -> None:
            marker = f"mark-{n}-"
            form = {"pseud": pseud, "text": f"{marker} the pier light ‘stays’ 灯"}
            answer = request(self.port, "POST", f"/works/{work}/comments/new/", form, cookies={"sessionid": session})
            self._note(answer.status, self.comments, marker)

        self._loop(step)

    def cheer(self) -> None:
        pairs = [(fan, work) for fan in self.data["fans"] for work in self.data["works"]]
        for (session, user), work in pairs:
            if self.done.is_set():
                return
            answer = request(self.port, "POST", f"/works/{work}/kudos/", {}, cookies={"sessionid": session})
            self._note(answer.status, self.kudos, (user, work))
            time.sleep(0.05)

    def read(self) -> None:
        works = self.data["works"]

        def step(n: int) -> None:
            # A new browser each time: a new visitor, so each view is a hit of its own.
            agent = {"User-Agent": f"reader {n}"}
            if request(self.port, "GET", f"/works/{works[n % len(works)]}/", headers=agent).status == 200:
                self.views.append(time.monotonic())

        self._loop(step)


@pytest.mark.django_db(transaction=True)
def test_every_acknowledged_write_survives_a_kill_dash_nine_of_the_server(tmp_path: Path) -> None:
    env = environment(
        tmp_path, FANSHELF_REQUEST_RATE="off", FANSHELF_NEW_ACCOUNT_DAYS="0",
        FANSHELF_HIT_FLUSH_SECONDS=str(FLUSH_SECONDS),
    )  # fmt: skip
    data = run_python(SETUP, env)
    server = Server(env, workers=2, threads=4).start()
    load = Load(server.port, data)
    try:
        for thread in load.threads:
            thread.start()
        deadline = time.monotonic() + 60
        while not load.enough(before=time.monotonic() - HITS_BOUND) and time.monotonic() < deadline:
            time.sleep(0.1)
        killed_at = time.monotonic()
        server.kill()  # SIGKILL to gunicorn's master and every worker at once, mid-request
    finally:
        load.done.set()
        for thread in load.threads:
            thread.join(timeout=60)
        server.kill()
    assert load.enough(before=killed_at - HITS_BOUND), load.refused[:20]

    server = Server(env, workers=2, threads=4).start()
    try:
        assert request(server.port, "GET", f"/works/{data['works'][0]}/").status == 200
        acked = tmp_path / "acked.json"
        acked.write_text(json.dumps({"works": load.works, "comments": load.comments, "kudos": load.kudos}))
        found = run_python(CHECK, {**env, "ACKED_WRITES": str(acked)})
    finally:
        server.stop()
    print(  # noqa: T201 - run with -s to see how much was acknowledged
        f"acknowledged before the kill: {len(load.works)} works, {len(load.comments)} comments, "
        f"{len(load.kudos)} kudos, {len(load.views)} counted views; hits found after: {found['hits']}"
    )
    assert found["missing_works"] == []
    assert found["missing_comments"] == []
    assert found["missing_kudos"] == []
    settled = [answered for answered in load.views if answered < killed_at - HITS_BOUND]
    assert found["hits"] >= len(settled)
