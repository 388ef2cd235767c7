"""The comment section of a guest's work page that shows no comments, built in Python: what
comments/_work_comments.html gives such a page (the comment form, or why there is none), for works/guest_page.py,
which asks through its `quiet_comments` signal (works may not import comments)."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from django.urls import reverse

from fanshelf.comments.templatetags.comments_tags import comment_section
from fanshelf.core.addresses import address
from fanshelf.works.blurbs import html_text
from fanshelf.works.models import CommentPermission


def quiet_section(context: dict[str, Any]) -> str | None:
    """The section's HTML for a guest's page with no comments to show, or None for a page with some (the
    template renders those). The section read is left in the context either way."""
    section = context["section"] = comment_section(context)
    if section["threads"]:
        return None
    work, request = context["work"], context["request"]
    csrf = f'<input type="hidden" name="csrfmiddlewaretoken" value="{context["csrf_token"]}">'
    chapter, on_chapter, chapter_input = context["chapter"], "", ""
    if chapter is not None and len(context["chapters"]) > 1:
        on_chapter = f" on {html_text(chapter.heading)}"
        chapter_input = f'<input type="hidden" name="chapter" value="{chapter.pk}">'
    if section["form_fields"]:
        form_or_refusal = (
            f'\n  <form method="post" action="{address("comments:new", work.pk)}" class="comment-form" novalidate>'
            f"{csrf}\n    {chapter_input}\n    {section['form_fields']}\n"
            '    <div class="actions"><button type="submit" class="primary">Comment</button></div>\n  </form>\n  '
        )
    else:
        log_in = ""
        if work.comment_permission != CommentPermission.NOBODY:
            back = html_text(quote(request.path, safe="/"))
            log_in = f' <a href="{reverse("account_login")}?next={back}">Log in</a> to comment.'
        form_or_refusal = f'<p class="message">{html_text(section["refusal"])}{log_in}</p>'
    return (
        '\n<section id="comments" class="comments" aria-labelledby="comments-heading">\n'
        f'  <h2 id="comments-heading">Comments{on_chapter}</h2>\n  \n  {form_or_refusal}\n'
        "  <p>No comments yet.</p>\n</section>\n\n\n"
    )
