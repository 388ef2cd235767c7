"""Reading the links allauth emails, as a person clicking them would."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from django.core.mail import EmailMessage

_LINK = re.compile(r"https?://\S+")


def link_path(message: EmailMessage) -> str:
    """The path of the one link in an email's text."""
    links = _LINK.findall(str(message.body))
    assert len(links) == 1, links
    return urlsplit(str(links[0])).path
