"""Arrows point one way (docs/architecture.md, "Which app may import which"): a lower app never imports a higher
one, and the apps at the top do not import each other except where the document names the exception."""

from __future__ import annotations

import ast
from pathlib import Path

import fanshelf

ROOT = Path(fanshelf.__file__).parent
BASE = {"core": set(), "accounts": {"core"}, "tags": {"core", "accounts"}, "works": {"core", "accounts", "tags"}}
READERS_TOOLS = ("community", "discovery", "downloads", "audio", "imports", "reading", "comments", "bookmarks")
MAY_IMPORT: dict[str, set[str]] = {**BASE, **{app: {"core", "accounts", "tags", "works"} for app in READERS_TOOLS}}
# The inbox sits above comments (reply box, comment notices); nobody imports the inbox.
MAY_IMPORT["inbox"] = {"core", "accounts", "tags", "works", "comments"}
# Moderation is at the top: it acts on everything below it, and nothing imports it.
MAY_IMPORT["moderation"] = {"core", "accounts", "tags", "works", *READERS_TOOLS, "inbox"}
# Spam scoring sits beside moderation (its own models and migrations): it scores works and comments and hides them
# through their actions; nothing imports it.
MAY_IMPORT["spam"] = {"core", "accounts", "tags", "works", "comments"}
# The account export gathers a person's data from every app below it; nobody imports exports.
MAY_IMPORT["exports"] = {
    *("core", "accounts", "tags", "works", "community", "comments", "bookmarks", "reading", "audio", "downloads"),
    *("inbox", "discovery"),
}
# The exceptions docs/architecture.md names, file by file.
EXCEPTIONS = {
    ("accounts/creator_views.py", "works"),
    ("imports/demo_archive.py", "community"),
    ("downloads/views.py", "discovery"),
    ("bookmarks/work_filters.py", "discovery"),
}


def _imported_apps(path: Path) -> set[str]:
    apps = set()
    for node in ast.walk(ast.parse(path.read_text())):
        names = [node.module or ""] if isinstance(node, ast.ImportFrom) else []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        apps |= {name.split(".")[1] for name in names if name.startswith("fanshelf.") and name.count(".") >= 1}
    return apps


def test_every_import_between_apps_points_down_the_layers() -> None:
    wrong = []
    for app, allowed in MAY_IMPORT.items():
        for path in sorted((ROOT / app).rglob("*.py")):
            relative = str(path.relative_to(ROOT))
            for other in _imported_apps(path) - allowed - {app}:
                if (relative, other) not in EXCEPTIONS:
                    wrong.append(f"{relative} imports {other}")
    assert not wrong, wrong


def test_every_app_has_a_place_in_the_layers() -> None:
    apps = {path.parent.name for path in ROOT.glob("*/apps.py")}
    assert apps <= set(MAY_IMPORT), f"give these apps a line in MAY_IMPORT: {sorted(apps - set(MAY_IMPORT))}"


def test_every_named_exception_is_still_needed() -> None:
    stale = [(path, app) for path, app in EXCEPTIONS if app not in _imported_apps(ROOT / path)]
    assert not stale, f"remove these from EXCEPTIONS and docs/architecture.md: {stale}"
