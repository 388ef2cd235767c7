from __future__ import annotations

import logging
import os

from django.core.wsgi import get_wsgi_application
from django.db import DatabaseError, connections

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fanshelf.settings")
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


_preload_discovery()
