from __future__ import annotations

from django.contrib import admin

from fanshelf.audio.models import AudioFile


@admin.register(AudioFile)
class AudioFileAdmin(admin.ModelAdmin[AudioFile]):
    list_display = ["pk", "chapter", "format", "size_bytes", "duration_seconds", "uploaded_at"]
    list_filter = ["format"]
    raw_id_fields = ["chapter"]
    readonly_fields = ["file", "format", "mime_type", "size_bytes", "duration_seconds", "uploaded_at"]
