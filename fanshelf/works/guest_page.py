"""A guest's work page, put together from kept parts: the site's frame (core/guest_frame.py), the memoised body
(works/page_memo.py) with the stats rendered into it, and what follows the body (the kudos box and the comments,
works/_after_body.html), rendered for this request. It is the page works/work_page.html gives a guest, without
rendering the frame's template for every request: tests/works/test_guest_page.py compares the two.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.middleware.csrf import get_token
from django.template import Context
from django.template.loader import get_template
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from fanshelf.core import guest_frame
from fanshelf.works import page_parts
from fanshelf.works.models import Work
from fanshelf.works.page_memo import SharedBody
from fanshelf.works.reuse import work_meta_tags


def guest_page(request: HttpRequest, work: Work, body: SharedBody) -> str:
    """The page for a guest (`guest_frame.fits`) reading a posted work whose body came from the memo."""
    context = {
        "request": request,
        "user": request.user,
        "csrf_token": get_token(request),
        "work": work,
        "chapter": body.chapter,
        "chapters": body.chapters,
        "is_creator": False,
        "is_moderator": False,
        "preview": False,
    }
    after = _after_body(context)
    content = mark_safe(  # each part is HTML the templates made (page_parts escapes what it shows)
        body.before_sharing + body.before_stats + page_parts.stats(work) + body.after_stats + "\n" + after
    )
    title = escape(f"{body.page_title} [{settings.SITE_NAME}]")
    return guest_frame.page(request, title, work_meta_tags(work), content)


def _after_body(context: dict[str, Any]) -> SafeString:
    template = get_template("works/_after_body.html").template  # type: ignore[attr-defined]
    return SafeString(template.render(Context(context)))
