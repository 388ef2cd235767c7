"""Discovery tests build their own index; the shared one is reset around each test so none leaks between them."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from fanshelf.discovery.live import reset_shared_index


@pytest.fixture(autouse=True)
def _fresh_shared_index(settings: object) -> Iterator[None]:
    settings.DISCOVERY_REFRESH_SECONDS = 0  # type: ignore[attr-defined]
    reset_shared_index()
    yield
    reset_shared_index()
