"""Real outside tools the suite drives (epubcheck, pdftotext, chromium).

Missing on a developer's machine: the test is skipped with the reason. Missing in CI (CI=true): the test fails,
because `make test` installs them there and a skip would hide that it did not.
"""

from __future__ import annotations

import os
import shutil

import pytest


def require_tool(command: str, how_to_install: str) -> str:
    found = shutil.which(command)
    if found is not None:
        return found
    message = f"{command} is missing: {how_to_install}"
    if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
        pytest.fail(message)
    pytest.skip(message)
