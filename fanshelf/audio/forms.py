from __future__ import annotations

from typing import Any

from django import forms
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.http import HttpRequest
from django.template.defaultfilters import filesizeformat

from fanshelf.audio.actions import max_audio_bytes, too_large_message
from fanshelf.audio.formats import ACCEPT_ATTRIBUTE


class AudioSizeLimit(FileUploadHandler):
    """Stops taking in a file as soon as it passes the limit, so an oversized upload is never written out in
    full to a temporary file. Must be installed before anything reads request.POST (see views.upload)."""

    def __init__(self, request: HttpRequest, limit: int) -> None:
        super().__init__(request)
        self.limit = limit
        self.exceeded = False

    @classmethod
    def install(cls, request: HttpRequest) -> AudioSizeLimit:
        handler = cls(request, max_audio_bytes())
        request.upload_handlers.insert(0, handler)
        return handler

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        if start + len(raw_data) > self.limit:
            self.exceeded = True
            raise SkipFile
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None  # the next handler builds the UploadedFile


class AudioUploadForm(forms.Form):
    file = forms.FileField(
        label="Audio file",
        widget=forms.FileInput(attrs={"accept": ACCEPT_ATTRIBUTE}),
    )

    def __init__(self, *args: Any, too_large: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        limit = max_audio_bytes()
        field = self.fields["file"]
        field.help_text = f"MP3, M4A/AAC, Ogg Vorbis, Opus or FLAC, up to {filesizeformat(limit)}."
        if too_large:
            # The size limit dropped the file before the form saw it; say why instead of "required".
            field.error_messages = {**field.error_messages, "required": too_large_message(limit)}
