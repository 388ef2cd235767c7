"""gunicorn's access log (`fanshelf serve`), each line written without building every atom first.

gunicorn's own logger makes a dictionary of every atom a format could name for every request (each request and
response header, each WSGI environ entry, lowercased and escaped), then formats the line: ~3 % of a worker's CPU
in mixed traffic. For the one format `fanshelf serve` writes, gunicorn's default (the combined log format), this
logger writes the same line from the few values it shows, escaped as gunicorn escapes them; any other format
(`--access-logformat`) goes through gunicorn's own code.
"""

from __future__ import annotations

import datetime
import traceback
from typing import Any

from gunicorn import glogging
from gunicorn.config import AccessLogFormat

COMBINED = AccessLogFormat.default


def _quoted(value: Any) -> str:
    return str(value).replace('"', '\\"')


class AccessLogger(glogging.Logger):  # type: ignore[misc]  # gunicorn has no types
    def access(self, resp: Any, req: Any, environ: dict[str, Any], request_time: datetime.timedelta) -> None:
        if self.cfg.access_log_format != COMBINED:
            super().access(resp, req, environ, request_time)
            return
        if not self.access_log_enabled:
            return
        try:
            status = resp.status.split(None, 1)[0] if isinstance(resp.status, str) else resp.status
            sent = getattr(resp, "sent", None)
            request = f"{environ['REQUEST_METHOD']} {environ['RAW_URI']} {environ['SERVER_PROTOCOL']}"
            self.access_log.info(
                '%s - %s %s "%s" %s %s "%s" "%s"',
                _quoted(environ.get("REMOTE_ADDR", "-")),
                _quoted(self._get_user(environ) or "-"),
                self.now(),
                _quoted(request),
                _quoted(status),
                sent if sent is not None and str(sent) else "-",
                _quoted(environ.get("HTTP_REFERER", "-")),
                _quoted(environ.get("HTTP_USER_AGENT", "-")),
            )
        except Exception:
            self.error(traceback.format_exc())
