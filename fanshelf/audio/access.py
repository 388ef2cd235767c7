"""Fetch-with-permission for audio: a file is as visible as its chapter, and its chapter as its work."""

from __future__ import annotations

from django.http import Http404, HttpRequest

from fanshelf.audio.models import AudioFile
from fanshelf.works.access import get_chapter_for_reading, get_work_for_editing, get_work_for_reading


def _audio_or_404(audio_id: int) -> AudioFile:
    audio = AudioFile.objects.select_related("chapter").filter(pk=audio_id).first()
    if audio is None:
        raise Http404("No such audio file.")
    return audio


def get_audio_for_reading(request: HttpRequest, audio_id: int) -> AudioFile:
    """The file if this reader may read its work (guests asking for a restricted one are sent to log in) and
    its chapter (a draft chapter only for the creators); otherwise 404."""
    audio = _audio_or_404(audio_id)
    work = get_work_for_reading(request, audio.chapter.work_id)
    audio.chapter = get_chapter_for_reading(request, work, audio.chapter_id)
    audio.chapter.work = work
    return audio


def get_audio_for_editing(request: HttpRequest, audio_id: int) -> AudioFile:
    """The file if the requester is one of its work's creators; anyone else gets a 404."""
    audio = _audio_or_404(audio_id)
    audio.chapter.work = get_work_for_editing(request, audio.chapter.work_id)
    return audio
