"""Moderators see podfic files here and may remove one (through delete_audio, so the work's podfic length and the
listings follow); uploads and replacements are the creators', on the chapter's page."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from fanshelf.accounts.admin_access import ActionDeletion, ReadOnlyAccess
from fanshelf.audio.actions import delete_audio
from fanshelf.audio.models import AudioFile


@admin.register(AudioFile)
class AudioFileAdmin(ReadOnlyAccess, ActionDeletion):
    list_display = ["pk", "chapter", "format", "size_bytes", "duration_seconds", "uploaded_at"]
    list_filter = ["format"]
    list_select_related = ["chapter"]
    fields = ["chapter", "file", "format", "mime_type", "size_bytes", "duration_seconds", "uploaded_at"]

    def delete_object(self, request: HttpRequest, obj: AudioFile) -> None:
        delete_audio(obj)
