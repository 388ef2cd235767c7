"""Migrations are frozen history: they never import live app code, which may change after they were written."""

from __future__ import annotations

import ast
from pathlib import Path

import fanshelf

# Django writes a module import for a field's callable (a validator, an upload_to) and for a manager used in
# migrations; the model must keep pointing at that name, so these references are the one kind of import a
# migration may hold.
FIELD_CALLABLES = {
    "fanshelf.accounts.models.validate_time_zone",
    "fanshelf.audio.models.stored_name",
    "fanshelf.accounts.models.UserManager",
}


def _fanshelf_names_used(tree: ast.Module) -> tuple[list[str], set[str]]:
    imports: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("fanshelf"):
            imports.extend(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            imports.extend(alias.name for alias in node.names if alias.name.startswith("fanshelf"))
    dotted = {ast.unparse(node) for node in ast.walk(tree) if isinstance(node, ast.Attribute)}
    return imports, {name for name in dotted if name.startswith("fanshelf.")}


def _prefixes(name: str) -> list[str]:
    parts = name.split(".")
    return [".".join(parts[: end + 1]) for end in range(1, len(parts))]


def test_no_migration_imports_live_app_code() -> None:
    root = Path(fanshelf.__file__).parent
    offenders = []
    for path in sorted(root.glob("*/migrations/0*.py")):
        imports, used = _fanshelf_names_used(ast.parse(path.read_text()))
        modules = {name.rsplit(".", 1)[0] for name in FIELD_CALLABLES}
        for name in imports:
            if name not in modules:
                offenders.append(f"{path.relative_to(root)} imports {name}")
        # ast.walk also yields the inner parts of a dotted name (fanshelf.audio of fanshelf.audio.models.x).
        allowed = {prefix for name in FIELD_CALLABLES for prefix in _prefixes(name)}
        offenders += [f"{path.relative_to(root)} uses {name}" for name in used - allowed]
    assert not offenders, offenders
