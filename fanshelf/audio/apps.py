from __future__ import annotations

from django.apps import AppConfig


class AudioConfig(AppConfig):
    name = "fanshelf.audio"
    label = "audio"
