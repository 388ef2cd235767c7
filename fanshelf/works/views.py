"""Thin views: access helper, form, one action, redirect or render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from fanshelf.core.pagination import paginate
from fanshelf.works import actions
from fanshelf.works.access import get_chapter_for_reading, get_work_for_editing, get_work_for_reading, read_with_probe
from fanshelf.works.forms import ChapterForm, ChapterOrderForm, ChapterWithCocreatorsForm, WorkForm, add_action_errors
from fanshelf.works.models import Chapter, Work
from fanshelf.works.reading import ADULT_SESSION_KEY, render_work_page
from fanshelf.works.related import cite_parent
from fanshelf.works.reuse import with_ai_reservation
from fanshelf.works.series import add_to_series
from fanshelf.works.sharing import check_invitees, invite, share_from_form, split_names


@login_required
def my_drafts(request: HttpRequest) -> HttpResponse:
    works = Work.objects.drafts_of(request.user).for_blurbs().order_by("-edited_at")  # type: ignore[arg-type]
    page = paginate(request, works, per_page=20)
    return render(request, "works/listing.html", {"heading": "My Drafts", "page_obj": page})


def work_detail(request: HttpRequest, work_id: int) -> HttpResponse:
    work, probe = read_with_probe(request, work_id)
    entire = work.posted_chapter_count <= 1
    return with_ai_reservation(render_work_page(request, work, None, entire, probe=probe), work)


def work_entire(request: HttpRequest, work_id: int) -> HttpResponse:
    work, probe = read_with_probe(request, work_id)
    return with_ai_reservation(render_work_page(request, work, None, entire=True, probe=probe), work)


def chapter_detail(request: HttpRequest, work_id: int, chapter_id: int) -> HttpResponse:
    work, probe = read_with_probe(request, work_id)
    chapter = get_chapter_for_reading(request, work, chapter_id)
    return with_ai_reservation(render_work_page(request, work, chapter, entire=False, probe=probe), work)


@require_POST
def confirm_adult(request: HttpRequest, work_id: int) -> HttpResponse:
    """Remember for this session that the reader chose to see adult works."""
    work = get_work_for_reading(request, work_id)
    request.session[ADULT_SESSION_KEY] = True
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = work.get_absolute_url()
    return redirect(target)


@login_required
def new_work(request: HttpRequest) -> HttpResponse:
    work_form = WorkForm(request.POST or None, user=request.user)  # type: ignore[arg-type]
    chapter_form = ChapterForm(request.POST or None)
    if request.method == "POST" and work_form.is_valid() and chapter_form.is_valid():
        intent = request.POST.get("intent", "post")
        try:
            work = actions.create_work(
                request.user,  # type: ignore[arg-type]
                work_form.work_fields(),
                chapter_form.chapter_fields(),
                post=intent == "post",
                then=lambda work: _cite_parent_from_form(work, request, work_form),
            )
        except ValidationError as error:
            add_action_errors(error, work_form, chapter_form)
        else:
            return _after_save(request, work, intent)
    context = {"work_form": work_form, "chapter_form": chapter_form, "heading": "Post New Work"}
    return render(request, "works/work_form.html", context)


def _cite_parent_from_form(work: Work, request: HttpRequest, form: WorkForm) -> None:
    """The optional parts of the work form: a cited parent work and a series. Run by the action inside its
    transaction, so a refused citation leaves no half-saved work behind."""
    reference = form.parent_reference()
    if reference is not None:
        cite_parent(work, request.user, reference)  # type: ignore[arg-type]
    if form.cleaned_data.get("series_title", "").strip():
        add_to_series(work, request.user, form.cleaned_data["series_title"])  # type: ignore[arg-type]
    share_from_form(work, request.user, *form.sharing())  # type: ignore[arg-type]


def _after_save(request: HttpRequest, work: Work, intent: str) -> HttpResponse:
    if intent == "preview":
        return redirect("works:preview", work.pk)
    if intent == "post":
        messages.success(request, "Work was successfully posted.")
    elif work.posted:
        messages.success(request, "Work was successfully updated.")
    else:
        messages.success(request, "Draft saved. It is visible to you only until you post it.")
    return redirect(work)


@login_required
def edit_work(request: HttpRequest, work_id: int) -> HttpResponse:
    work = get_work_for_editing(request, work_id)
    form = WorkForm(request.POST or None, user=request.user, initial=WorkForm.initial_for(work))  # type: ignore[arg-type]
    if request.method == "POST" and form.is_valid():
        intent = request.POST.get("intent", "save")
        try:
            actions.update_work(
                work,
                request.user,  # type: ignore[arg-type]
                form.work_fields(),
                post=intent == "post",
                then=lambda work: _cite_parent_from_form(work, request, form),
            )
        except ValidationError as error:
            add_action_errors(error, form)
        else:
            return _after_save(request, work, intent)
    return render(request, "works/work_form.html", {"work_form": form, "work": work, "heading": "Edit Work"})


@login_required
def preview_work(request: HttpRequest, work_id: int) -> HttpResponse:
    work = get_work_for_editing(request, work_id)
    return render_work_page(request, work, chapter=None, entire=True, preview=True)


@login_required
@require_POST
def post_draft(request: HttpRequest, work_id: int) -> HttpResponse:
    work = get_work_for_editing(request, work_id)
    actions.post_work(work)
    messages.success(request, "Work was successfully posted.")
    return redirect(work)


@login_required
def delete_work_view(request: HttpRequest, work_id: int) -> HttpResponse:
    work = get_work_for_editing(request, work_id)
    if request.method == "POST":
        actions.delete_work(work)
        messages.success(request, f"“{work.title}” was deleted.")
        return redirect("home")
    return render(request, "works/confirm_delete.html", {"work": work, "thing": "work"})


@login_required
def new_chapter(request: HttpRequest, work_id: int) -> HttpResponse:
    work = get_work_for_editing(request, work_id)
    form = ChapterWithCocreatorsForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            invitees = _chapter_invitees(request, work, form)
            chapter = actions.add_chapter(work, form.chapter_fields(), post=request.POST.get("intent") == "post")
        except ValidationError as error:
            add_action_errors(error, form)
        else:
            _invite_to_chapter(request, chapter, invitees)
            messages.success(request, "Chapter was successfully posted." if chapter.posted else "Chapter saved.")
            return redirect("works:chapter", work.pk, chapter.pk)
    return render(request, "works/chapter_form.html", {"form": form, "work": work, "heading": "New Chapter"})


@login_required
def edit_chapter(request: HttpRequest, work_id: int, chapter_id: int) -> HttpResponse:
    work = get_work_for_editing(request, work_id)
    chapter = get_chapter_for_reading(request, work, chapter_id)
    form = ChapterWithCocreatorsForm(request.POST or None, initial=ChapterForm.initial_for(chapter))
    if request.method == "POST" and form.is_valid():
        try:
            invitees = _chapter_invitees(request, work, form)
            actions.update_chapter(chapter, form.chapter_fields())
        except ValidationError as error:
            add_action_errors(error, form)
        else:
            _invite_to_chapter(request, chapter, invitees)
            messages.success(request, "Chapter was successfully updated.")
            return redirect("works:chapter", work.pk, chapter.pk)
    context = {"form": form, "work": work, "chapter": chapter, "heading": f"Edit {chapter.heading}"}
    return render(request, "works/chapter_form.html", context)


def _chapter_invitees(request: HttpRequest, work: Work, form: ChapterWithCocreatorsForm) -> list[str]:
    """The chapter's co-creators to invite, checked before the chapter is saved, so a refusal loses nothing."""
    names = split_names(form.cleaned_data["chapter_cocreators"])
    check_invitees(work, request.user, names, field="chapter_cocreators")  # type: ignore[arg-type]
    return names


