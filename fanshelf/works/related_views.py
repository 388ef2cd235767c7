"""Pages for related works: a creator's citations of parents, and parent creators approving or removing links."""

from __future__ import annotations

import copy
from typing import cast

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from fanshelf.accounts.models import User
from fanshelf.works.access import get_work_for_editing
from fanshelf.works.forms import WorkForm, add_action_errors, parent_reference_from
from fanshelf.works.related import (
    approve_link,
    cite_parent,
    cited_parents,
    links_citing_works_of,
    reject_link,
    uncite_parent,
)

_PARENT_FIELDS = ["parent_kind", "parent_url", "parent_title", "parent_creator", "parent_language"]


class CiteParentForm(forms.Form):
    """The parent fields of the work form, on their own."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        for name in _PARENT_FIELDS:
            self.fields[name] = copy.deepcopy(WorkForm.base_fields[name])
        self.fields["parent_url"].required = True


@login_required
def manage_parents(request: HttpRequest, work_id: int) -> HttpResponse:
    work = get_work_for_editing(request, work_id)
    form = CiteParentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        reference = parent_reference_from(form.cleaned_data)
        try:
            if reference is not None:
                cite_parent(work, request.user, reference)  # type: ignore[arg-type]
        except ValidationError as error:
            add_action_errors(error, form)
        else:
            messages.success(request, "The parent work was added.")
            return redirect("works:related_manage", work.pk)
    return render(
        request,
        "works/manage_parents.html",
        {"work": work, "form": form, "links": cited_parents(work, cast(User, request.user))},
    )


@login_required
@require_POST
def remove_parent(request: HttpRequest, work_id: int, link_id: int) -> HttpResponse:
    work = get_work_for_editing(request, work_id)
    link = work.parent_links.filter(pk=link_id).first()
    if link is None:
        raise Http404("No such link.")
    uncite_parent(link, request.user)  # type: ignore[arg-type]
    messages.success(request, "The parent work was removed.")
    return redirect("works:related_manage", work.pk)


@login_required
def links_to_my_works(request: HttpRequest) -> HttpResponse:
    """Works citing the user's works: approve or remove each link."""
    links = links_citing_works_of(cast(User, request.user))
    return render(request, "works/links_to_my_works.html", {"links": links})


@login_required
@require_POST
def decide_link(request: HttpRequest, link_id: int, decision: str) -> HttpResponse:
    # Only links the page lists: a link from a child this user may not open is as missing as a wrong id.
    link = links_citing_works_of(cast(User, request.user)).filter(pk=link_id).first()
    if link is None or decision not in {"approve", "remove"}:
        raise Http404("No such link.")
    try:
        (approve_link if decision == "approve" else reject_link)(link, request.user)  # type: ignore[arg-type]
    except ValidationError as error:
        raise Http404(" ".join(error.messages)) from None
    messages.success(request, "The link was approved." if decision == "approve" else "The link was removed.")
    return redirect("works:related_links")
