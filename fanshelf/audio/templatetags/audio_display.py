"""Showing audio lengths: `{{ seconds|duration }}` gives h:mm:ss, `{{ seconds|iso_duration }}` the
machine-readable form for <time datetime> (both from fanshelf/core/durations.py)."""

from __future__ import annotations

from django import template

from fanshelf.core.durations import duration, iso_duration

register = template.Library()
register.filter("duration", duration)
register.filter("iso_duration", iso_duration)
