"""The site switches moderators flip at runtime (fanshelf/moderation): read-only mode, a notice shown on every page,
guest comments, downloads, the default comment permission of new works.

Every app reads them here, the same way: one dictionary in the shared cache, so a change reaches every worker and
every app server at the next request, with no restart and no database query per request. The moderation app writes
the database row and then the cache (`publish`); a cache that lost the entry is refilled from the row. Core stays
below every app, so the row's model is looked up by name.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.cache import cache

from fanshelf.core.site_url import current_request

CACHE_KEY = "fanshelf:site-switches"
REQUEST_ATTRIBUTE = "_fanshelf_switches"  # the switches as this request first read them


@dataclass(frozen=True)
class Switches:
    read_only: bool = False
    notice: str = ""
    guest_comments: bool = True
    downloads: bool = True
    default_comment_permission: str = ""  # "" until a moderator chooses: FANSHELF_DEFAULT_COMMENT_PERMISSION
    signups: str = "open"  # open, invitation (people queue for invitations) or closed
    invitations_per_batch: int = 10
    invitation_hours: int = 24

    def comment_permission_for_new_works(self) -> str:
        """Who may comment on a new work until its creator chooses: the moderators' choice, else the server's."""
        chosen: str = self.default_comment_permission or settings.FANSHELF_DEFAULT_COMMENT_PERMISSION
        return chosen


def current() -> Switches:
    """The switches, read from the shared cache once per request: a page's parts (its frame, download links,
    comment form) then agree, and a work page asks the cache once instead of four times."""
    request = current_request()
    known: Switches | None = getattr(request, REQUEST_ATTRIBUTE, None)
    if known is not None:
        return known
    stored = cache.get(CACHE_KEY)
    if stored is None:
        stored = _from_database()
        cache.set(CACHE_KEY, stored, timeout=None)
    switches = Switches(**{name: stored[name] for name in (f.name for f in fields(Switches)) if name in stored})
    if request is not None:
        setattr(request, REQUEST_ATTRIBUTE, switches)
    return switches


def _from_database() -> dict[str, Any]:
    try:
        model = apps.get_model("moderation", "SiteSettings")
    except LookupError:  # the moderation app is not installed: nothing was switched
        return asdict(Switches())
    row = model.objects.filter(pk=1).values(*(f.name for f in fields(Switches))).first()
    return dict(row) if row else asdict(Switches())


def publish(switches: Switches) -> None:
    """Tell every process the new switches (called by the moderation app once the change is committed)."""
    cache.set(CACHE_KEY, asdict(switches), timeout=None)
    request = current_request()
    if request is not None:  # the rest of the moderator's own request sees the change too
        setattr(request, REQUEST_ATTRIBUTE, switches)
