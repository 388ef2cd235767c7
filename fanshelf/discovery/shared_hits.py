"""Text hits shared by every process of an archive.

Each process keeps the hits of the common terms it reads (kept_hits.py), but reading a common term whole is the
costliest thing a search does: ~0.25 s for a word in 180,000 of a million works on SQLite, several times that on a
busy machine. Without sharing, each worker of each machine, and each worker started later, reads every common term
for itself. So the process that reads a term whole stores its hits in the database (`SharedTextHits`) with the
outbox mark they were read at (`live.text_mark`); another process starts from them, reads again only the works
named in the outbox since (`live.changed_after`), exactly as a process brings its own kept hits up to date, and
keeps the result. The readers of one term on one machine take turns (`one_reader`, a file lock), so the first reads
it and the others start from what it stored.

It is a cache: every row can be dropped at any time (`forget`), a row not usable (older than a reindex, too many
changes behind) is read again and replaced, and `FANSHELF_TEXT_SHARED_MB` bounds the rows kept, newest first.
"""

from __future__ import annotations

import fcntl
import hashlib
import logging
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import numpy as np
from django.conf import settings
from django.db import DatabaseError, transaction
from django.utils import timezone

from fanshelf.discovery.models import SharedTextHits
from fanshelf.discovery.text import TextHits

logger = logging.getLogger(__name__)
# Lock files: terms share them by their key's hash, so their number stays bounded; two terms that share one wait
# for each other only while one of them is being read.
LOCK_STRIPES = 256


def _key(terms: Sequence[str]) -> str:
    return hashlib.sha256("\x1f".join(terms).encode()).hexdigest()


@contextmanager
def one_reader(terms: Sequence[str]) -> Iterator[None]:
    """Hold the machine-wide turn to read these terms (other processes' and threads' readers of them wait). A
    var/ folder that cannot hold the lock files leaves every reader to read for itself."""
    folder = Path(settings.VAR_DIR) / "locks"
    stripe = int(_key(terms)[:8], 16) % LOCK_STRIPES
    try:
        folder.mkdir(exist_ok=True)
        held = (folder / f"text-hits-{stripe:03d}.lock").open("a+b")  # closed below, with the lock
    except OSError:
        yield
        return
    with held:
        fcntl.flock(held, fcntl.LOCK_EX)
        yield


def load(terms: Sequence[str]) -> tuple[TextHits, int] | None:
    """The hits stored for these terms and the outbox mark they were read at, or None."""
    row = SharedTextHits.objects.filter(key=_key(terms)).values_list("mark", "ids", "scores").first()
    if row is None:
        return None
    mark, ids, scores = row
    return TextHits(ids=np.frombuffer(ids, np.int64), scores=np.frombuffer(scores, np.float64)), int(mark)


def save(terms: Sequence[str], hits: TextHits, mark: int) -> None:
    """Store these hits, read with every outbox row up to `mark` in the text table, in place of any earlier ones;
    then drop the oldest rows past FANSHELF_TEXT_SHARED_MB. A database that cannot take the write (read-only,
    busy) only loses the sharing."""
    ids, scores = hits.ids.astype(np.int64).tobytes(), hits.scores.astype(np.float64).tobytes()
    if len(ids) + len(scores) > settings.FANSHELF_TEXT_SHARED_MB << 20:
        return
    fields = {"mark": mark, "ids": ids, "scores": scores, "size": len(ids) + len(scores), "read_at": timezone.now()}
    try:
        with transaction.atomic():
            SharedTextHits.objects.update_or_create(key=_key(terms), defaults=fields)
            _prune()
    except DatabaseError:
        logger.warning("discovery: could not share a term's text hits; other processes read it themselves")


def _prune() -> None:
    budget = settings.FANSHELF_TEXT_SHARED_MB << 20
    total, stale = 0, []
    for key, size in SharedTextHits.objects.order_by("-read_at").values_list("key", "size"):
        total += size
        if total > budget:
            stale.append(key)
    if stale:
        SharedTextHits.objects.filter(key__in=stale).delete()


def forget() -> None:
    """Drop every stored hit (after an account's words leave the text index: none of them stays on disk here)."""
    SharedTextHits.objects.all().delete()
