"""calibre's command-line tools (Debian package `calibre`), run the way a reader's calibre library would read files."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from tests.tools import require_tool

HOW_TO_INSTALL = "`make test-deps` installs Debian's calibre"


def _calibre_env(tmp_path: Path) -> dict[str, str]:
    home = tmp_path / "calibre-home"
    home.mkdir(exist_ok=True)
    return {**os.environ, "HOME": str(home), "CALIBRE_CONFIG_DIRECTORY": str(home / "config")}


def ebook_meta(content: bytes, tmp_path: Path, extension: str) -> dict[str, str]:
    """What calibre's `ebook-meta` reads from the file: its printed fields ("Title", "Series"...) by name."""
    tool = require_tool("ebook-meta", HOW_TO_INSTALL)
    path = tmp_path / f"book.{extension}"
    path.write_bytes(content)
    result = subprocess.run(
        [tool, str(path)], capture_output=True, text=True, timeout=120, env=_calibre_env(tmp_path), check=True
    )
    fields: dict[str, str] = {}
    name = ""
    for line in result.stdout.splitlines():
        # Each field is printed as its name padded to 20 characters, then ": ", then the value.
        if line[20:22] == ": " and line[:20].strip():
            name = line[:20].strip()
            fields[name] = line[22:].strip()
        elif name:  # a long field (Comments) continues on the next lines
            fields[name] += "\n" + line.strip()
    return fields


def ebook_text(content: bytes, tmp_path: Path, extension: str) -> str:
    """The book's text as calibre's `ebook-convert` extracts it to plain text."""
    tool = require_tool("ebook-convert", HOW_TO_INSTALL)
    source, target = tmp_path / f"book.{extension}", tmp_path / "book.txt"
    source.write_bytes(content)
    subprocess.run(
        [tool, str(source), str(target)], capture_output=True, timeout=300, env=_calibre_env(tmp_path), check=True
    )
    return target.read_text(encoding="utf-8")
