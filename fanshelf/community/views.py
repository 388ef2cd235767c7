from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from fanshelf.community.actions import leave_kudos
from fanshelf.core.visitors import visitor_key
from fanshelf.works.access import get_work_for_reading


@require_POST
def kudos(request: HttpRequest, work_id: int) -> HttpResponse:
    work = get_work_for_reading(request, work_id)
    user = request.user if request.user.is_authenticated else None
    try:
        leave_kudos(work, user, visitor_key(request))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "Thank you for leaving kudos!")
    back = request.POST.get("next", "")
    if not back.startswith(f"/works/{work.pk}/") or not url_has_allowed_host_and_scheme(back, allowed_hosts=None):
        back = work.get_absolute_url()
    return redirect(f"{back}#kudos")
