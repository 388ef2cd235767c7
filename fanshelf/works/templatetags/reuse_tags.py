"""A work's reuse permissions and AI-use disclosure on its page, and its AI-training reservation in the head."""

from __future__ import annotations

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from fanshelf.works.models import Work
from fanshelf.works.reuse import ai_use_label, permissions_line, work_meta_tags

register = template.Library()


@register.simple_tag
def reuse_meta(work: Work) -> SafeString:
    """`<meta name="robots" content="noai, noimageai">` and `<meta name="tdm-reservation" content="1">` when the
    work reserves AI training."""
    return work_meta_tags(work)


@register.simple_tag
def work_permissions(work: Work) -> SafeString:
    """The "Permissions" and "AI use" entries of the work page's information list."""
    return format_html(
        '<dt>Permissions:</dt><dd class="permissions">{}</dd><dt>AI use:</dt><dd class="ai-use">{}</dd>',
        permissions_line(work),
        ai_use_label(work),
    )
