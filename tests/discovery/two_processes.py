"""A helper process for the two-process test: `reader` watches its own index, `writer` posts one work.

Run as `python -m tests.discovery.two_processes reader|writer` with DATABASE_URL naming the test database.
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


if __name__ == "__main__":
    main(sys.argv[1])
