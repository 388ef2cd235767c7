"""What `fanshelf serve` loads before forking its workers (fanshelf/wsgi.py, gunicorn's --preload) is kept out of
the garbage collector's full collections, which walked all of it every time, in every worker; and the workers'
full collections are made rarer."""

from __future__ import annotations

from pathlib import Path

from tests.servers import environment, run_python

COUNTS = """
import gc, json
before, default = gc.get_freeze_count(), gc.get_threshold()
import fanshelf.wsgi
print(json.dumps({"before": before, "after": gc.get_freeze_count(), "collecting": gc.isenabled(),
                  "default": default, "thresholds": gc.get_threshold()}))
"""


def test_the_served_app_freezes_what_it_loaded_and_still_collects_the_rest(tmp_path: Path) -> None:
    counts = run_python(COUNTS, environment(tmp_path))
    assert counts["before"] == 0
    assert counts["after"] > 10_000  # Django's apps, URLs and the project's modules at least
    assert counts["collecting"]  # objects made later, by requests, are still collected
    young, middle, full = counts["thresholds"]
    assert [young, middle] == counts["default"][:2], "a request's garbage is looked for as often as Python does"
    assert full == 10 * counts["default"][2], "full collections, which walk every worker's memos, ten times rarer"
