"""Clients that keep their connections open are shared evenly between `fanshelf serve`'s workers
(fanshelf/core/balanced_worker.py): without that, which worker holds a connection is luck, and one core can serve
most of the requests while the other idles."""

from __future__ import annotations

import http.client
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from fanshelf.core.balanced_worker import accepts, keeps
from tests.servers import ROOT, Server, environment

CONNECTIONS = 8


def test_a_worker_takes_connections_while_it_holds_no_more_than_the_others() -> None:
    assert accepts(mine=3, total=6, workers=2)
    assert not accepts(mine=4, total=6, workers=2)
    assert accepts(mine=0, total=7, workers=2)
    assert accepts(mine=9, total=9, workers=1)  # one worker takes every connection
    assert accepts(mine=2, total=7, workers=3)
    assert not accepts(mine=3, total=7, workers=3)


def test_a_worker_keeps_a_connection_open_up_to_its_even_share() -> None:
    assert keeps(mine=4, total=8, workers=2)
    assert not keeps(mine=5, total=8, workers=2)
    assert keeps(mine=5, total=9, workers=2)  # the share rounds up: nobody closes over one connection
    assert keeps(mine=30, total=30, workers=1)


def _held_by(pid: int, port: int) -> int:
    """How many established connections to `port` the process holds (its sockets, found in /proc/net/tcp)."""
    inodes = set()
    for link in Path(f"/proc/{pid}/fd").iterdir():
        target = link.readlink().name if link.is_symlink() else ""
        if target.startswith("socket:["):
            inodes.add(target[len("socket:[") : -1])
    held = 0
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        local_port, state, inode = int(fields[1].rsplit(":", 1)[1], 16), fields[3], fields[9]
        held += local_port == port and state == "01" and inode in inodes
    return held


def _workers_of(master: int) -> list[int]:
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    return sorted(int(child) for child in children)


@pytest.mark.skipif(sys.platform != "linux", reason="counts sockets through /proc")
def test_connections_kept_open_end_up_even_between_the_workers(tmp_path: Path) -> None:
    """Eight clients opened one after another, each sending requests on its kept-open connection: whichever worker
    took them first, within a few requests each worker holds four (a client told "Connection: close" connects
    again, as browsers and proxies do)."""
    # Connections idle for a second are closed: a new connection left waiting while each worker thought another
    # should take it (up to a second, before RECHECK_SECONDS) let the first clients' connections lapse meanwhile.
    env = environment(tmp_path) | {"GUNICORN_CMD_ARGS": "--keep-alive 1"}
    migrate = [sys.executable, "-m", "fanshelf.cli", "migrate", "-v0"]
    subprocess.run(migrate, cwd=ROOT, env=env, check=True, capture_output=True, timeout=180)
    server = Server(env, workers=2, threads=4).start()
    try:
        for _ in range(2):  # a second set of clients after the first left: luck alone rarely evens out both
            _even_after_a_few_requests(server)
    finally:
        server.stop()


def _even_after_a_few_requests(server: Server) -> None:
    clients = [http.client.HTTPConnection("127.0.0.1", server.port, timeout=30) for _ in range(CONNECTIONS)]
    try:
        answers: Counter[str] = Counter()
        for _ in range(6):
            for client in clients:  # http.client connects again by itself after a "Connection: close"
                client.request("GET", "/healthz")
                response = client.getresponse()
                response.read()
                answers[f"{response.status} {response.getheader('Connection', 'keep-alive')}"] += 1
        assert server.process is not None
        held = [_held_by(worker, server.port) for worker in _workers_of(server.process.pid)]
        assert held == [CONNECTIONS // 2, CONNECTIONS // 2], answers
        assert answers["200 keep-alive"] > answers["200 close"], "connections are kept open where they are even"
        assert sum(answers.values()) == answers["200 keep-alive"] + answers["200 close"]
    finally:
        for client in clients:
            client.close()
