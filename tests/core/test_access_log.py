"""`fanshelf serve`'s access log (core/access_log.py): the very line gunicorn's own logger writes, for requests an
operator would grep for, quotes, basic-auth users and all."""

from __future__ import annotations

import base64
import datetime
import io
import logging
from types import SimpleNamespace
from typing import Any

import pytest
from gunicorn import glogging
from gunicorn.config import Config

from fanshelf.core.access_log import AccessLogger


def _line(logger_class: type[glogging.Logger], environ: dict[str, Any], response: Any, log_format: str = "") -> str:
    config = Config()
    config.set("accesslog", "-")
    if log_format:
        config.set("access_log_format", log_format)
    logger = logger_class(config)
    written = io.StringIO()
    logger.access_log.handlers = [logging.StreamHandler(written)]
    logger.now = lambda: "[05/Dec/2026:06:40:00 +0000]"  # the same moment for both loggers
    request = SimpleNamespace(headers=[("HOST", "archive.example")])
    logger.access(response, request, environ, datetime.timedelta(microseconds=1500))
    return written.getvalue()


def _environ(**extra: str) -> dict[str, Any]:
    return {
        "REQUEST_METHOD": "GET",
        "RAW_URI": "/works/?q=%E7%81%AF%E5%8F%B0",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "192.0.2.7",
        "PATH_INFO": "/works/",
        "QUERY_STRING": "q=%E7%81%AF%E5%8F%B0",
        **extra,
    }


@pytest.mark.parametrize(
    ("environ", "response"),
    [
        (_environ(), SimpleNamespace(status="200 OK", sent=5120, headers=[("Content-Type", "text/html")])),
        (
            _environ(
                HTTP_USER_AGENT='Reader "Lantern" 1.0 ✦ אהבה',
                HTTP_REFERER='https://elsewhere.example/"quoted"',
                HTTP_AUTHORIZATION="Basic " + base64.b64encode(b"tansy:secret").decode(),
                REQUEST_METHOD="POST",
            ),
            SimpleNamespace(status="403 Forbidden", sent=0, headers=[]),
        ),
        (_environ(REMOTE_ADDR=""), SimpleNamespace(status=302, sent=None, headers=[])),
    ],
)
def test_each_line_is_the_one_gunicorn_writes(environ: dict[str, Any], response: Any) -> None:
    ours = _line(AccessLogger, environ, response)
    assert ours
    assert ours == _line(glogging.Logger, environ, response)


def test_another_format_is_written_by_gunicorn_itself() -> None:
    response = SimpleNamespace(status="200 OK", sent=12, headers=[("Content-Type", "text/html")])
    ours = _line(AccessLogger, _environ(), response, log_format="%(m)s %(U)s %(M)s ms %({content-type}o)s")
    assert ours == "GET /works/ 1 ms text/html\n"
