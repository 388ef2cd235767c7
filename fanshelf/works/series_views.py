"""Series pages: a series with the works a reader may see, and its creators' edit page."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from fanshelf.accounts.blocking import muted_user_ids
from fanshelf.core.numbers import MAX_ID, number_param
from fanshelf.core.pagination import paginate
from fanshelf.works.forms import add_action_errors
from fanshelf.works.models import Series
from fanshelf.works.series import remove_from_series, update_series


class SeriesForm(forms.Form):
    title = forms.CharField(max_length=255)
    summary = forms.CharField(widget=forms.Textarea, required=False)
    notes = forms.CharField(widget=forms.Textarea, required=False)
    complete = forms.BooleanField(required=False, label="This series is complete")


def series_detail(request: HttpRequest, series_id: int) -> HttpResponse:
    series = get_object_or_404(Series.objects.prefetch_related("creators__user"), pk=series_id)
    works = series.works_visible_to(request.user)
    if not works.exists() and not series.is_created_by(request.user):
        raise Http404("No such series.")
    # Works by people the reader muted are left out, as in every listing (accounts/blocking.py); the page says so.
    muted = muted_user_ids(request.user)
    shown = works.exclude(creatorships__pseud__user_id__in=muted) if muted else works
    page = paginate(request, shown, per_page=20)
    context = {
        "series": series,
        "page_obj": page,
        "muted_works": works.count() - page.paginator.count if muted else 0,
        "heading": series.title,
        "is_creator": series.is_created_by(request.user),
    }
    return render(request, "works/series.html", context)


@login_required
def edit_series(request: HttpRequest, series_id: int) -> HttpResponse:
    series = get_object_or_404(Series, pk=series_id)
    if not series.is_created_by(request.user):
        raise Http404("No such series.")
    initial = {"title": series.title, "summary": series.summary, "notes": series.notes, "complete": series.complete}
    form = SeriesForm(request.POST or None, initial=initial)
    if request.method == "POST" and "remove_work" in request.POST:
        work_id = number_param(request.POST, "remove_work", default=0, maximum=MAX_ID)
        entry = series.entries.filter(work_id=work_id).select_related("work").first()
        if entry is not None:
            remove_from_series(series, entry.work, request.user)  # type: ignore[arg-type]
            messages.success(request, f"“{entry.work.title}” was removed from the series.")
        return redirect("works:series_edit", series.pk)
    if request.method == "POST" and form.is_valid():
        try:
            update_series(series, request.user, **form.cleaned_data)  # type: ignore[arg-type]
        except ValidationError as error:
            add_action_errors(error, form)
        else:
            return redirect(series)
    entries = series.entries.select_related("work")
    return render(request, "works/series_edit.html", {"series": series, "form": form, "entries": entries})
