from __future__ import annotations

import gc
import logging
import os

from django.core.wsgi import get_wsgi_application
from django.db import DatabaseError, connections

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fanshelf.settings")
FULL_COLLECTION_EVERY = 100  # collections of the middle generation before a full one (Python's default: 10)
application = get_wsgi_application()


def _preload_discovery() -> None:
    """Build the discovery index in the master process, so gunicorn's preloaded workers share its memory
    (copy-on-write), then close the database connections it used: a connection must never cross a fork.

    A database that cannot be read yet (not migrated, not reachable) does not stop the server: each worker then
    builds its own index on its first listing, and the warning says so.
    """
    from fanshelf.discovery.live import preload

    try:
        preload()
    except DatabaseError:
        logging.getLogger(__name__).warning(
            "discovery: could not build the index before forking; each worker will build its own", exc_info=True
        )
    finally:
        connections.close_all()


def _freeze_startup_objects() -> None:
    """Put what the master made before forking (Django's apps, URLs and templates, the index's tag names) beyond
    the garbage collector's reach, where it stays all the process's life anyway. A full collection walks every
    object it tracks: ~0.18 s each in one process holding a listing's caches, charged to whichever request was
    running, and writing to each object walked copied the pages the workers share into each worker. Under
    gunicorn at a million works, runs alternated (bench/RESULTS.md, 2026-12-04 19:00): new visitors' pages 1.2x
    and first-view listings 1.1x more per server CPU second, each worker ~8 MB less of its own memory.

    A worker still makes memos that live as long (blurbs, links, compiled statements, kept hits): each full
    collection walked them again, 30 to 90 ms with every thread of the worker stopped, about every two seconds
    under load, and found little to free there. They are made ten times rarer (the third threshold, 10 by default,
    is how many collections of the middle generation come before a full one): the young generations, where a
    request's cyclic garbage is found, are collected as often as before."""
    gc.collect()
    gc.freeze()
    young, middle, _ = gc.get_threshold()
    gc.set_threshold(young, middle, FULL_COLLECTION_EVERY)


_preload_discovery()
_freeze_startup_objects()