def _invite_to_chapter(request: HttpRequest, chapter: Chapter, names: list[str]) -> None:
    if not names:
        return
    try:
        invite(chapter.work, request.user, names, chapter=chapter, field="chapter_cocreators")  # type: ignore[arg-type]
    except ValidationError as error:  # someone changed their preference in between: the chapter is saved anyway
        messages.error(request, " ".join(error.messages))


@login_required
@require_POST
def post_chapter_view(request: HttpRequest, work_id: int, chapter_id: int) -> HttpResponse:
    work = get_work_for_editing(request, work_id)
    chapter = get_chapter_for_reading(request, work, chapter_id)
    try:
        actions.post_chapter(chapter)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"{chapter.heading} was successfully posted.")
    return redirect("works:chapter", work.pk, chapter.pk)


@login_required
def delete_chapter_view(request: HttpRequest, work_id: int, chapter_id: int) -> HttpResponse:
    work = get_work_for_editing(request, work_id)
    chapter = get_chapter_for_reading(request, work, chapter_id)
    if request.method == "POST":
        try:
            actions.delete_chapter(chapter)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("works:chapter", work.pk, chapter.pk)
        messages.success(request, "Chapter was deleted.")
        return redirect(work)
    return render(request, "works/confirm_delete.html", {"work": work, "chapter": chapter, "thing": "chapter"})


@login_required
def manage_chapters(request: HttpRequest, work_id: int) -> HttpResponse:
    work = get_work_for_editing(request, work_id)
    form = ChapterOrderForm(request.POST or None, chapters=list(work.chapters.all()))
    if request.method == "POST" and form.is_valid():
        actions.reorder_chapters(work, form.ordered_ids())
        messages.success(request, "Chapter order was saved.")
        return redirect(work)
    return render(request, "works/manage_chapters.html", {"form": form, "work": work})
