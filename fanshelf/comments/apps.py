from __future__ import annotations

from django.apps import AppConfig


class CommentsConfig(AppConfig):
    name = "fanshelf.comments"
    label = "comments"
