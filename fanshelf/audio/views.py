"""Thin views: access helper, form, one action, redirect or render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_safe

from fanshelf.audio import actions
from fanshelf.audio.access import get_audio_for_editing, get_audio_for_reading
from fanshelf.audio.forms import AudioSizeLimit, AudioUploadForm
from fanshelf.audio.streaming import audio_response
from fanshelf.works.access import get_chapter_for_reading, get_work_for_editing, get_work_for_reading
from fanshelf.works.forms import add_action_errors
from fanshelf.works.models import Chapter
from fanshelf.works.reading import needs_adult_gate
from fanshelf.works.reuse import with_ai_reservation


@require_safe
def stream(request: HttpRequest, audio_id: int) -> HttpResponseBase:
    """The file, carrying its work's AI-training reservation as the work's pages do (docs/reuse.md)."""
    audio = get_audio_for_reading(request, audio_id)
    return with_ai_reservation(audio_response(request, audio), audio.chapter.work)


def chapter_audio(request: HttpRequest, work_id: int, chapter_id: int) -> HttpResponse:
    work = get_work_for_reading(request, work_id)
    chapter = get_chapter_for_reading(request, work, chapter_id)
    if needs_adult_gate(request, work):
        return with_ai_reservation(render(request, "works/adult_gate.html", {"work": work}), work)
    context = {"work": work, "chapter": chapter, "is_creator": work.is_created_by(request.user)}
    return with_ai_reservation(render(request, "audio/chapter_page.html", context), work)


# The size limit must be in place before the body is read, and CSRF checking reads it: hence exempt here and
# protected on the inner view, as Django's upload handler documentation prescribes.
@csrf_exempt
@login_required
def upload(request: HttpRequest, work_id: int, chapter_id: int) -> HttpResponse:
    work = get_work_for_editing(request, work_id)
    chapter = get_chapter_for_reading(request, work, chapter_id)
    chapter.work = work
    return _upload_form(request, chapter, AudioSizeLimit.install(request))


@csrf_protect
def _upload_form(request: HttpRequest, chapter: Chapter, size_limit: AudioSizeLimit) -> HttpResponse:
    posted = request.method == "POST"
    data, files = (request.POST, request.FILES) if posted else (None, None)  # reading these runs the size limit
    form = AudioUploadForm(data, files, too_large=size_limit.exceeded)
    if posted and form.is_valid():
        try:
            actions.upload_audio(chapter, form.cleaned_data["file"])
        except ValidationError as error:
            add_action_errors(error, form)
        else:
            messages.success(request, "Audio uploaded.")
            return redirect("audio:chapter", chapter.work_id, chapter.pk)
    return render(request, "audio/upload.html", {"form": form, "work": chapter.work, "chapter": chapter})


@login_required
def delete(request: HttpRequest, audio_id: int) -> HttpResponse:
    audio = get_audio_for_editing(request, audio_id)
    if request.method == "POST":
        actions.delete_audio(audio)
        messages.success(request, "Audio deleted.")
        return redirect("audio:chapter", audio.chapter.work_id, audio.chapter_id)
    return render(request, "audio/confirm_delete.html", {"audio": audio, "work": audio.chapter.work})
