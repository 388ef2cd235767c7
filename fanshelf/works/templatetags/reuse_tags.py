"""A work's AI-training reservation in its page's head (its permissions are in works/page_parts.py)."""

from __future__ import annotations

from django import template
from django.utils.safestring import SafeString

from fanshelf.works.models import Work
from fanshelf.works.reuse import work_meta_tags

register = template.Library()


@register.simple_tag
def reuse_meta(work: Work) -> SafeString:
    """`<meta name="robots" content="noai, noimageai">` and `<meta name="tdm-reservation" content="1">` when the
    work reserves AI training."""
    return work_meta_tags(work)
