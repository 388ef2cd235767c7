"""Stored bytes follow their rows: when an AudioFile row goes (deleted itself, or with its chapter or work),
its file is removed from storage once the transaction commits, so a rollback never leaves a row without bytes."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models.signals import post_delete
from django.dispatch import receiver

from fanshelf.audio.models import AudioFile


@receiver(post_delete, sender=AudioFile, dispatch_uid="audio_file_bytes_follow_row")
def delete_stored_bytes(sender: type[AudioFile], instance: AudioFile, **kwargs: Any) -> None:
    name, storage = instance.file.name, instance.file.storage
    if name:
        transaction.on_commit(lambda: storage.delete(name))
