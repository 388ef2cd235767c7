"""Podfic audio files: one row per uploaded file, attached to a chapter, stored under a name the server chose."""

from __future__ import annotations

import uuid

from django.db import models

from fanshelf.audio.formats import EXTENSIONS, AudioFormat
from fanshelf.works.models import Chapter


def stored_name(instance: AudioFile, filename: str) -> str:
    """A fresh random name; the uploader's file name never reaches storage, URLs or headers."""
    return f"audio/{uuid.uuid4().hex}{EXTENSIONS[instance.format]}"


class AudioFileQuerySet(models.QuerySet["AudioFile"]):
    def of_posted_chapters(self) -> AudioFileQuerySet:
        return self.filter(chapter__posted=True)


class AudioFile(models.Model):
    chapter = models.ForeignKey(Chapter, on_delete=models.CASCADE, related_name="audio_files")
    file = models.FileField(upload_to=stored_name, max_length=255)
    format = models.CharField(max_length=8, choices=AudioFormat.choices)
    mime_type = models.CharField(max_length=32)
    size_bytes = models.PositiveBigIntegerField()
    duration_seconds = models.FloatField()
    uploaded_at = models.DateTimeField(auto_now_add=True)

    objects = AudioFileQuerySet.as_manager()

    class Meta:
        ordering = ["uploaded_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(duration_seconds__gt=0), name="audio_has_duration"),
        ]

    def __str__(self) -> str:
        return f"{self.get_format_display()} audio for chapter {self.chapter_id}"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("audio:stream", args=[self.pk])
