from __future__ import annotations

from django.apps import AppConfig


class CommunityConfig(AppConfig):
    name = "fanshelf.community"
    label = "community"
