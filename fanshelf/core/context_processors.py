from __future__ import annotations

import functools

from django.conf import settings
from django.core.signals import setting_changed
from django.http import HttpRequest
from django.templatetags.static import static
from django.urls import get_script_prefix, reverse

from fanshelf.core import switches


def site(request: HttpRequest) -> dict[str, object]:
    """The site's name, the switches moderators flip (read-only mode and the notice show on every page), and the
    links every page's frame shows (`frame`)."""
    return {"site_name": settings.SITE_NAME, "switches": switches.current(), "frame": frame_links(get_script_prefix())}


@functools.cache
def frame_links(script_prefix: str) -> dict[str, str]:
    """The addresses in every page's header and footer, worked out once per process (and prefix the site is
    served under) rather than reversed for every page: eleven `{% url %}` and `{% static %}` a page."""
    names = {
        "home": "home",
        "works": "discovery:works",
        "fandoms": "discovery:fandoms",
        "login": "account_login",
        "signup": "account_signup",
        "opds": "downloads:opds_root",
    }
    links = {key: reverse(name) for key, name in names.items()}
    files = {"stylesheet": "site.css", "icon": "favicon.svg", "tags_script": "tags.js"}
    return links | {key: static(f"fanshelf/{name}") for key, name in files.items()}


# A test that changes the URLs or the static files' storage gets its own addresses.
setting_changed.connect(lambda **kwargs: frame_links.cache_clear(), weak=False)
