"""gunicorn's threaded worker, with the clients' connections shared evenly between the worker processes.

A client that keeps its connection open (a browser, a reverse proxy's pool, a benchmark) stays with the worker that
accepted it, and which worker that is, is luck: seen here, eight connections split 2/6 between two workers, so one
core served three quarters of the requests while the other idled. Here each worker publishes how many connections
it holds in memory every worker shares (made in the master, before the fork), and
- accepts a new connection only while it holds no more than the others hold on average;
- answers with "Connection: close" while it holds more than its even share (the total over the workers, rounded
  up): that client connects again, and the connection lands on a worker with room.
So the connections even out within a request per connection, and keep-alive is kept wherever they are even. A
worker held back from accepting looks at the others' counts every RECHECK_SECONDS, since their changes do not wake
it: otherwise a new connection could wait while each worker thought another should take it.

A worker killed without running its exit (SIGKILL) leaves its count behind until a new worker starts and clears the
slots of processes that no longer exist; meanwhile the total looks higher, which only makes the workers keep more
connections, never refuse one.
"""

from __future__ import annotations

import ctypes
import math
import os
from multiprocessing.sharedctypes import RawArray
from typing import Any

from gunicorn.workers.gthread import ThreadWorker

RECHECK_SECONDS = 0.01  # how soon a worker held back from accepting looks at the others' counts again
SLOTS = 64  # workers one master may run at once; a worker's slot is its age (its spawn number) modulo this
# Made when gunicorn loads this class in the master, so every worker forked from it shares them.
_held = RawArray(ctypes.c_int, SLOTS)
_pids = RawArray(ctypes.c_int, SLOTS)


def accepts(mine: int, total: int, workers: int) -> bool:
    """Whether a worker holding `mine` of `total` connections takes another: when it holds no more than the
    others do on average."""
    return workers <= 1 or mine * (workers - 1) <= total - mine


def keeps(mine: int, total: int, workers: int) -> bool:
    """Whether a worker holding `mine` of `total` connections keeps one open after a response: while it holds no
    more than its even share."""
    return mine <= math.ceil(total / max(workers, 1))


class BalancedThreadWorker(ThreadWorker):  # type: ignore[misc]  # gunicorn has no type hints
    def init_process(self) -> None:
        self._slot = self.age % SLOTS
        _clear_departed()
        _pids[self._slot], _held[self._slot] = os.getpid(), 0
        super().init_process()

    def run(self) -> None:
        try:
            super().run()
        finally:
            _pids[self._slot], _held[self._slot] = 0, 0

    def _counts(self) -> tuple[int, int]:
        """This worker's connections and every worker's, its own published first."""
        _held[self._slot] = self.nr_conns
        return self.nr_conns, sum(held for held, pid in zip(_held, _pids, strict=True) if pid)

    def set_accept_enabled(self, enabled: bool) -> None:
        mine, total = self._counts()
        super().set_accept_enabled(enabled and accepts(mine, total, self.cfg.workers))

    def wait_for_and_dispatch_events(self, timeout: float) -> None:
        # Once a turn of the event loop: connections come and go in the other workers too.
        room = self.nr_conns < self.worker_connections
        self.set_accept_enabled(room)
        if room and not self._accepting:
            # Held back for balance: the others' counts move without waking this worker, and a connection waiting
            # while every worker thinks another should take it would wait a whole turn (up to a second).
            timeout = min(timeout, RECHECK_SECONDS)
        super().wait_for_and_dispatch_events(timeout)

    def accept(self, listener: Any) -> None:
        super().accept(listener)
        self.set_accept_enabled(self.nr_conns < self.worker_connections)

    def handle_request(self, req: Any, conn: Any) -> bool:
        mine, total = self._counts()
        if not keeps(mine, total, self.cfg.workers):
            req.must_close = True  # the response says "Connection: close", and the connection ends after it
        result: bool = super().handle_request(req, conn)
        return result


def _clear_departed() -> None:
    """Forget the counts of workers that ended without clearing their slot."""
    for slot, pid in enumerate(_pids):
        if pid and not _alive(pid):
            _pids[slot], _held[slot] = 0, 0


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
