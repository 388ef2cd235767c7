"""The documentation keeps up with the code: every FANSHELF_* variable is described in docs/selfhost.md.

Not a browser test; it lives here with the other checks of what a newcomer reads and sees.
"""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SELFHOST = ROOT / "docs" / "selfhost.md"
README = ROOT / "README.md"
SETTING_NAME = re.compile(r"\bFANSHELF_[A-Z][A-Z0-9_]*\b")
# Where variables are read: the application, plus the front door that runs it and its tests.
SOURCES = [ROOT / "fanshelf", ROOT / "Makefile", ROOT / "tests" / "run_passes.py", ROOT / ".ci"]
SOURCE_SUFFIXES = {".py", ".html", ".txt", ".cfg", ".toml", ""}


def _source_files() -> list[Path]:
    files: list[Path] = []
    for source in SOURCES:
        if source.is_file():
            files.append(source)
        elif source.is_dir():
            files.extend(
                path
                for path in source.rglob("*")
                if path.is_file() and path.suffix in SOURCE_SUFFIXES and "__pycache__" not in path.parts
            )
    return files


def _names_in_source() -> dict[str, Path]:
    """Each FANSHELF_* name with one file that uses it."""
    found: dict[str, Path] = {}
    for path in _source_files():
        for name in SETTING_NAME.findall(path.read_text(encoding="utf-8", errors="replace")):
            found.setdefault(name, path.relative_to(ROOT))
    return found


def _documented_names() -> set[str]:
    return set(SETTING_NAME.findall(SELFHOST.read_text(encoding="utf-8")))


def test_the_source_reads_some_fanshelf_settings() -> None:
    # Guards the scan itself: a broken pattern or path would make the next test pass vacuously.
    names = _names_in_source()
    assert {"FANSHELF_SECRET_KEY", "FANSHELF_DEBUG", "FANSHELF_HTTPS"} <= names.keys()


def test_every_fanshelf_setting_is_documented_in_selfhost_md() -> None:
    undocumented = {name: str(path) for name, path in _names_in_source().items() if name not in _documented_names()}
    assert not undocumented, f"add these to docs/selfhost.md (name: a file that reads it): {undocumented}"


def test_selfhost_md_documents_no_setting_the_code_has_dropped() -> None:
    stale = sorted(_documented_names() - _names_in_source().keys())
    assert not stale, f"docs/selfhost.md describes settings nothing reads any more: {stale}"


def test_selfhost_md_documents_database_url() -> None:
    assert "DATABASE_URL" in SELFHOST.read_text(encoding="utf-8")


def test_readme_gives_the_two_commands_and_points_to_the_settings() -> None:
    readme = README.read_text(encoding="utf-8")
    for expected in ("make run", "make test", "http://127.0.0.1:8000", "DATABASE_URL", "docs/selfhost.md"):
        assert expected in readme, f"README.md should mention {expected}"
