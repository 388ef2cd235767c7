from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest

from fanshelf.core import switches


def site(request: HttpRequest) -> dict[str, object]:
    """The site's name, and the switches moderators flip (read-only mode and the notice show on every page)."""
    return {"site_name": settings.SITE_NAME, "switches": switches.current()}
