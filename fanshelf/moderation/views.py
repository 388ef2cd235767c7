from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from fanshelf.accounts.models import User, is_moderator
from fanshelf.core.pagination import paginate
from fanshelf.moderation.actions import SWITCH_NAMES, change_site_settings
from fanshelf.moderation.forms import SiteSettingsForm
from fanshelf.moderation.models import AuditEntry, SiteSettings


@login_required
def site_settings(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not isinstance(user, User) or not is_moderator(user):
        raise PermissionDenied("Only moderators change the site settings.")
    row = SiteSettings.objects.filter(pk=1).first() or SiteSettings(pk=1)
    form = SiteSettingsForm(request.POST or None, instance=row)
    if request.method == "POST" and form.is_valid():
        changes = {name: form.cleaned_data[name] for name in SWITCH_NAMES}
        change_site_settings(user, changes, form.cleaned_data["reason"])
        messages.success(request, "The site settings are saved; every page shows them from now on.")
        return redirect("moderation:settings")
    return render(request, "moderation/settings.html", {"form": form})


@login_required
def audit_log(request: HttpRequest) -> HttpResponse:
    if not request.user.is_superuser:
        raise PermissionDenied("Only superusers read the audit log.")
    page = paginate(request, AuditEntry.objects.all(), per_page=50)
    return render(request, "moderation/audit_log.html", {"page_obj": page})
