"""The live server's requests one at a time when its threads share the test's database connection.

On SQLite the test database lives in one process's memory, so the live server's threads are handed the test's own
connection (Django's LiveServerThread does this for an in-memory database). A connection is not safe to use from
two threads at once: two requests served together share one transaction state, and one's savepoint or commit can
undo or expose the other's writes, so a page shown after a save may miss what was saved, now and then, under load.
Each request is served whole (its body read out and the response closed, where work after the response runs)
before the next begins. On PostgreSQL every thread has its own connection and nothing changes.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.core.servers.basehttp import ThreadedWSGIServer
from django.test.testcases import LiveServerThread

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

_one_request = threading.Lock()


def _one_at_a_time(app: WSGIApplication) -> WSGIApplication:
    def serve(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        with _one_request:
            result = app(environ, start_response)
            try:
                return list(result)
            finally:
                close = getattr(result, "close", None)
                if close is not None:
                    close()

    return serve


class OneRequestAtATimeServer(ThreadedWSGIServer):
    def set_app(self, application: WSGIApplication | None) -> None:
        if application is not None and self.connections_override:
            application = _one_at_a_time(application)
        super().set_app(application)


def serve_one_request_at_a_time() -> None:
    """Used by every live server the tests start (pytest-django's `live_server` makes a LiveServerThread)."""
    LiveServerThread.server_class = OneRequestAtATimeServer
