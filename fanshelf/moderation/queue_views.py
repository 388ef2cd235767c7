"""The moderators' report queue: tabs by status, filters by kind and age, and the steps taken from an entry."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from fanshelf.accounts.models import is_moderator
from fanshelf.core.pagination import paginate
from fanshelf.moderation.models import Report
from fanshelf.moderation.report_forms import HandleReportForm, QueueFilterForm
from fanshelf.moderation.reports import DELETABLE, HIDEABLE, handle_report


def _require_moderator(request: HttpRequest) -> None:
    if not is_moderator(request.user):
        raise PermissionDenied("Only moderators see the report queue.")


@login_required
def report_queue(request: HttpRequest) -> HttpResponse:
    _require_moderator(request)
    filters = QueueFilterForm(request.GET)
    chosen = filters.cleaned_data if filters.is_valid() else {}
    tab = chosen.get("tab") or "open"
    reports = Report.objects.in_tab(tab).select_related("reporter", "reported_user", "handled_by")
    if chosen.get("kind"):
        reports = reports.filter(kind=chosen["kind"])
    if chosen.get("older_than"):
        reports = reports.filter(created_at__lte=timezone.now() - datetime.timedelta(days=chosen["older_than"]))
    if chosen.get("order") == "newest":
        reports = reports.order_by("-created_at", "-pk")
    context = {
        "filters": filters,
        "tab": tab,
        "page_obj": paginate(request, reports, per_page=25),
        "hideable": HIDEABLE,
        "deletable": DELETABLE,
    }
    return render(request, "moderation/report_queue.html", context, status=400 if filters.errors else 200)


@login_required
@require_POST
def handle(request: HttpRequest, report_id: int) -> HttpResponse:
    _require_moderator(request)
    report = get_object_or_404(Report, pk=report_id)
    back = "in_progress" if report.status == "in_progress" else "resolved" if report.status != "open" else "open"
    form = HandleReportForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, " ".join(str(error) for error in errors))
        return redirect(f"{reverse('moderation:reports')}?tab={back}")
    data = form.cleaned_data
    try:
        handle_report(report, request.user, data["action"], data["reason"], data["days"])
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    except PermissionDenied as refusal:  # an account that outranks the moderator (accounts.models.outranks)
        messages.error(request, str(refusal))
    else:
        messages.success(request, f"Report {report.pk}: {report.decision or 'taken, now in progress'}.")
    return redirect(f"{reverse('moderation:reports')}?tab={back}")
