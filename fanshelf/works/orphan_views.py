"""Orphaning pages: a work, a series, a pseud's works or all of an account's works. Each asks once more (a
confirmation box) before calling its action in works/orphaning.py, since orphaning cannot be undone."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import partial

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from fanshelf.accounts.access import get_pseud, get_user_for_managing
from fanshelf.accounts.models import User
from fanshelf.works import orphaning
from fanshelf.works.access import get_work_for_editing
from fanshelf.works.models import Creatorship, Series, Work

SHOWN_TITLES = 50  # the confirmation page names this many works, then says how many more


class OrphanForm(forms.Form):
    name_shown = forms.ChoiceField(
        label="Name shown on the works",
        choices=[
            ("orphan", "Show “orphan_account”"),
            ("keep", "Keep showing my pseud’s name, as “name (orphan_account)”"),
        ],
        initial="orphan",
        widget=forms.RadioSelect,
    )
    confirm = forms.BooleanField(
        label="I understand that orphaning cannot be undone: I will no longer be able to edit or delete these works.",
        error_messages={"required": "Tick the box to confirm: orphaning cannot be undone."},
    )

    def keep_names(self) -> bool:
        return bool(self.cleaned_data["name_shown"] == "keep")


def _confirm(
    request: HttpRequest,
    context: Mapping[str, object],
    works: QuerySet[Work],
    act: Callable[..., object],
    done: str,
) -> HttpResponse:
    """The shared page: list what will be orphaned, and orphan it on a confirmed POST."""
    form = OrphanForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            act(keep_names=form.keep_names())
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, done)
            return redirect("accounts:dashboard", request.user.get_username())
    count = works.count()
    shown = list(works.order_by("title", "pk")[:SHOWN_TITLES])
    context = {**context, "form": form, "works": shown, "work_count": count, "more": count - len(shown)}
    return render(request, "works/orphan/confirm.html", context)


@login_required
def orphan_work(request: HttpRequest, work_id: int) -> HttpResponse:
    work = get_work_for_editing(request, work_id)
    user: User = request.user  # type: ignore[assignment]
    context = {"heading": f"Orphan “{work.title}”?", "what": "this work", "work": work}
    act = partial(orphaning.orphan_work, work, user)
    works = Work.objects.filter(pk=work.pk, posted=True)
    return _confirm(request, context, works, act, f"“{work.title}” was orphaned.")


@login_required
def orphan_series(request: HttpRequest, series_id: int) -> HttpResponse:
    series = get_object_or_404(Series, pk=series_id)
    if not series.is_created_by(request.user):
        raise Http404("No such series.")
    user: User = request.user  # type: ignore[assignment]
    works = _posted_works_of(user).filter(series_entries__series=series)
    context = {"heading": f"Orphan the series “{series.title}”?", "what": "this series and your works in it"}
    act = partial(orphaning.orphan_series, series, user)
    return _confirm(request, context, works, act, f"The series “{series.title}” was orphaned.")


def orphan_pseud(request: HttpRequest, username: str, pseud: str) -> HttpResponse:
    user = get_user_for_managing(request, username)
    target = get_pseud(user, pseud)
    works = Work.objects.filter(posted=True, creatorships__pseud=target)
    context = {"heading": f"Orphan the works of “{target.name}”?", "what": f"every posted work of “{target.name}”"}
    act = partial(orphaning.orphan_pseud_works, target)
    return _confirm(request, context, works, act, f"The works of “{target.name}” were orphaned.")


def orphan_all(request: HttpRequest, username: str) -> HttpResponse:
    user = get_user_for_managing(request, username)
    context = {"heading": "Orphan all your works?", "what": "every posted work of your account"}
    act = partial(orphaning.orphan_all_works, user)
    return _confirm(request, context, _posted_works_of(user), act, "All your works were orphaned.")


def _posted_works_of(user: User) -> QuerySet[Work]:
    return Work.objects.filter(posted=True, pk__in=Creatorship.objects.filter(pseud__user=user).values("work_id"))
