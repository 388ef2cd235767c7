"""A helper process for the two-process tests: `reader` watches its own index, `writer` posts one work,
`searcher` searches for "harbour" once every process's searchers have started (a file names them) and says which
reads of the text table it made.

Run as `python -m tests.discovery.two_processes reader|writer|searcher` with DATABASE_URL naming the test database.
"""

from __future__ import annotations

import os
import sys
import time


def _say(*parts: object) -> None:
    sys.stdout.write(" ".join(str(p) for p in parts) + "\n")
    sys.stdout.flush()


def main(role: str) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fanshelf.settings")
    import django

    django.setup()
    from fanshelf.discovery.live import current_index

    if role == "searcher":
        _search()
        return
    if role == "reader":
        index = current_index()
        _say("ready", len(index))
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            index = current_index()  # no ensure_fresh: this process relies on the refresh interval alone
            if len(index):
                _say("seen", time.time(), list(index.listed))
                return
            time.sleep(0.02)
        _say("timeout")
        return
    from tests.factories import make_user, make_work

    work = make_work(make_user("Farshore"), title="Posted elsewhere")
    _say("posted", time.time(), work.pk)


def _search() -> None:
    """Search as a process that has read nothing yet, every term counted as common, and say each read: "whole" for
    a term read whole, or the works a read was limited to."""
    from django.contrib.auth.models import AnonymousUser

    from fanshelf.discovery import kept_hits, search, text
    from fanshelf.discovery.live import ensure_fresh
    from fanshelf.discovery.query import WorkQuery, with_text

    kept_hits.MANY_TEXT_HITS = 0
    read = text.search_terms
    reads: list[str] = []

    def counted(terms: list[str], among: list[int] | None = None) -> text.TextHits:
        reads.append("whole" if among is None else ",".join(str(w) for w in sorted(among)) or "none")
        return read(terms, among)

    text.search_terms = counted  # type: ignore[assignment]
    index = ensure_fresh()
    go = float(os.environ["SEARCH_AT"])  # every searcher starts at the same moment
    time.sleep(max(0.0, go - time.time()))
    found = search.execute(with_text(WorkQuery(), "harbour"), AnonymousUser(), index).work_ids
    _say("found", ",".join(str(w) for w in sorted(found)), "reads", " ".join(reads))


if __name__ == "__main__":
    main(sys.argv[1])
