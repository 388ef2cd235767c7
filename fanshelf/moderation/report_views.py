"""Reporting an item: the Report link on works, chapters, comments, bookmarks, series and profiles leads here."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from fanshelf.accounts.models import User
from fanshelf.core.limits import count_event, seconds_to_wait, too_many
from fanshelf.core.visitors import address_key
from fanshelf.moderation.report_forms import ReportForm
from fanshelf.moderation.reports import ReportFields, file_report, find_target_for
from fanshelf.works.forms import add_action_errors

REPORTS_SCOPE = "reports"
TOO_MANY = "Many reports have come from your address lately."


def report_item(request: HttpRequest, kind: str, target_id: int) -> HttpResponse:
    """Guests give an email; everyone's submissions count against FANSHELF_REPORT_RATE per client address."""
    target = find_target_for(request, kind, target_id)
    reporter = request.user if isinstance(request.user, User) else None
    form = ReportForm(request.POST or None, guest=reporter is None)
    if request.method == "POST":
        key = address_key(request)
        if wait := seconds_to_wait(REPORTS_SCOPE, [key], settings.FANSHELF_REPORT_RATE):
            return too_many(request, wait, TOO_MANY)
        if form.is_valid():
            data = form.cleaned_data
            fields = ReportFields(data["category"], data["text"], data.get("guest_email", ""))
            try:
                file_report(target, fields, reporter=reporter, client_key=key)
            except ValidationError as error:
                add_action_errors(error, form)
            else:
                count_event(REPORTS_SCOPE, [key], settings.FANSHELF_REPORT_RATE)
                return redirect("moderation:report_filed")
    status = 400 if form.errors else 200
    return render(request, "moderation/report_form.html", {"form": form, "target": target}, status=status)


def report_filed(request: HttpRequest) -> HttpResponse:
    return render(request, "moderation/report_filed.html")
