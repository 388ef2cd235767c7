"""A guest's work page, put together from kept parts: the site's frame (core/guest_frame.py), the memoised body
(works/page_memo.py) with the stats rendered into it, and what follows the body (the kudos box and the comments,
works/_after_body.html), rendered for this request. It is the page works/work_page.html gives a guest, without
rendering the frame's template for every request: tests/works/test_guest_page.py compares the two.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.dispatch import Signal
from django.http import HttpRequest
from django.middleware.csrf import get_token
from django.template import Context
from django.template.loader import get_template
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from fanshelf.core import guest_frame
from fanshelf.core.addresses import address
from fanshelf.works import page_parts
from fanshelf.works.blurbs import html_text
from fanshelf.works.models import Work
from fanshelf.works.page_memo import Probe, SharedBody
from fanshelf.works.reuse import work_meta_tags
from fanshelf.works.templatetags.works import kudos_line


def guest_page(request: HttpRequest, work: Work, body: SharedBody, probe: Probe) -> str:
    """The page for a guest (`guest_frame.fits`) reading a posted work whose body came from the memo, with what the
    page's probe read (the kudos counts, whether any comment was left)."""
    context = {
        **probe.frame_context(),
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


# Sent with a guest's page context (works/_after_body.html's) before what follows the body is rendered. The comments
# app, which works may not import, answers with its section as HTML when the page shows no comments, or None; either
# way it leaves the section it read in the context (as "section"), so the template need not read it again.
quiet_comments = Signal()


def _after_body(context: dict[str, Any]) -> SafeString:
    """works/_after_body.html for this guest: built in Python when the page shows no comments (most pages a guest
    opens first; through the templates this was ~0.25 ms, a sixth of a guest's first view of a work), else by the
    template. tests/works/test_guest_page.py holds the two to the same page."""
    answers = [html for _, html in quiet_comments.send(sender=Work, context=context) if html is not None]
    if answers:
        return mark_safe(_kudos_box(context) + answers[0])  # both built from escaped parts
    template = get_template("works/_after_body.html").template  # type: ignore[attr-defined]
    return SafeString(template.render(Context(context)))


def _kudos_box(context: dict[str, Any]) -> str:
    """The kudos box as works/_after_body.html gives it to a guest (who may always leave kudos)."""
    work, token = context["work"], context["csrf_token"]
    return (
        '\n<section id="kudos" class="kudos" aria-labelledby="kudos-heading">\n  <h2 id="kudos-heading">Kudos</h2>\n  '
        f'<form method="post" action="{address("community:kudos", work.pk)}"><input type="hidden"'
        f' name="csrfmiddlewaretoken" value="{token}"><input type="hidden" name="next"'
        f' value="{html_text(context["request"].path)}"><button type="submit" class="primary">Kudos ♥</button></form>\n'
        f'  <p class="kudos-summary">{kudos_line(work, context["kudos_counts"])}</p>\n  \n'
        f'  <p class="report-link"><a href="{address("moderation:report", "work", work.pk)}">Report this work</a></p>\n'
        "</section>\n\n"
    )
