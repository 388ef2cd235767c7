from __future__ import annotations

import pytest
from django.core.cache import cache

from fanshelf.accounts.models import User
from fanshelf.works.models import Work
from tests.factories import make_work


@pytest.fixture
def open_work(author: User) -> Work:
    """A posted work anyone may comment on, guests included."""
    return make_work(author, comment_permission="anyone")


@pytest.fixture(autouse=True)
def _fresh_limits() -> None:
    """Guest comments are counted per address in the cache, and every test client shares one address."""
    cache.clear()
