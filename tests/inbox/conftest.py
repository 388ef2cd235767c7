from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager

import pytest

Capture = Callable[..., AbstractContextManager[object]]


@pytest.fixture
def committed(django_capture_on_commit_callbacks: Capture) -> Callable[[], AbstractContextManager[None]]:
    """Run the on-commit callbacks: the inbox hears of postings and comments after their transactions commit."""

    @contextmanager
    def run() -> Iterator[None]:
        with django_capture_on_commit_callbacks(execute=True):
            yield

    return run
