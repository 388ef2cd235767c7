"""bench/RESULTS.md: every benchmark run adds its section at the top, newest first, under the file's heading."""

from __future__ import annotations

from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "RESULTS.md"
HEADER = "# Discovery benchmark results\n\nNewest first. Query mix: see bench/run.py `_queries`.\n\n"


def record(section: str) -> None:
    """Print a run's section (Markdown starting with "## ") and add it at the top of RESULTS.md."""
    print(section)
    previous = RESULTS.read_text().removeprefix(HEADER) if RESULTS.exists() else ""
    RESULTS.write_text(HEADER + section.rstrip("\n") + "\n\n" + previous)
