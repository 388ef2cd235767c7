"""`{% address 'name' part ... %}`: what `{% url %}` gives for a URL whose arguments are ids and names, made from
its pattern reversed once (core/addresses.py). A guest's first view of a work page links five downloads, its
kudos, its report and comment forms and its chapters, and `{% url %}` matched each against its pattern."""

from __future__ import annotations

from django import template

from fanshelf.core import addresses

register = template.Library()


@register.simple_tag
def address(name: str, *parts: str | int) -> str:
    """Escaped where the template escapes, as `{% url %}`'s output is."""
    return addresses.address(name, *parts)
