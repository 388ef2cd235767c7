"""AZW3 and MOBI, the Kindle formats, made from a work's EPUB by calibre's `ebook-convert` when it is installed.

calibre is a large optional dependency (Debian package `calibre`), so these formats are offered only where the
tool is found. A conversion runs in its own process group in a scratch folder, with calibre's configuration kept
there too, and is killed whole when it runs past FANSHELF_EBOOK_CONVERT_SECONDS.
"""

from __future__ import annotations

import functools
import logging
import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from django.conf import settings

logger = logging.getLogger(__name__)

# The command run; tests point it at stand-ins to play a missing, failing or slow calibre.
EBOOK_CONVERT = "ebook-convert"
_ERROR_TAIL = 2000  # characters of calibre's error output kept in the log


class ConversionFailed(Exception):
    """calibre is missing, failed on the file, or ran out of time."""


def ebook_convert_path() -> str | None:
    """Where the command is: looked up once per command and PATH (every work page asks, to offer the formats), so a
    calibre installed while the server runs is offered after a restart."""
    return _which(EBOOK_CONVERT, os.environ.get("PATH", os.defpath))


@functools.lru_cache(maxsize=8)
def _which(command: str, path: str) -> str | None:
    return shutil.which(command, path=path)


def can_convert() -> bool:
    return ebook_convert_path() is not None


def convert_epub(epub: bytes, extension: str) -> bytes:
    """The EPUB `epub` converted to the format named by `extension` ("azw3" or "mobi")."""
    tool = ebook_convert_path()
    if tool is None:
        raise ConversionFailed("calibre's ebook-convert is not installed.")
    timeout = settings.FANSHELF_EBOOK_CONVERT_SECONDS
    with tempfile.TemporaryDirectory(prefix="fanshelf-convert-") as folder:
        source, target = Path(folder) / "book.epub", Path(folder) / f"book.{extension}"
        source.write_bytes(epub)
        # calibre writes its settings and caches under HOME; the server's user may have no usable home, and
        # concurrent conversions must not share state.
        env = {**os.environ, "HOME": folder, "CALIBRE_CONFIG_DIRECTORY": f"{folder}/config", "CALIBRE_TEMP_DIR": folder}
        env["QT_QPA_PLATFORM"] = "offscreen"  # no display on a server
        # S603: the command is calibre's, found on PATH; the arguments are our own scratch paths, with no shell.
        process = subprocess.Popen(  # noqa: S603
            [tool, str(source), str(target)],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            env=env,
            start_new_session=True,  # its own process group, so a timeout kills any helper it started too
        )
        try:
            _, errors = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.communicate()
            logger.warning("ebook-convert to %s took longer than %s s and was stopped", extension, timeout)
            raise ConversionFailed(f"The conversion took longer than {timeout} seconds.") from None
        if process.returncode != 0 or not target.is_file():
            tail = errors.decode(errors="replace")[-_ERROR_TAIL:]
            logger.warning("ebook-convert to %s failed (exit %s): %s", extension, process.returncode, tail)
            raise ConversionFailed(f"calibre could not make the {extension.upper()} file.")
        return target.read_bytes()
