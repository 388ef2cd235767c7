"""The browser tests' live server serves one request at a time when its threads share the test's SQLite
connection (tests/live_server_threads.py): requests sent together never overlap, work done as the response
closes included, and each still gets its own whole answer."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

from tests.live_server_threads import _one_at_a_time


class _Answer:
    """A response body whose closing does work (as a page's post-response writes do), noting overlaps."""

    def __init__(self, log: list[str], name: str) -> None:
        self.log, self.name = log, name

    def __iter__(self) -> Iterator[bytes]:
        self.log.append(f"{self.name} body")
        time.sleep(0.02)
        yield self.name.encode()

    def close(self) -> None:
        time.sleep(0.02)
        self.log.append(f"{self.name} closed")


def _ignore_start(status: str, headers: list[tuple[str, str]], exc_info: Any = None, /) -> Callable[[bytes], object]:
    return lambda data: None


def test_requests_sent_together_are_served_whole_one_after_another() -> None:
    log: list[str] = []

    def app(environ: dict[str, Any], start_response: Any) -> _Answer:
        log.append(f"{environ['name']} start")
        start_response("200 OK", [])
        return _Answer(log, environ["name"])

    served = _one_at_a_time(app)
    bodies: dict[str, list[bytes]] = {}

    def request(name: str) -> None:
        bodies[name] = list(served({"name": name}, _ignore_start))

    threads = [threading.Thread(target=request, args=(f"r{n}",)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert bodies == {f"r{n}": [f"r{n}".encode()] for n in range(4)}
    # Each request's start, body and closing come together, never interleaved with another's.
    for start in range(0, len(log), 3):
        name = log[start].split()[0]
        assert log[start : start + 3] == [f"{name} start", f"{name} body", f"{name} closed"], log
