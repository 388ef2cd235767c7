"""The web upload: thin, like every view; parsing and saving happen in imports.actions."""

from __future__ import annotations

from typing import cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from fanshelf.accounts.models import User
from fanshelf.imports.actions import import_file
from fanshelf.imports.forms import ImportForm
from fanshelf.works.forms import add_action_errors


@login_required
def upload(request: HttpRequest) -> HttpResponse:
    user = cast(User, request.user)  # login_required: never anonymous here
    form = ImportForm(request.POST or None, request.FILES or None, user=user)
    if request.method == "POST" and form.is_valid():
        post = request.POST.get("intent", "post") == "post"
        try:
            work = import_file(user, form.file_name(), form.file_bytes(), form.import_choices(), post=post)
        except ValidationError as error:
            add_action_errors(error, form)
        else:
            if post:
                messages.success(request, f"Imported and posted “{work.title}”.")
            else:
                messages.success(request, f"Imported “{work.title}” as a draft. It is visible to you only.")
            return redirect(work)
    return render(request, "imports/upload.html", {"form": form})
